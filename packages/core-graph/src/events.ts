/**
 * The event stream every scheduler emits, as one union discriminated on `type`: the compute's
 * start and finish, task state changes (columnar batches), what runs where, memory figures,
 * spills and spill failures, and per-worker memory (cluster schedulers). Subscribers switch on
 * `e.type` and get each payload typed; `emitEvent` hands an event to the subscribers.
 */
import type { Key } from './spec/index.js';
import type { TaskEventBatch } from './task-events.js';

/** A worker as events name it: a thread id, a worker address, or 'scheduler' for the calling thread. */
export type WorkerName = number | string;

/** What a compute is about to run (the payload of 'compute-start', and of the `start` hook). */
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

/** How a compute ended (the payload of 'compute-finish', and of the `finish` hook). */
export interface ComputeFinish {
  computeId: string;
  ok: boolean;
  error?: Error;
  elapsedMs: number;
}

/** Sent once when a compute starts. */
export interface ComputeStartEvent extends ComputeStart {
  type: 'compute-start';
}

/** Task state changes in columns, once per scheduler step; the batch is valid during the call only. */
export interface TaskBatchEvent {
  type: 'task-batch';
  computeId: string;
  batch: TaskEventBatch;
}

/** Sent once when a compute ends (also when it failed or was cancelled); nothing follows it. */
export interface ComputeFinishEvent extends ComputeFinish {
  type: 'compute-finish';
}

/** One batch running now: its root task, the worker running it, and since when. */
export interface RunningBatch {
  worker: WorkerName;
  key: Key;
  /** The root task's index in the compute's keys, where the scheduler knows it (else found by key). */
  task?: number;
  /** When it started, in ms since the compute started. */
  start: number;
}

/** The batches running right now (sent when that set changed). */
export interface RunningEvent {
  type: 'running';
  computeId: string;
  running: readonly RunningBatch[];
}

/** Bytes of results held and spilled by one holder (the local scheduler: worker 'scheduler'). */
export interface MemoryEvent {
  type: 'memory';
  computeId: string;
  worker: WorkerName;
  held: number;
  spilled: number;
  /** The memory limit in bytes (Infinity for none). */
  limit: number;
  /** Whether new reads are paused (held above the pause fraction of the limit). */
  paused: boolean;
  spillCount: number;
  unspillCount: number;
  maxHeld: number;
}

/** One result written to disk ('spill') or read back ('unspill'), with the running totals. */
export interface SpillEvent {
  type: 'spill' | 'unspill';
  computeId: string;
  key: Key;
  /** The task's index in the compute's keys, where the scheduler knows it (else found by key). */
  task?: number;
  bytes: number;
  /** The worker that holds it, where the scheduler knows (cluster schedulers). */
  worker?: WorkerName;
  spillCount: number;
  unspillCount: number;
  spilledBytes: number;
  held: number;
}

/** A spill that failed; the result stays in memory. Sent once per compute. */
export interface SpillFailedEvent {
  type: 'spill-failed';
  computeId: string;
  code: 'TSDASK_SPILL_FAILED' | 'TSDASK_SPILL_UNENCODABLE';
  key: Key;
  /** The spill folder. */
  dir: string;
  errno: string | undefined;
  path: string | undefined;
  message: string;
}

/** Memory of one worker as it reports it (cluster schedulers). */
export interface WorkerMemoryEvent {
  type: 'worker-memory';
  computeId: string;
  worker: WorkerName;
  held?: number;
  spilled?: number;
}

/** Every event a scheduler emits. */
export type SchedulerEvent =
  ComputeStartEvent | TaskBatchEvent | ComputeFinishEvent | RunningEvent | MemoryEvent | SpillEvent | SpillFailedEvent | WorkerMemoryEvent;

/** The kinds of event, as their `type`. */
export type SchedulerEventType = SchedulerEvent['type'];
