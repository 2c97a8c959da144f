/**
 * The scheduler registry: `compute()` runs a graph on `opts.scheduler`, else the configured
 * one, else 'threads'. The local schedulers are found by dynamic import of
 * '@tsdask/scheduler-local', so collections never import a scheduler package.
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
const LOCAL_PACKAGE = '@tsdask/scheduler-local';
const LOCAL_NAMES = new Set(['sync', 'threads']);
/** The local schedulers' own options: valid names before the package loads (it checks the values). */
const LOCAL_OPTIONS = ['memoryLimit', 'spillDir', 'workerResourceLimits'];
for (const name of LOCAL_OPTIONS) registerOption(name, { owner: LOCAL_PACKAGE });

/** Makes a scheduler available by name (and its own options valid). */
export function registerScheduler(s: Scheduler): void {
  registry.set(s.name, s);
  for (const [name, check] of Object.entries(s.options ?? {})) registerOption(name, { check, owner: `scheduler '${s.name}'` });
}

function notFound(name: string, cause?: unknown): SchedulerNotFoundError {
  const known = [...new Set([...registry.keys(), ...LOCAL_NAMES])].sort();
  return new SchedulerNotFoundError(name, known, cause, closestName(name, known));
}

/** The scheduler registered as `name`, loading the local schedulers on first use. */
export async function getScheduler(name: string): Promise<Scheduler> {
  let s = registry.get(name);
  if (s === undefined && LOCAL_NAMES.has(name)) {
    try {
      const spec: string = LOCAL_PACKAGE;
      await import(spec);
    } catch (cause) {
      throw notFound(name, cause);
    }
    s = registry.get(name);
  }
  if (s === undefined) throw notFound(name);
  return s;
}
