/**
 * Client: Dask's futures API, bound to one scheduler. `submit(fn, ...args)` runs one call and
 * returns a Future at once; `map(fn, items)` one future per item; `gather(futures)` their
 * values. Arguments may be futures (the task refers to the held key: nothing is gathered to
 * the caller first), Delayed values, or plain values nested in arrays and plain objects.
 * Functions travel as for compute(): any closure on 'sync'; on 'threads' a self-contained
 * function or `op(url, name)` (else the future fails with NotPortableError).
 *
 * Keys are pure by default, as Dask's `client.submit`: the same function object called with
 * the same arguments gives the same key, and the scheduler computes it once (two different
 * closures never share a key: the token names the function instance, not its source).
 * `submitWith({ pure: false }, fn, ...args)` gives a fresh key per call.
 *
 * The client's options are those of compute() (scheduler, numWorkers, callbacks, dashboard, a
 * `signal` that cancels every future of the client); a `timeout` is not applied to futures.
 */
import { graphOf, resolveOptions } from '../compute.js';
import { optionCallbacks } from '../compute-options.js';
import { delayed, Delayed, type LazyArgs } from '../delayed.js';
import { registerFunction } from '../functions.js';
import { OpRef } from '../op.js';
import { resolveScheduler, schedulerChoiceName, type ComputeOptions, type Scheduler } from '../schedulers.js';
import { keyGroup } from '../spec/index.js';
import { tokenize } from '../tokenize.js';
import { validateOptions } from '../options/registry.js';
import { Future } from './future.js';

/** Options of one submit. */
export interface SubmitOptions {
  /** Deterministic key from the function and the arguments (default true, as Dask's client.submit). */
  pure?: boolean;
  /** Name used in the key (default: the function's name). */
  name?: string;
}

type Fn = (...args: never[]) => unknown;

/** A client of one scheduler: submit work, get futures. */
export class Client {
  readonly #opts: ComputeOptions;
  #scheduler: Promise<Scheduler> | undefined;

  constructor(opts: ComputeOptions = {}) {
    validateOptions(opts, 'compute');
    this.#opts = resolveOptions(opts);
  }

  /** The scheduler's name (from the options, else the config, else 'threads'). */
  get schedulerName(): string {
    return schedulerChoiceName(this.#opts.scheduler);
  }

  /** The scheduler, loaded on first use (with the subscribers plugin options such as `dashboard` ask for). */
  scheduler(): Promise<Scheduler> {
    this.#scheduler ??= Promise.all([resolveScheduler(this.#opts.scheduler ?? 'threads'), optionCallbacks(this.#opts)]).then(([s, extra]) => {
      if (extra.length > 0) this.#opts.callbacks = [...(this.#opts.callbacks ?? []), ...extra];
      return s;
    });
    return this.#scheduler;
  }

  /** Runs `fn(...args)` on the scheduler; returns its Future at once. */
  submit<F extends Fn>(fn: F, ...args: LazyArgs<Parameters<F>>): Future<Awaited<ReturnType<F>>>;
  submit(fn: OpRef, ...args: unknown[]): Future<unknown>;
  submit(fn: Fn | OpRef, ...args: unknown[]): Future {
    return this.submitWith({}, fn as Fn, ...(args as never[]));
  }

  /** `submit` with options (`{ pure: false }` for a fresh key per call, `name`). */
  submitWith<F extends Fn>(opts: SubmitOptions, fn: F, ...args: LazyArgs<Parameters<F>>): Future<Awaited<ReturnType<F>>>;
  submitWith(opts: SubmitOptions, fn: OpRef, ...args: unknown[]): Future<unknown>;
  submitWith(opts: SubmitOptions, fn: Fn | OpRef, ...args: unknown[]): Future {
    const pure = opts.pure ?? true;
    const call = (delayed as (f: unknown, o: object) => (...a: unknown[]) => Delayed)(fn, opts.name !== undefined ? { name: opts.name } : {});
    let d = call(...(args as unknown[]));
    if (pure) {
      const fnId = fn instanceof OpRef ? fn.opId : registerFunction(fn);
      d = new Delayed(`${keyGroup(d.key)}-${tokenize(fnId, args)}`, d.node, d.deps, d.holds);
    }
    const graphed = d;
    const start = this.scheduler().then((scheduler) => {
      const { graph } = graphOf([graphed], this.#opts);
      return { scheduler, run: scheduler.run(graph, [graphed.key], this.#opts) };
    });
    return new Future(d.key, start, d);
  }

  /** One future per item: `fn(item)`. */
  map<T, R>(fn: ((item: T) => R) | OpRef, items: Iterable<T>, opts: SubmitOptions = {}): Future<Awaited<R>>[] {
    const out: Future<Awaited<R>>[] = [];
    for (const item of items) out.push(this.submitWith(opts, fn as Fn, item as never) as Future<Awaited<R>>);
    return out;
  }

  /** The values of futures, in order (rejects with the first failed one's error). */
  gather<T extends readonly Future[]>(futures: T): Promise<{ [K in keyof T]: T[K] extends Future<infer V> ? V : never }>;
  gather<V>(future: Future<V>): Promise<V>;
  async gather(futures: Future | readonly Future[]): Promise<unknown> {
    if (!Array.isArray(futures)) return (futures as Future).result();
    return Promise.all((futures as readonly Future[]).map((f) => f.result()));
  }

  /** Cancels futures (and those depending on them). */
  cancel(futures: Future | readonly Future[]): void {
    for (const f of Array.isArray(futures) ? futures : [futures]) (f as Future).cancel();
  }
}

/** A client bound to a scheduler (default: the configured one, else 'threads'). */
export function getClient(opts: ComputeOptions = {}): Client {
  return new Client(opts);
}
