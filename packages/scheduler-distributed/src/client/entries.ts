/**
 * The client's bookkeeping records, apart from the wire: an Entry per key the caller holds
 * (reference count; state pending -> memory | erred; a promise that settles with it) and a
 * RunRecord per graph sent (its outputs and the held keys its graph names). Pure: no I/O.
 */
import type { Key, RunHandle, TaskGraph } from '@tsdask/core-graph';
import type { GraphHead } from './encode-graph.js';

const noop = (): void => {};

/** One graph sent to the scheduler: the outputs it computes and the held keys it names. */
export interface RunRecord {
  readonly id: number;
  readonly keys: readonly Key[];
  readonly held: readonly Key[];
  /** Outputs not settled yet; at 0 the record is dropped. */
  open: number;
  cancelled: boolean;
  /** Stops listening to the run's AbortSignal. */
  detach: () => void;
  /** The graph as sent (its message less the nodes, and the graph they are encoded from), kept while the run is open: sent again to a scheduler that restarted (client/reconnect.ts). */
  msg?: { head: GraphHead; graph: TaskGraph };
}

/** A key the caller holds references to. */
export interface Entry {
  state: 'pending' | 'memory' | 'erred';
  refs: number;
  error: unknown;
  nbytes: number;
  /** Settles when the entry leaves pending (rejects when it erred); replaced if a held result errs later. */
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** The run computing it, while pending. */
  run: RunRecord | undefined;
  /** Already released at the scheduler (cancelled): the last local release sends nothing. */
  releasedRemotely: boolean;
}

/** A pending entry with no reference yet, computed by `run` (undefined for a scatter). */
export function newEntry(run: RunRecord | undefined): Entry {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(noop);
  return { state: 'pending', refs: 0, error: undefined, nbytes: 0, done, resolve, reject, run, releasedRemotely: false };
}

/**
 * Moves an entry to memory or erred (an erred one stays erred; a held one may still err, when
 * computed again after a loss); returns the run it was pending on, if any.
 */
export function settleEntry(e: Entry, state: 'memory' | 'erred', error?: unknown): RunRecord | undefined {
  if (e.state === 'erred' || (e.state === 'memory' && state === 'memory')) return undefined;
  if (e.state === 'memory') {
    e.done = Promise.reject(error);
    e.done.catch(noop);
  } else if (state === 'memory') e.resolve();
  else e.reject(error);
  e.state = state;
  e.error = error;
  const run = e.run;
  e.run = undefined;
  return run;
}

/** A handle whose outputs all reject with `err`. */
export function failedHandle(keys: readonly Key[], err: unknown): RunHandle {
  const done = Promise.reject(err);
  done.catch(noop);
  return { keys, done, output: () => done };
}
