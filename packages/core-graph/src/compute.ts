/**
 * compute(a, b, ..., opts?) and persist(...): run several collections on one merged graph, so
 * shared work runs once. A trailing plain object is the options, as in
 * `dask.compute(a, b, scheduler=...)`; other arguments that are not collections pass through.
 */
import type { Collection } from './collection.js';
import { isCollection } from './collection.js';
import { computeSignal, raceCancel, throwIfCancelled } from './cancellation.js';
import { optionCallbacks } from './compute-options.js';
import { config } from './config.js';
import { ConfigError } from './errors.js';
import { show } from './options/checks.js';
import { validateOptions, type OptionsSite } from './options/registry.js';
import { lowerGraph, type TaskGraph } from './graph/task-graph.js';
import { HighLevelGraph } from './layers/high-level-graph.js';
import { optimizeGraph } from './optimize/pipeline.js';
import { fuseBlockwise } from './optimize/fuse-blockwise.js';
import { getScheduler, type ComputeOptions } from './schedulers.js';
import type { Key } from './spec/index.js';

/** The computed type of a compute() argument. */
export type Computed<C> = C extends Collection<infer R> ? R : C;

function splitOptions(args: readonly unknown[]): { items: unknown[]; opts: ComputeOptions } {
  const last = args[args.length - 1];
  if (
    args.length > 0 &&
    typeof last === 'object' &&
    last !== null &&
    !isCollection(last) &&
    Object.getPrototypeOf(last) === Object.prototype
  ) {
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

/** Builds the optimized task graph of some collections and the keys to compute. */
export function graphOf(collections: readonly Collection[], opts: ComputeOptions = {}): {
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
    (collections[0] as Collection).lowerDirect(collections) ??
    lowerGraph(layerPasses(HighLevelGraph.merge(...collections.map((c) => c.graph)), outputs, opts).materialize(outputs), { consume: true });
  return { graph: optimizeGraph(lowered, outputs, opts.optimize ?? {}), outputs };
}

/**
 * Checks the options, then runs the collections among `items` on one merged graph. An aborted
 * signal rejects with CancelledError before anything runs; `timeout` starts with the call.
 */
async function run(items: unknown[], opts: ComputeOptions, site: OptionsSite): Promise<{ values: Map<Key, unknown>; collections: Collection[] }> {
  validateOptions(opts, site);
  const merged = resolveOptions(opts);
  throwIfCancelled(merged.signal);
  const collections = items.filter(isCollection) as Collection[];
  const values = new Map<Key, unknown>();
  if (collections.length === 0) return { values, collections };
  const cancel = computeSignal(merged.signal, merged.timeout);
  try {
    const scheduler = await getScheduler(merged.scheduler ?? 'threads');
    // Again, now that the scheduler's own options (memoryLimit, ...) can be checked.
    validateOptions(config.all(), 'config');
    validateOptions(opts, site);
    if (cancel.signal !== undefined) merged.signal = cancel.signal;
    throwIfCancelled(cancel.signal, merged.timeout);
    const extra = await optionCallbacks(merged);
    if (extra.length > 0) merged.callbacks = [...(merged.callbacks ?? []), ...extra];
    const { graph, outputs } = graphOf(collections, merged);
    throwIfCancelled(cancel.signal, merged.timeout);
    const work = scheduler.get(graph, outputs, merged);
    const results = await (cancel.signal !== undefined && scheduler.cancellable !== true ? raceCancel(work, cancel.signal, merged.timeout) : work);
    for (let i = 0; i < outputs.length; i++) values.set(outputs[i] as Key, results[i]);
    return { values, collections };
  } finally {
    cancel.dispose();
  }
}

/**
 * Computes collections together; resolves to their results in order (other values pass through).
 * Unknown or invalid options reject with ConfigError; `signal` / `timeout` cancel (CancelledError).
 */
export async function compute<T extends unknown[]>(...args: [...T, ComputeOptions]): Promise<{ [K in keyof T]: Computed<T[K]> }>;
export async function compute<T extends unknown[]>(...args: T): Promise<{ [K in keyof T]: Computed<T[K]> }>;
export async function compute(...args: unknown[]): Promise<unknown[]> {
  const { items, opts } = splitOptions(args);
  const { values } = await run(items, opts, 'compute');
  return items.map((x) => (isCollection(x) ? x.finalize(x.outputKeys.map((k) => values.get(k))) : x));
}

/** Computes collections together and returns them backed by their results. */
export async function persist<T extends unknown[]>(...args: T): Promise<T>;
export async function persist(...args: unknown[]): Promise<unknown[]> {
  const { items, opts } = splitOptions(args);
  const { values } = await run(items, opts, 'persist');
  return items.map((x) => (isCollection(x) ? x.withValues(x.outputKeys.map((k) => values.get(k))) : x));
}
