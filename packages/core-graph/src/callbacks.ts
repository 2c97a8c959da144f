/**
 * The event stream every scheduler emits, consumed by progress bars, the dashboard and tests.
 * As Dask's callbacks: subscribers are plain objects of optional hooks, registered globally
 * with `addCallbacks` or per compute through `compute(x, { callbacks: [...] })`. Task state
 * changes come in columns (`taskBatch`, see task-events.ts), or as objects (`tasks`) for
 * subscribers that prefer them; schedulers build each form only when someone asks for it.
 */
import type { Key } from './spec/index.js';
import type { TaskEvent, TaskEventBatch } from './task-events.js';

export type { TaskEvent, TaskEventBatch, TaskState } from './task-events.js';

/** Sent once when a compute starts. */
export interface ComputeStart {
  computeId: string;
  scheduler: string;
  ntasks: number;
  /** Task count per group, in group-id order (the ids of `groupOf` and TaskEventBatch). */
  groups: ReadonlyMap<string, number>;
  /** The keys of the compute by task index (the indices task event batches use). */
  keys: readonly Key[];
  /** Group id of each task. */
  groupOf: Int32Array;
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
  /**
   * Task state changes in columns, one call per scheduler step: the cheap form, for subscribers
   * that see every task (progress bars, the dashboard). The batch is valid during the call only.
   */
  taskBatch?(batch: TaskEventBatch, computeId: string): void;
  /** The same changes as objects (built only when a subscriber has this hook); implement one of the two. */
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
