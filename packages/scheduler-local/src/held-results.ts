/**
 * The result store of a local scheduler ('sync', 'threads'): it implements the scheduler
 * contract of core-graph (run / gather / release / scatter / cancel) around `runGraph`, keeping
 * the values of output keys in this process until no reference is left.
 *
 * Entries: pending -> memory | erred (a cancelled result is erred with CancelledError). Each
 * entry counts references: one per handle the caller owns (run outputs, scatter) and one per
 * run in progress whose graph names it (`held(key)` nodes), so a result is freed when no handle
 * and no graph needs it. A run whose graph names a pending result waits for it (and fails with
 * its error); outputs already held or pending are not computed again. A pending result whose
 * references all go before it is done has its run stopped when no output of that run is wanted.
 */
import {
  cancelledError,
  HELD_OP,
  heldKeysIn,
  CancelledError,
  NotHeldError,
  TaskError,
  type ComputeOptions,
  type Key,
  type RunHandle,
  type Scheduler,
  type TaskGraph,
} from '@tsdask/core-graph';
import type { RunHooks } from './run-graph.js';

const PENDING = 0;
const MEMORY = 1;
const ERRED = 2;

interface Run {
  readonly abort: AbortController;
  readonly keys: readonly Key[];
}

interface Entry {
  state: typeof PENDING | typeof MEMORY | typeof ERRED;
  value: unknown;
  error: unknown;
  refs: number;
  /** Callbacks waiting for the entry to leave pending. */
  waiters: (() => void)[] | undefined;
  /** The run computing it, while pending. */
  run: Run | undefined;
}

/** Runs a graph for some outputs (runGraph with an executor bound). */
export type GraphRunner = (g: TaskGraph, outputs: readonly Key[], opts: ComputeOptions, hooks: RunHooks) => Promise<unknown[]>;

const NONE = new Map<Key, number>();
const noop = (): void => {};

/** One local scheduler's results: the contract's methods, given how to run a graph. */
export class HeldResults implements Omit<Scheduler, 'name' | 'options' | 'cancellable'> {
  readonly #entries = new Map<Key, Entry>();
  constructor(
    readonly name: string,
    readonly runner: GraphRunner,
  ) {}

  /** Runs the graph for the outputs not held or pending yet; takes one reference per output. */
  run(g: TaskGraph, outputs: readonly Key[], opts: ComputeOptions): RunHandle {
    const entries = this.#entries;
    // The keys the graph names as held (a scan of its nodes, only when something is held).
    const named = entries.size > 0 ? heldKeysIn(g) : NONE;
    for (const k of named.keys()) {
      if (!entries.has(k)) return failedHandle(outputs, new NotHeldError(k, this.name));
    }
    for (const k of named.keys()) (entries.get(k) as Entry).refs++;
    const run: Run = { abort: new AbortController(), keys: [] };
    const fresh = run.keys as Key[];
    const shared: Key[] = [];
    for (const k of outputs) {
      let e = entries.get(k);
      if (e === undefined) {
        entries.set(k, (e = { state: PENDING, value: undefined, error: undefined, refs: 0, waiters: undefined, run }));
        fresh.push(k);
      } else if (e.state === PENDING && e.run !== run) shared.push(k);
      e.refs++;
    }
    if (fresh.length === 0 && named.size > 0) this.release([...named.keys()]);
    const executed = fresh.length > 0 ? this.#execute(g, run, named, opts) : Promise.resolve();
    const done = executed.then(() => (shared.length > 0 ? this.#waitAll(shared) : undefined));
    done.catch(noop);
    return { keys: outputs, done, output: (i) => this.#whenDone(outputs[i] as Key) };
  }

  async #execute(g: TaskGraph, run: Run, named: ReadonlyMap<Key, number>, opts: ComputeOptions): Promise<void> {
    const signal = opts.signal === undefined ? run.abort.signal : AbortSignal.any([opts.signal, run.abort.signal]);
    try {
      const held = new Map<number, unknown>();
      for (const [k, id] of named) {
        const e = this.#entries.get(k) as Entry;
        if (e.state === PENDING) await this.#settled(e, signal, opts.timeout);
        if (e.state === ERRED) throw e.error;
        held.set(id, e.value);
      }
      const values = await this.runner(g, run.keys, { ...opts, signal }, { held, onOutput: (k, v) => this.#finish(k, v) });
      for (let i = 0; i < run.keys.length; i++) this.#finish(run.keys[i] as Key, values[i]);
    } catch (caught) {
      // A held(key) node that ran (its key is held nowhere: the scan is skipped when the store is empty).
      const err = caught instanceof TaskError && caught.op === HELD_OP ? new NotHeldError(caught.key, this.name, caught) : caught;
      for (const k of run.keys) this.#fail(k, err, run);
      throw err;
    } finally {
      if (named.size > 0) this.release([...named.keys()]);
    }
  }

  /** Resolves when `e` leaves pending; rejects with CancelledError when `signal` aborts first. */
  #settled(e: Entry, signal: AbortSignal, timeout: number | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(cancelledError(signal, timeout));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      (e.waiters ??= []).push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  #whenDone(k: Key): Promise<void> {
    const e = this.#entries.get(k);
    if (e === undefined) return Promise.reject(new NotHeldError(k, this.name));
    const p =
      e.state === PENDING
        ? new Promise<void>((resolve) => (e.waiters ??= []).push(resolve)).then(() => (e.state === ERRED ? Promise.reject(e.error) : undefined))
        : e.state === ERRED
          ? Promise.reject(e.error)
          : Promise.resolve();
    p.catch(noop);
    return p;
  }

  async #waitAll(keys: readonly Key[]): Promise<void> {
    for (const k of keys) await this.#whenDone(k);
  }

  #settle(k: Key, state: typeof MEMORY | typeof ERRED, value: unknown, error: unknown, run?: Run): void {
    const e = this.#entries.get(k);
    if (e === undefined || e.state !== PENDING || (run !== undefined && e.run !== run)) return;
    e.state = state;
    e.value = value;
    e.error = error;
    e.run = undefined;
    const waiters = e.waiters;
    e.waiters = undefined;
    if (e.refs <= 0) this.#entries.delete(k);
    if (waiters !== undefined) for (const w of waiters) w();
  }

  #finish(k: Key, value: unknown): void {
    this.#settle(k, MEMORY, value, undefined);
  }

