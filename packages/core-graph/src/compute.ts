/**
 * compute(a, b, ..., opts?) and persist(...): run several collections on one merged graph, so
 * shared work runs once. A trailing plain object is the options, as in
 * `dask.compute(a, b, scheduler=...)`; other arguments that are not collections pass through.
 *
 * Both go through the scheduler contract (schedulers.ts): compute() is run + gather + release;
 * persist() is run, and returns collections whose graph names the held keys (a `held(key)`
 * layer whose handle keeps them alive), so later graphs refer to them by key. A graph naming
 * keys held by another scheduler than the one it runs on gets their values gathered from that
 * one and scattered into this one for the run (in this process that is a copy by reference).
 */
import { isCollection, type CollectionLike } from './collection-brand.js';
import { computeSignal, raceCancel, throwIfCancelled } from './cancellation.js';
import { optionCallbacks } from './compute-options.js';
import { config } from './config.js';
import { ConfigError, NotHeldError } from './errors.js';
import { isFuture, type Future } from './futures/future.js';
import { anyHeld, HeldKeys, heldKeysIn, holderOf } from './futures/held-keys.js';
import { show } from './options/checks.js';
import { validateOptions, type OptionsSite } from './options/registry.js';
import { lowerGraph, type TaskGraph } from './graph/task-graph.js';
import { HighLevelGraph } from './layers/high-level-graph.js';
import { lowerFor } from './lowering-scheduler.js';
import { MaterializedLayer } from './layers/materialized-layer.js';
import { optimizeGraph } from './optimize/pipeline.js';
import { fuseBlockwise } from './optimize/fuse-blockwise.js';
import { resolveScheduler, type ComputeOptions, type Scheduler } from './schedulers.js';
import type { Key } from './spec/index.js';

/** The computed type of a compute() argument. */
export type Computed<C> = C extends CollectionLike<infer R> ? R : C extends Future<infer V> ? V : C;

function splitOptions(args: readonly unknown[]): { items: unknown[]; opts: ComputeOptions } {
  const last = args[args.length - 1];
  if (args.length > 0 && typeof last === 'object' && last !== null && !isCollection(last) && Object.getPrototypeOf(last) === Object.prototype) {
    return { items: args.slice(0, -1), opts: last as ComputeOptions };
  }
  return { items: [...args], opts: {} };
}

/**
 * Options given to a method (`x.compute(opts)`) as a plain object that compute() takes for
 * options, never for an item to pass through (a class instance or a null-prototype object would be).
 */
export function optionBag(opts: unknown, site: OptionsSite): ComputeOptions {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts) || isCollection(opts)) {
    throw new ConfigError(`${site}() options must be a plain object such as { scheduler: 'sync' }, got ${show(opts)}.`);
  }
  return { ...(opts as ComputeOptions) };
}

/** Options of a compute: config first, then the call's own. */
export function resolveOptions(opts: ComputeOptions): ComputeOptions {
  const merged = { ...config.all(), ...opts };
  if (opts.optimize !== undefined) merged.optimize = { ...config.get('optimize'), ...opts.optimize };
  return merged;
}

/** Layer-level passes, before materialization (`optimize.blockwise: false` turns fusion off). */
function layerPasses(g: HighLevelGraph, outputs: readonly Key[], opts: ComputeOptions): HighLevelGraph {
  return opts.optimize?.blockwise === false ? g : fuseBlockwise(g, outputs);
}

/** The task graph of some layers: one materialized layer all of whose tasks are needed is lowered whole. */
function lowerLayers(g: HighLevelGraph, outputs: readonly Key[]): TaskGraph {
  if (g.layers.size === 1) {
    const only = g.layers.values().next().value;
    const whole = only instanceof MaterializedLayer ? only.lowerWhole(outputs) : undefined;
    if (whole !== undefined) return whole;
  }
  return lowerGraph(g.materialize(outputs));
}

/** Builds the optimized task graph of some collections and the keys to compute. */
export function graphOf(
  collections: readonly CollectionLike[],
  opts: ComputeOptions = {},
): {
  graph: TaskGraph;
  outputs: Key[];
} {
  const seen = new Set<Key>();
  const outputs: Key[] = [];
  for (const c of collections) {
    for (const k of c.outputKeys) {
      if (!seen.has(k)) {
        seen.add(k);
        outputs.push(k);
      }
    }
  }
  const lowered =
    (collections[0] as CollectionLike).lowerDirect(collections) ??
    lowerLayers(layerPasses(HighLevelGraph.merge(...collections.map((c) => c.graph)), outputs, opts), outputs);
  return { graph: optimizeGraph(lowered, outputs, opts.optimize ?? {}), outputs };
}

/**
 * Gives `target` the held keys a graph names that it does not hold itself, gathered from the
 * scheduler that does; returns the keys it was given (one reference each, to release after
 * the run has taken its own). A key no scheduler holds is NotHeldError.
 */
async function borrowHeld(graph: TaskGraph, target: Scheduler): Promise<Key[]> {
  if (!anyHeld()) return [];
  const named = heldKeysIn(graph);
  if (named.size === 0) return [];
  const mine = target.heldKeys();
  const byHolder = new Map<Scheduler, Key[]>();
  for (const k of named.keys()) {
    if (mine.has(k)) continue;
    const holder = holderOf(k, target);
    if (holder === undefined) throw new NotHeldError(k, target.name);
    byHolder.set(holder, [...(byHolder.get(holder) ?? []), k]);
  }
  const borrowed: Key[] = [];
  for (const [holder, keys] of byHolder) {
    const values = await holder.gather(keys);
    target.scatter(new Map(keys.map((k, i) => [k, values[i]] as const)));
    borrowed.push(...keys);
  }
  return borrowed;
}

