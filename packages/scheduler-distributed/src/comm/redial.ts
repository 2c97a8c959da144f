/**
 * Redialing a scheduler that went away (a restart): tries `attempt` again and again with a
 * doubling pause (100 ms, 200 ms, ... at most 1 s, so a restarted scheduler is found within about
 * a second of listening) until it succeeds, the window of `timeoutMs` since the loss has passed
 * (then it rejects with the last attempt's error), or `stopped()` says to give up. The worker, its
 * nanny and the client share it (worker/reconnect.ts, nanny/nanny.ts, client/remote-scheduler.ts).
 */

/** Options of redial. */
export interface RedialOptions {
  /** Give up this many ms after the first attempt. */
  timeoutMs: number;
  /** The first pause between attempts, in ms (default 100). */
  firstDelayMs?: number;
  /** The longest pause, in ms (default 1000). */
  maxDelayMs?: number;
  /** Checked before each attempt: true stops redialing (rejects with the last error). */
  stopped?: () => boolean;
  /** Told of each failed attempt (for logs). */
  onRetry?: (err: Error, attempt: number) => void;
}

/** The error of a redial that gave up without any attempt having been made (stopped at once). */
function stoppedError(): Error {
  return new Error('stopped before the scheduler could be reached again');
}

/** Calls `attempt` until it resolves, with a doubling pause between tries, for at most `timeoutMs`; rejects with the last error. */
export async function redial<T>(attempt: () => Promise<T>, opts: RedialOptions): Promise<T> {
  const until = Date.now() + opts.timeoutMs;
  let delay = opts.firstDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 1000;
  let last: Error = stoppedError();
  for (let n = 1; opts.stopped?.() !== true; n++) {
    try {
      return await attempt();
    } catch (err) {
      last = err as Error;
      opts.onRetry?.(last, n);
    }
    const left = until - Date.now();
    if (left <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    delay = Math.min(max, delay * 2);
  }
  throw last;
}