  #fail(k: Key, error: unknown, run: Run): void {
    this.#settle(k, ERRED, undefined, error, run);
  }

  /** The values of held keys, in order; waits for pending ones, rejects with the error of a failed one. */
  async gather(keys: readonly Key[]): Promise<unknown[]> {
    const out = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as Key;
      const e = this.#entries.get(k);
      if (e === undefined) throw new NotHeldError(k, this.name);
      if (e.state === PENDING) await this.#whenDone(k);
      if (e.state === ERRED) throw e.error;
      out[i] = e.value;
    }
    return out;
  }

  /** Drops one reference per key; frees what nothing needs, and stops a run none of whose outputs is wanted. */
  release(keys: readonly Key[]): void {
    for (const k of keys) {
      const e = this.#entries.get(k);
      if (e === undefined || --e.refs > 0) continue;
      if (e.state !== PENDING) {
        this.#entries.delete(k);
        continue;
      }
      // Pending with no reference left: it leaves the store now (anyone still waiting hears
      // CancelledError; a value that arrives later is dropped), and its run stops once none of
      // its outputs is wanted.
      const run = e.run;
      this.#settle(k, ERRED, undefined, new CancelledError(new Error(`the last reference to '${k}' was released before it finished`)));
      if (run !== undefined && run.keys.every((o) => (this.#entries.get(o)?.refs ?? 0) <= 0)) {
        run.abort.abort(new Error(`no reference is left to the result(s) it computes (${run.keys[0]}, ...)`));
      }
    }
  }

  /** Keeps values under keys, one reference each (an existing entry keeps its value). */
  scatter(values: ReadonlyMap<Key, unknown>): void {
    for (const [k, v] of values) {
      const e = this.#entries.get(k);
      if (e !== undefined) e.refs++;
      else this.#entries.set(k, { state: MEMORY, value: v, error: undefined, refs: 1, waiters: undefined, run: undefined });
    }
  }

  /** Cancels the runs computing these keys; they and the runs waiting on them reject with CancelledError. */
  cancel(keys: readonly Key[]): void {
    for (const k of keys) {
      const run = this.#entries.get(k)?.run;
      if (run !== undefined && !run.abort.signal.aborted) run.abort.abort(new Error(`cancel() was called for '${k}'`));
    }
  }

  /** Held and pending keys with their reference counts. */
  heldKeys(): ReadonlyMap<Key, number> {
    return new Map(Array.from(this.#entries, ([k, e]) => [k, e.refs] as const));
  }
}

/** A scheduler whose results live in this process, in a HeldResults store. */
export function localScheduler(name: string, options: Scheduler['options'], runner: GraphRunner, prepare?: (opts: ComputeOptions) => void): Scheduler {
  const results = new HeldResults(name, runner);
  return {
    name,
    cancellable: true,
    ...(options !== undefined ? { options } : {}),
    ...(prepare !== undefined ? { prepare } : {}),
    run: (g, outputs, opts) => results.run(g, outputs, opts),
    gather: (keys) => results.gather(keys),
    release: (keys) => results.release(keys),
    scatter: (values) => results.scatter(values),
    cancel: (keys) => results.cancel(keys),
    heldKeys: () => results.heldKeys(),
  };
}

function failedHandle(keys: readonly Key[], err: Error): RunHandle {
  const done = Promise.reject(err);
  done.catch(noop);
  return { keys, done, output: () => done };
}
