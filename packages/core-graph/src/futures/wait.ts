/**
 * Waiting on futures, as Dask's `as_completed` and `wait`: `asCompleted(futures)` yields each
 * future as it settles (finished, erred or cancelled), in completion order; `wait(futures,
 * { returnWhen, timeout })` resolves to the done and not-done sets.
 */
import { ConfigError } from '../errors.js';
import type { Future } from './future.js';

/** Yields the futures as they complete (finished, erred or cancelled), in completion order. */
export async function* asCompleted<T extends Future>(futures: Iterable<T>): AsyncGenerator<T, void, undefined> {
  const pending = new Set<T>(futures);
  const ready: T[] = [];
  let wake: (() => void) | undefined;
  for (const f of pending) {
    void f.settled.then(() => {
      ready.push(f);
      wake?.();
    });
  }
  while (pending.size > 0) {
    if (ready.length === 0) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    while (ready.length > 0) {
      const f = ready.shift() as T;
      pending.delete(f);
      yield f;
    }
  }
}

/** Options of `wait`. */
export interface WaitOptions {
  /** 'ALL_COMPLETED' (default) or 'FIRST_COMPLETED'. */
  returnWhen?: 'ALL_COMPLETED' | 'FIRST_COMPLETED';
  /** Milliseconds to wait at most; then `wait` resolves with what is done so far. */
  timeout?: number;
}

/** Waits until all (or the first of) the futures are done; resolves to `{ done, notDone }`. */
export async function wait<T extends Future>(futures: Iterable<T>, opts: WaitOptions = {}): Promise<{ done: Set<T>; notDone: Set<T> }> {
  const all = [...futures];
  const when = opts.returnWhen ?? 'ALL_COMPLETED';
  if (when !== 'ALL_COMPLETED' && when !== 'FIRST_COMPLETED') {
    throw new ConfigError(`wait() option 'returnWhen' must be 'ALL_COMPLETED' or 'FIRST_COMPLETED', got '${String(when)}'.`, { option: 'returnWhen' });
  }
  if (opts.timeout !== undefined && !(opts.timeout >= 0)) {
    throw new ConfigError(`wait() option 'timeout' must be a number of milliseconds >= 0, got ${String(opts.timeout)}.`, { option: 'timeout' });
  }
  const settled = all.map((f) => f.settled);
  const target = when === 'ALL_COMPLETED' ? Promise.all(settled) : all.length === 0 ? Promise.resolve() : Promise.race(settled);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = opts.timeout === undefined ? undefined : new Promise<void>((r) => (timer = setTimeout(r, opts.timeout)));
  try {
    await (limit === undefined ? target : Promise.race([target, limit]));
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  const done = new Set<T>();
  const notDone = new Set<T>();
  for (const f of all) (f.done() ? done : notDone).add(f);
  return { done, notDone };
}