/** A finished run: its scheduler holds one reference per entry of `keys` for the caller. */
interface Ran {
  scheduler: Scheduler;
  keys: Key[];
}

/**
 * Checks the options, then runs the collections among `items` on one merged graph and waits
 * until the scheduler holds every output. `each`: one reference per collection's output key
 * (persist: a handle per collection), else one per distinct key. An aborted signal rejects
 * with CancelledError before anything runs; `timeout` starts with the call.
 */
async function run(items: unknown[], opts: ComputeOptions, site: OptionsSite, each: boolean): Promise<Ran | undefined> {
  validateOptions(opts, site);
  const merged = resolveOptions(opts);
  throwIfCancelled(merged.signal);
  const collections = items.filter(isCollection);
  if (collections.length === 0) return undefined;
  const cancel = computeSignal(merged.signal, merged.timeout);
  try {
    const scheduler = await resolveScheduler(merged.scheduler ?? 'threads');
    // Again, now that the scheduler's own options (memoryLimit, ...) can be checked.
    validateOptions(config.all(), 'config');
    validateOptions(opts, site);
    if (cancel.signal !== undefined) merged.signal = cancel.signal;
    throwIfCancelled(cancel.signal, merged.timeout);
    // Worker threads boot while the graph is lowered below, not after.
    scheduler.prepare?.(merged);
    const extra = await optionCallbacks(merged);
    if (extra.length > 0) merged.callbacks = [...(merged.callbacks ?? []), ...extra];
    const { graph, outputs } = lowerFor(scheduler, () => graphOf(collections, merged)); // lowered for the scheduler it runs on
    throwIfCancelled(cancel.signal, merged.timeout);
    const keys = each ? collections.flatMap((c) => c.outputKeys) : outputs;
    const borrowed = await borrowHeld(graph, scheduler);
    let done: Promise<void>;
    try {
      done = scheduler.run(graph, keys, merged).done;
    } finally {
      if (borrowed.length > 0) scheduler.release(borrowed);
    }
    try {
      await (cancel.signal !== undefined && scheduler.cancellable !== true ? raceCancel(done, cancel.signal, merged.timeout) : done);
    } catch (err) {
      scheduler.release(keys);
      throw err;
    }
    return { scheduler, keys };
  } finally {
    cancel.dispose();
  }
}

/**
 * Computes collections together; resolves to their results in order (futures give their
 * values; other values pass through).
 * Unknown or invalid options reject with ConfigError; `signal` / `timeout` cancel (CancelledError).
 */
export async function compute<T extends unknown[]>(...args: [...T, ComputeOptions]): Promise<{ [K in keyof T]: Computed<T[K]> }>;
export async function compute<T extends unknown[]>(...args: T): Promise<{ [K in keyof T]: Computed<T[K]> }>;
export async function compute(...args: unknown[]): Promise<unknown[]> {
  const { items, opts } = splitOptions(args);
  const ran = await run(items, opts, 'compute', false);
  const values = new Map<Key, unknown>();
  if (ran !== undefined) {
    try {
      const got = await ran.scheduler.gather(ran.keys);
      for (let i = 0; i < ran.keys.length; i++) values.set(ran.keys[i] as Key, got[i]);
    } finally {
      ran.scheduler.release(ran.keys);
    }
  }
  // Futures among the items give their values too (they are gathered from their scheduler).
  return Promise.all(items.map((x) => (isCollection(x) ? x.finalize(x.outputKeys.map((k) => values.get(k))) : isFuture(x) ? x.result() : x)));
}

/** Runs a task graph on a scheduler and returns the outputs' values, keeping nothing (run + gather + release). */
export async function computeGraph(scheduler: Scheduler, graph: TaskGraph, outputs: readonly Key[], opts: ComputeOptions = {}): Promise<unknown[]> {
  try {
    await scheduler.run(graph, outputs, opts).done;
    return await scheduler.gather(outputs);
  } finally {
    scheduler.release(outputs);
  }
}

/** The handle persist() gave each persisted collection. */
const persisted = new WeakMap<object, HeldKeys>();

/**
 * Computes collections together and returns them backed by their results, which the scheduler
 * keeps (the returned collections name them by key) until `release()`d or garbage-collected.
 */
export async function persist<T extends unknown[]>(...args: T): Promise<T>;
export async function persist(...args: unknown[]): Promise<unknown[]> {
  const { items, opts } = splitOptions(args);
  const ran = await run(items, opts, 'persist', true);
  let at = 0;
  return items.map((x) => {
    if (!isCollection(x) || ran === undefined) return x;
    const n = x.outputKeys.length;
    const handle = new HeldKeys(ran.scheduler, ran.keys.slice(at, (at += n)));
    const out = x.withHeld(handle);
    persisted.set(out, handle);
    return out;
  });
}

/** Releases the results that persist() keeps for these collections (others pass; once each). */
export function release(...items: unknown[]): void {
  for (const x of items) if (typeof x === 'object' && x !== null) persisted.get(x)?.release();
}
