/**
 * The scheduler registry: `compute()` runs a graph on `opts.scheduler`, else the configured
 * one, else 'threads'. The local schedulers are found by dynamic import of
 * '@tsdask/scheduler-local', so collections never import a scheduler package.
 */
import type { Callbacks } from './callbacks.js';
import type { Config } from './config.js';
import { SchedulerNotFoundError } from './errors.js';
import type { TaskGraph } from './graph/task-graph.js';
import type { Key } from './spec/index.js';

/** Options of one compute (they override the config). */
export interface ComputeOptions extends Config {
  /** Subscribers for this compute only. */
  callbacks?: Callbacks[];
}

/** Something that runs an optimized task graph and returns the values of the output keys. */
export interface Scheduler {
  readonly name: string;
  /** Runs the graph; resolves to the values of `outputs`, in order. */
  get(graph: TaskGraph, outputs: readonly Key[], opts: ComputeOptions): Promise<unknown[]>;
}

const registry = new Map<string, Scheduler>();
const LOCAL_PACKAGE = '@tsdask/scheduler-local';
const LOCAL_NAMES = new Set(['sync', 'threads']);

/** Makes a scheduler available by name. */
export function registerScheduler(s: Scheduler): void {
  registry.set(s.name, s);
}

/** The scheduler registered as `name`, loading the local schedulers on first use. */
export async function getScheduler(name: string): Promise<Scheduler> {
  let s = registry.get(name);
  if (s === undefined && LOCAL_NAMES.has(name)) {
    try {
      const spec: string = LOCAL_PACKAGE;
      await import(spec);
    } catch (cause) {
      throw new SchedulerNotFoundError(name, [...registry.keys()], cause);
    }
    s = registry.get(name);
  }
  if (s === undefined) throw new SchedulerNotFoundError(name, [...registry.keys()]);
  return s;
}
