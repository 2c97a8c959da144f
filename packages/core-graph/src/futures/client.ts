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
 * `compute(collection)` starts a collection and returns a Future of what compute() would give
 * (a collection of several keys gets one more task that lists their values); `persist` keeps
 * collections on the scheduler; `scatter(value)` puts data there and returns its Future;
 * `gather` takes a future, or arrays and plain objects nesting futures, with one gather per
 * scheduler.
 *
 * The client's options are those of compute() (scheduler, numWorkers, callbacks, dashboard, a
 * `signal` that cancels every future of the client); a `timeout` is not applied to futures.
 */
import { isCollection, type CollectionLike } from '../collection-brand.js';
import { graphOf, persist, resolveOptions, type Computed } from '../compute.js';
import { lowerGraph } from '../graph/task-graph.js';
import { optionCallbacks } from '../compute-options.js';
import { delayed, Delayed, type LazyArgs } from '../delayed.js';
import { registerFunction } from '../functions.js';
import { OpRef } from '../op.js';
import { resolveScheduler, schedulerChoiceName, type ComputeOptions, type Scheduler } from '../schedulers.js';
import { keyGroup, ref, type Key } from '../spec/index.js';
import { tokenize } from '../tokenize.js';
import { validateOptions } from '../options/registry.js';
import { ConfigError } from '../errors.js';
import { show } from '../options/checks.js';
import { Future, isFuture } from './future.js';

/** Options of one submit. */
export interface SubmitOptions {
  /** Deterministic key from the function and the arguments (default true, as Dask's client.submit). */
  pure?: boolean;
  /** Name used in the key (default: the function's name). */
  name?: string;
}

type Fn = (...args: never[]) => unknown;

/** What `gather` gives for a future, or an array or plain object nesting futures: the same shape with values. */
export type Gathered<T> =
  T extends Future<infer V>
    ? V
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Gathered<T[K]> }
      : T extends Record<string, unknown>
        ? { -readonly [K in keyof T]: Gathered<T[K]> }
        : T;

