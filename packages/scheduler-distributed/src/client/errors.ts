/**
 * The client's error classes: MissingTokenError (no token given and TSDASK_TOKEN unset),
 * SchedulerLostError (the connection to the scheduler failed or closed: every pending run and
 * gather rejects with it at once, and so does every later call), ClientClosedError (the same,
 * after `client.close()`), and DataNotFoundError (a gathered key was not found at any of its
 * holders after the retries). Each is registered so it crosses boundaries as itself.
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

/** No token was given to `new Client(address)` and TSDASK_TOKEN is not set. */
export class MissingTokenError extends TsdaskError {
  /** The scheduler's address the client was for. */
  readonly address: string;
  constructor(address: string) {
    super(
      'TSDASK_TOKEN_MISSING',
      `No token for the scheduler at ${address}: pass new Client(address, { token }) or set the TSDASK_TOKEN environment variable ` +
        "to the cluster's token (the scheduler prints it as 'tsdask-scheduler token: ...' when it generated one).",
    );
    this.address = address;
  }
}
registerErrorClass(MissingTokenError);

/** The connection to the scheduler could not be opened, or closed: nothing pending on it can finish. */
export class SchedulerLostError extends TsdaskError {
  /** The scheduler's address, `tcp://host:port`. */
  readonly address: string;
  constructor(address: string, cause?: unknown) {
    const why = cause instanceof Error ? cause.message : 'the connection closed';
    super(
      'TSDASK_SCHEDULER_LOST',
      `The scheduler at ${address} is gone (${why}); what was computing or held there is lost. ` +
        'Check that the scheduler is running (and reachable with this token), then make a new Client and compute again.',
      { cause },
    );
    this.address = address;
  }
}
registerErrorClass(SchedulerLostError);

/** The client was closed: what was pending rejects with this, and so does every later call. */
export class ClientClosedError extends TsdaskError {
  /** The scheduler's address, `tcp://host:port`. */
  readonly address: string;
  constructor(address: string) {
    super('TSDASK_CLIENT_CLOSED', `The client of the scheduler at ${address} was closed (client.close()); make a new Client to compute again.`);
    this.address = address;
  }
}
registerErrorClass(ClientClosedError);

/** A gathered key was in memory by the scheduler's word but no worker holding it could give it, after every retry. */
export class DataNotFoundError extends TsdaskError {
  /** The key that could not be fetched. */
  readonly key: string;
  /** The workers (data addresses) asked for it, over all attempts. */
  readonly tried: string[];
  constructor(key: string, tried: string[], attempts: number, cause?: unknown) {
    super(
      'TSDASK_DATA_NOT_FOUND',
      `Could not fetch '${key}' from the workers after ${attempts} attempt(s) (asked: ${tried.join(', ') || 'none: no worker held it'}). ` +
        'Its workers left or died and it was not recomputed in time; compute it again (or raise the gather retries).',
      { cause },
    );
    this.key = key;
    this.tried = tried;
  }
}
registerErrorClass(DataNotFoundError);
