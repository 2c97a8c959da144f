/**
 * The scheduler registry: `compute()` runs a graph on `opts.scheduler`, else the configured
 * one, else 'threads'. A scheduler package registers itself on import (`registerScheduler`);
 * a package that should load only when first used is announced by a lazy loader
 * (`registerSchedulerLoader`: its names and option names are known at once, its module is
 * imported by the first compute that asks for it). The 'tsdask' package announces the local
 * schedulers this way, so neither core-graph nor a collection names a scheduler package.
 */
import type { Callbacks } from './callbacks.js';
import type { Config } from './config.js';
import { SchedulerNotFoundError } from './errors.js';
import type { TaskGraph } from './graph/task-graph.js';
import type { OptionCheck } from './options/checks.js';
import { registerOption } from './options/registry.js';
import { closestName } from './options/suggest.js';
import type { Key } from './spec/index.js';

/** Options of one compute (they override the config). */
export interface ComputeOptions extends Config {
  /** Subscribers for this compute only. */
  callbacks?: Callbacks[];
  /** Cancels the compute when aborted: it rejects with CancelledError (cause: the signal's reason). */
  signal?: AbortSignal;
  /** Cancels the compute after this many milliseconds (CancelledError), as a shortcut for `signal`. */
  timeout?: number;
}

/** Something that runs an optimized task graph and returns the values of the output keys. */
export interface Scheduler {
  readonly name: string;
  /**
   * Runs the graph; resolves to the values of `outputs`, in order. When `opts.signal` aborts, a
   * scheduler that says `cancellable` stops its work, cleans up and rejects with CancelledError;
   * for the others compute() rejects at once and lets their work run out.
   */
  get(graph: TaskGraph, outputs: readonly Key[], opts: ComputeOptions): Promise<unknown[]>;
  /** Whether `get` honours `opts.signal`. */
  readonly cancellable?: boolean;
  /** The scheduler's own options and the checks of their values (valid once it is registered). */
  readonly options?: Readonly<Record<string, OptionCheck>>;
}

const registry = new Map<string, Scheduler>();

interface SchedulerLoader {
  /** Imports the package; the import registers the schedulers. */
  load: () => Promise<unknown>;
  owner: string;
  /** Settled by the first call, shared by the computes that wait on it. */
  loading?: Promise<unknown>;
}

const loaders = new Map<string, SchedulerLoader>();

/** Makes a scheduler available by name (and its own options valid). */
export function registerScheduler(s: Scheduler): void {
  registry.set(s.name, s);
  for (const [name, check] of Object.entries(s.options ?? {})) registerOption(name, { check, owner: `scheduler '${s.name}'` });
}

/**
 * Announces schedulers whose package loads on first use: `names` are valid scheduler names
 * now, `options` valid option names now (their values are checked once the package has
 * registered its schedulers), and `load` (`() => import('pkg')`) runs when a compute first asks
 * for one of `names`. A scheduler registered directly wins over a loader of the same name.
 */
export function registerSchedulerLoader(
  names: readonly string[],
  load: () => Promise<unknown>,
  opts: { owner?: string; options?: readonly string[] } = {},
): void {
  const loader: SchedulerLoader = { load, owner: opts.owner ?? 'user' };
  for (const name of names) loaders.set(name, loader);
  for (const name of opts.options ?? []) registerOption(name, { owner: loader.owner });
}

/** The scheduler names known now: registered, or announced by a loader. */
export function schedulerNames(): string[] {
  return [...new Set([...registry.keys(), ...loaders.keys()])].sort();
}

function notFound(name: string, cause?: unknown): SchedulerNotFoundError {
  const known = schedulerNames();
  const near = closestName(name, known);
  return new SchedulerNotFoundError(name, known, cause, near !== name ? near : undefined);
}

/** The scheduler registered as `name`, loading its package on first use where a loader announced it. */
export async function getScheduler(name: string): Promise<Scheduler> {
  let s = registry.get(name);
  const loader = s === undefined ? loaders.get(name) : undefined;
  if (loader !== undefined) {
    try {
      await (loader.loading ??= loader.load());
    } catch (cause) {
      loader.loading = undefined;
      throw notFound(name, cause);
    }
    s = registry.get(name);
  }
  if (s === undefined) throw notFound(name);
  return s;
}
