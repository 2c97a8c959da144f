/**
 * The scheduler contract (`Scheduler`, `RunHandle`) and the registry: `compute()` runs a graph
 * on `opts.scheduler`, else the configured one, else 'threads'. A scheduler package registers itself on import (`registerScheduler`);
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

/**
 * What `Scheduler.run` hands back. The caller owns one reference to each output key and drops
 * it with `Scheduler.release` (compute() does so after gathering; a persisted collection or a
 * future when it is released or garbage-collected).
 */
export interface RunHandle {
  /** The output keys, in order (a key listed twice holds two references). */
  readonly keys: readonly Key[];
  /**
   * Resolves as soon as the scheduler holds output `index`'s value (what `asCompleted` waits
   * on); rejects with the error the run failed with.
   */
  output(index: number): Promise<void>;
  /** Resolves when every output is held; rejects with the run's error. */
  readonly done: Promise<void>;
}

/**
 * The scheduler contract: a scheduler runs graphs and keeps the results of their output keys
 * where it computed them (in this process for 'sync' and 'threads', on workers for a cluster),
 * handing back handles; `gather` brings values to the caller; `release` drops references, and a
 * result with none left (no handle, no graph running that needs it) is freed.
 *
 * A graph refers to a result the scheduler already holds by the node `held(key)` (spec): the
 * scheduler feeds the held value to the tasks that need it, waiting for one still being
 * computed and failing with its error if it failed (so a future depending on a failed one fails
 * with that error). A key it does not hold gives NotHeldError.
 */
export interface Scheduler {
  readonly name: string;
  /**
   * Runs the graph and keeps the values of `outputs` (one reference each for the caller).
   * Outputs the scheduler already holds, or is already computing, are not computed again.
   * When `opts.signal` aborts, a scheduler that says `cancellable` stops the run's work and its
   * outputs reject with CancelledError.
   */
  run(graph: TaskGraph, outputs: readonly Key[], opts: ComputeOptions): RunHandle;
  /**
   * Starts what a run with these options will need (the 'threads' pool's worker threads), so
   * that it boots while compute() lowers and optimizes the graph; returns at once.
   */
  prepare?(opts: ComputeOptions): void;
  /** The values of held keys, in order; waits for keys still being computed and rejects with their error. */
  gather(keys: readonly Key[]): Promise<unknown[]>;
  /** Drops one reference to each key; a result with no reference left is freed. */
  release(keys: readonly Key[]): void;
  /**
   * Keeps values under keys (one reference each for the caller), so graphs can name them: data
   * from elsewhere. A scheduler that keeps them elsewhere (a cluster) may return a handle that
   * settles once they are kept there (rejects when they cannot be); a local one returns nothing.
   */
  scatter(values: ReadonlyMap<Key, unknown>): RunHandle | void;
  /**
   * Cancels the runs computing these keys (a run with several outputs stops as a whole): they
   * reject with CancelledError, and so does every result waiting on them. Held results are kept.
   */
  cancel(keys: readonly Key[]): void;
  /** The keys held or being computed, with their reference counts (for tests and diagnostics). */
  heldKeys(): ReadonlyMap<Key, number>;
  /** Whether `run` honours `opts.signal`. */
  readonly cancellable?: boolean;
  /** Whether it runs a P2P shuffle's tasks (spec/p2p.ts): a distributed cluster does; a collection lowers shuffles so when told 'auto'. */
  readonly p2pShuffle?: boolean;
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

/** Something that gives a Scheduler: a distributed Client passes itself as `{ scheduler: client }`. */
export interface SchedulerProvider {
  asScheduler(): Scheduler;
}

/** What the `scheduler` option takes: a registered name, a Scheduler, or a provider of one. */
export type SchedulerChoice = string | Scheduler | SchedulerProvider;

/** The scheduler a `scheduler` option names or gives (a name loads its package on first use, as getScheduler). */
export function resolveScheduler(choice: SchedulerChoice): Promise<Scheduler> {
  if (typeof choice === 'string') return getScheduler(choice);
  return Promise.resolve('asScheduler' in choice && typeof choice.asScheduler === 'function' ? choice.asScheduler() : (choice as Scheduler));
}

/** The name of the scheduler a `scheduler` option chooses. */
export function schedulerChoiceName(choice: SchedulerChoice | undefined): string {
  if (choice === undefined) return 'threads';
  if (typeof choice === 'string') return choice;
  return 'asScheduler' in choice && typeof choice.asScheduler === 'function' ? choice.asScheduler().name : (choice as Scheduler).name;
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
