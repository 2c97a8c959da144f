/**
 * The event stream every scheduler emits, as one union discriminated on `type`: the compute's
 * start and finish, task state changes (columnar batches), what runs where, memory figures,
 * spills and spill failures, and per-worker memory (cluster schedulers). Subscribers switch on
 * `e.type` and get each payload typed; `emitEvent` hands an event to the subscribers.
 *
 * A cluster scheduler also tells what is not tied to one compute: a worker joined
 * ('worker-added') or left ('worker-removed'), a worker's memory and load from its heartbeat
 * ('worker-memory'), and inputs moved between workers ('transfer'). These carry the fixed
 * computeId CLUSTER_COMPUTE_ID ('cluster'), so a subscriber that follows one compute can tell
 * them apart and one that follows the cluster takes them whatever compute runs.
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

/** Memory of one worker as it reports it (cluster schedulers: computeId CLUSTER_COMPUTE_ID, once per heartbeat). */
export interface WorkerMemoryEvent {
  type: 'worker-memory';
  computeId: string;
  worker: WorkerName;
  /** Bytes of results it holds in memory. */
  held?: number;
  /** Bytes of results it has spilled to disk (when the worker reports it). */
  spilled?: number;
  /** Tasks the scheduler has sent it and not yet heard back about (cluster schedulers). */
  processing?: number;
}

/** The computeId of cluster events ('worker-added', 'worker-removed', 'worker-memory', 'transfer'): they belong to no compute. */
export const CLUSTER_COMPUTE_ID = 'cluster';

/** A worker joined the cluster (computeId CLUSTER_COMPUTE_ID). */
export interface WorkerAddedEvent {
  type: 'worker-added';
  computeId: string;
  /** Its address, as task events name it. */
  worker: string;
  /** The name it registered with (its --name). */
  name: string;
  nthreads: number;
  /** Its memory limit in bytes (0 for none). */
  memoryLimit: number;
}

/** A worker left the cluster or was lost (computeId CLUSTER_COMPUTE_ID); what it held is gone. */
export interface WorkerRemovedEvent {
  type: 'worker-removed';
  computeId: string;
  worker: string;
  name: string;
  /** How it left, in words ('connection closed', 'no message for 5012 ms ...'). */
  reason: string;
}

/**
 * A nanny reported why its worker died (computeId CLUSTER_COMPUTE_ID), before it starts it again:
 * killed past its memory limit ('memory'), by a signal, or exited. `worker` is its address ('' if
 * it died before it joined); `how` says it in words, as KilledWorkerError does.
 */
export interface NannyReportEvent {
  type: 'nanny-report';
  computeId: string;
  worker: string;
  name: string;
  reason: 'memory' | 'signal' | 'exit';
  how: string;
  /** Its resident memory when it died, and its limit (0: none), in bytes. */
  rss: number;
  memoryLimit: number;
}

/**
 * Inputs worker `to` fetched from worker `from` (computeId CLUSTER_COMPUTE_ID): the totals of one
 * reporting interval (about a heartbeat), so one event covers many fetches between the two.
 */
export interface TransferEvent {
  type: 'transfer';
  computeId: string;
  from: string;
  to: string;
  /** Keys moved. */
  keys: number;
  bytes: number;
  /** Time spent fetching, summed over the fetches, in ms. */
  ms: number;
}

/** Every event a scheduler emits. */
export type SchedulerEvent =
  | ComputeStartEvent
  | TaskBatchEvent
  | ComputeFinishEvent
  | RunningEvent
  | MemoryEvent
  | SpillEvent
  | SpillFailedEvent
  | WorkerMemoryEvent
  | WorkerAddedEvent
  | WorkerRemovedEvent
  | NannyReportEvent
  | TransferEvent;

/** The kinds of event, as their `type`. */
export type SchedulerEventType = SchedulerEvent['type'];
