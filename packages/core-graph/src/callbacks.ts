/**
 * The event stream every scheduler emits, consumed by progress bars, the dashboard and tests.
 * As Dask's callbacks: subscribers are plain objects of optional hooks, registered globally
 * with `addCallbacks` or per compute through `compute(x, { callbacks: [...] })`. Schedulers
 * build event objects only when someone listens.
 */
import type { Key } from './spec/index.js';

/** Task states shared by every scheduler. */
export type TaskState = 'waiting' | 'ready' | 'running' | 'memory' | 'released' | 'erred';

/** One state change of one task. */
export interface TaskEvent {
  key: Key;
  /** The task group (key name without its token), as in Dask's `key_split`. */
  group: string;
  state: TaskState;
  /** Worker that ran it (thread id, or a worker address), or -1 for the calling thread / none. */
  worker: number | string;
  /** When the work began and ended, in ms since the compute started (0 before it ran). */
  start: number;
  stop: number;
  /** Bytes of the result, where known (typed arrays, buffers), else 0. */
  nbytes: number;
}

/** Sent once when a compute starts. */
export interface ComputeStart {
  computeId: string;
  scheduler: string;
  ntasks: number;
  /** Task count per group. */
  groups: ReadonlyMap<string, number>;
  workers: number;
  /** The keys of the graph and their dependencies (for graph views); may be omitted for big graphs. */
  graph?: { keys: readonly Key[]; depPtr: Int32Array; depIdx: Int32Array };
}

/** Sent once when a compute ends. */
export interface ComputeFinish {
  computeId: string;
  ok: boolean;
  error?: Error;
  elapsedMs: number;
}

/** Hooks a subscriber may implement. */
export interface Callbacks {
  start?(info: ComputeStart): void;
  /** Events arrive in batches (one call per scheduler step) to keep 100k tasks/s cheap. */
  tasks?(events: readonly TaskEvent[], computeId: string): void;
  /** Any other scheduler event, for example spill counts or worker memory. */
  event?(name: string, payload: Record<string, unknown>, computeId: string): void;
  finish?(info: ComputeFinish): void;
}

const globalCallbacks = new Set<Callbacks>();

/** Subscribes to every compute; returns the function that unsubscribes. */
export function addCallbacks(cb: Callbacks): () => void {
  globalCallbacks.add(cb);
  return () => {
    globalCallbacks.delete(cb);
  };
}

/** The global subscribers plus those given for one compute. */
export function activeCallbacks(extra?: readonly Callbacks[]): Callbacks[] {
  const out = [...globalCallbacks];
  if (extra) for (const c of extra) if (!out.includes(c)) out.push(c);
  return out;
}