/** A short type name for a scattered value's key (Dask's `type(x).__name__`). */
function typeName(value: unknown): string {
  if (typeof value !== 'object' || value === null) return value === null ? 'null' : typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

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
    const d = this.#caller(opts, fn)(args);
    const start = this.scheduler().then((scheduler) => {
      const { graph } = graphOf([d], this.#opts);
      return { scheduler, run: scheduler.run(graph, [d.key], this.#opts) };
    });
    return new Future(d.key, start, d);
  }

  /** Makes the Delayed of a call of `fn` (made once for a whole map), keyed by the function and the arguments when pure. */
  #caller(opts: SubmitOptions, fn: Fn | OpRef): (args: unknown[]) => Delayed {
    const call = (delayed as (f: unknown, o: object) => (...a: unknown[]) => Delayed)(fn, opts.name !== undefined ? { name: opts.name } : {});
    if (opts.pure === false) return (args) => call(...args);
    const fnId = fn instanceof OpRef ? fn.opId : registerFunction(fn);
    return (args) => {
      const d = call(...args);
      return new Delayed(`${keyGroup(d.key)}-${tokenize(fnId, args)}`, d.node, d.holds);
    };
  }

  /**
   * One future per item: `fn(item)`. All items go to the scheduler as one graph and one run (as
   * Dask's client.map sends one update), each future owning its output's reference.
   */
  map<T, R>(fn: ((item: T) => R) | OpRef, items: Iterable<T>, opts: SubmitOptions = {}): Future<Awaited<R>>[] {
    const call = this.#caller(opts, fn as Fn);
    const calls = Array.from(items, (item) => call([item]));
    if (calls.length === 0) return [];
    const started = this.scheduler().then((scheduler) => {
      const { graph } = graphOf(calls, this.#opts);
      return {
        scheduler,
        run: scheduler.run(
          graph,
          calls.map((d) => d.key),
          this.#opts,
        ),
      };
    });
    // Every future shares the one run, each reading its own output (no wrapper per item).
    return calls.map((d, i) => new Future(d.key, started, d, undefined, i) as Future<Awaited<R>>);
  }

  /**
   * The values of futures, in order (rejects with the first failed one's error): a future, or
   * arrays and plain objects nesting futures (other values pass through); one gather per scheduler.
   */
  gather<T extends readonly Future[]>(futures: T): Promise<{ [K in keyof T]: T[K] extends Future<infer V> ? V : never }>;
  gather<V>(future: Future<V>): Promise<V>;
  gather<T>(nested: T): Promise<Gathered<T>>;
  async gather(x: unknown): Promise<unknown> {
    const found: Future[] = [];
    const collect = (v: unknown): void => {
      if (isFuture(v)) found.push(v);
      else if (Array.isArray(v)) for (const item of v) collect(item);
      else if (isPlainObject(v)) for (const item of Object.values(v)) collect(item);
    };
    collect(x);
    const values = new Map<Future, unknown>();
    const got = await Future.resultsOf(found);
    found.forEach((f, i) => values.set(f, got[i]));
    const rebuild = (v: unknown): unknown => {
      if (isFuture(v)) return values.get(v);
      if (Array.isArray(v)) return v.map(rebuild);
      if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, rebuild(item)]));
      return v;
    };
    return rebuild(x);
  }

  /**
   * Starts computing a collection (or each of an array of them) on the scheduler; returns at
   * once a Future of what compute() would give. The results stay on the scheduler until the
   * future is released.
   */
  compute<C extends CollectionLike>(collection: C): Future<Computed<C>>;
  compute<C extends readonly CollectionLike[]>(collections: C): { -readonly [K in keyof C]: Future<Computed<C[K]>> };
  compute(x: CollectionLike | readonly CollectionLike[]): Future | Future[] {
    if (Array.isArray(x)) return (x as readonly CollectionLike[]).map((c) => this.#computeOne(c));
    return this.#computeOne(x as CollectionLike);
  }

  #computeOne(c: CollectionLike): Future {
    if (!isCollection(c)) throw new ConfigError(`Client.compute() takes a collection (a Delayed, an array, a dataframe), got ${show(c)}.`);
    const keys = c.outputKeys;
    // One output key is the future's key; several get one more task whose node lists their values.
    const key: Key = keys.length === 1 ? (keys[0] as Key) : `finalize-${tokenize(keys)}`;
    const start = this.scheduler().then((scheduler) => {
      let { graph } = graphOf([c], this.#opts);
      if (keys.length !== 1) graph = lowerGraph([...graph.keys.map((k, i) => [k, graph.nodes[i]] as const), [key, keys.map(ref)] as const]);
      return { scheduler, run: scheduler.run(graph, [key], this.#opts) };
    });
    // A Delayed's held value is its result; another collection's result is assembled here (finalize) from what the scheduler holds.
    if (c instanceof Delayed) return new Future(key, start, c);
    return new Future(key, start, c, (v) => c.finalize(keys.length === 1 ? [v] : (v as unknown[])));
  }

  /** Computes collections on this client's scheduler and returns them backed by the results it keeps (as persist()). */
  persist<C extends CollectionLike>(collection: C): Promise<C>;
  persist<C extends readonly CollectionLike[]>(collections: C): Promise<C>;
  async persist(x: CollectionLike | readonly CollectionLike[]): Promise<unknown> {
    const list = Array.isArray(x) ? (x as readonly CollectionLike[]) : [x as CollectionLike];
    const out = await persist(...list, { ...this.#opts });
    return Array.isArray(x) ? out.slice(0, list.length) : out[0];
  }

  /**
   * Puts a value on the scheduler (data from elsewhere) and returns its Future at once. The key
   * is the value's type name and token (the same value scattered twice shares it) unless `key` is given.
   */
  scatter<T>(value: T, opts: { key?: Key } = {}): Future<T> {
    const key = opts.key ?? `${typeName(value)}-${tokenize(value)}`;
    const start = this.scheduler().then((scheduler) => {
      const kept = scheduler.scatter(new Map([[key, value]]));
      if (kept) return { scheduler, run: kept };
      const held = Promise.resolve();
      return { scheduler, run: { keys: [key], done: held, output: () => held } };
    });
    return new Future<T>(key, start);
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
