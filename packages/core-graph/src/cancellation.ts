/**
 * The cancellation of one compute: the caller's `signal` and `timeout` (ms) folded into one
 * AbortSignal that the scheduler watches. The timeout's timer is cleared and the listener on the
 * caller's signal removed when the compute ends (`dispose`), so neither outlives it.
 */
import { CancelledError, ConfigError } from './errors.js';
import { abortSignal, timeoutMs as checkTimeout } from './options/checks.js';

/** One compute's signal; `dispose` ends the timer and the listener. */
export interface ComputeSignal {
  readonly signal: AbortSignal | undefined;
  dispose(): void;
}

/** The reasons of timeouts set here (a caller's own AbortSignal.timeout() is not one). */
const timeouts = new WeakSet<object>();

/** A reason for a timeout, as AbortSignal.timeout() gives. */
function timeoutReason(ms: number): unknown {
  const message = `the compute ran past its timeout of ${ms} ms`;
  const reason = typeof DOMException === 'function' ? new DOMException(message, 'TimeoutError') : Object.assign(new Error(message), { name: 'TimeoutError' });
  timeouts.add(reason);
  return reason;
}

/** The CancelledError for an aborted compute signal (naming the timeout when that was the reason). */
export function cancelledError(signal: AbortSignal, timeoutMs?: number): CancelledError {
  const reason: unknown = signal.reason;
  const timedOut = timeoutMs !== undefined && typeof reason === 'object' && reason !== null && timeouts.has(reason);
  return new CancelledError(reason, timedOut ? timeoutMs : undefined);
}

/** Throws CancelledError when `signal` has aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined, timeoutMs?: number): void {
  if (signal?.aborted) throw cancelledError(signal, timeoutMs);
}

/** Folds the caller's signal and a timeout into one signal for a compute. */
export function computeSignal(signal: AbortSignal | undefined, timeout: number | undefined): ComputeSignal {
  for (const [name, value, check] of [
    ['timeout', timeout, checkTimeout],
    ['signal', signal, abortSignal],
  ] as const) {
    const problem = value === undefined ? undefined : check(value);
    if (problem !== undefined) throw new ConfigError(`compute() option '${name}' ${problem}.`, { option: name });
  }
  if (timeout === undefined) return { signal, dispose() {} };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort((signal as AbortSignal).reason);
  if (signal !== undefined) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  // Not unref'd: a compute waiting on a task that never settles must still end when time is up.
  const timer = setTimeout(() => controller.abort(timeoutReason(timeout)), timeout);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Rejects with CancelledError when `signal` aborts before `work` settles, for schedulers that do
 * not honour the signal themselves (their work is left to run out; its result is dropped).
 */
export function raceCancel<T>(work: Promise<T>, signal: AbortSignal, timeoutMs?: number): Promise<T> {
  let onAbort: () => void = () => {};
  const cancelled = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelledError(signal, timeoutMs));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  // The work may still fail after a cancel: that rejection is expected and dropped.
  work.catch(() => {});
  return Promise.race([work, cancelled]).finally(() => signal.removeEventListener('abort', onAbort));
}
