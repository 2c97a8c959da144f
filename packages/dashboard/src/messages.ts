/**
 * The dashboard protocol: every message the server sends to a page over the WebSocket,
 * discriminated on `type`. Plain JSON, types only (the page imports it too).
 *
 * Shape of a session: on connect the page gets one `hello` with a full snapshot of the current
 * (or last) compute; then `compute-start`, many `batch`es (one about every 100 ms while
 * something changed) and `compute-finish`, for each compute, for as long as it stays open.
 *
 * Built for many workers: a worker is announced once (`WorkerInfo`: a small integer `id` for
 * this session and a `name`, a thread id today, a worker address from a distributed scheduler
 * later) and referenced by `id` afterwards; groups likewise by their index in `groups`.
 * Counters are absolute values (idempotent), so a page that missed a batch is right again
 * at the next one; only task bars, graph node changes and errors are deltas.
 *
 * A cluster scheduler adds its workers and transfers, which outlive computes: a `cluster`
 * message (about every 100 ms while they change, whether a compute runs or not) and the
 * `cluster` field of `hello`. Both are additions a version-1 page may ignore.
 */

/** Protocol version, bumped on incompatible changes. */
export const PROTOCOL_VERSION = 1;

/** A worker as the page knows it. */
export interface WorkerInfo {
  /** Small integer, stable for the dashboard's lifetime. */
  id: number;
  /** What the scheduler calls it: `thread 3`, `main`, or an address `tcp://10.0.0.2:4001`. */
  name: string;
}

/** Absolute counters of one worker, sent when they changed. */
export interface WorkerStatus {
  id: number;
  /** Tasks finished on it in the current compute (state 'memory'). */
  done: number;
  /** Tasks that failed on it. */
  erred: number;
  /** Bytes of results it holds now, as the event stream tells (released ones subtracted). */
  held: number;
  /** Largest `held` seen in this compute. */
  peak: number;
  /** Bytes it has spilled to disk (from 'spill' / 'worker-memory' events). */
  spilled: number;
  /** Results it holds (count). */
  results: number;
}

/** Absolute counters of one task group. */
export interface GroupStatus {
  /** Index into the compute's `groups`. */
  group: number;
  done: number;
  erred: number;
  running: number;
}

/** A task that failed. */
export interface ErrorInfo {
  key: string;
  group: string;
  /** Worker id, or -1 when unknown. */
  worker: number;
  /** The error's name and message, where the scheduler told it. */
  message: string;
  /** ms since the compute started. */
  time: number;
}

/** The task graph of a compute (only for graphs of at most a few thousand tasks). */
export interface GraphInfo {
  keys: string[];
  /** Group index of each task. */
  group: number[];
  /** CSR dependencies: the dependencies of task i are depIdx[depPtr[i] .. depPtr[i+1]). */
  depPtr: number[];
  depIdx: number[];
}

/** Static facts about a compute, sent at its start. */
export interface ComputeInfo {
  computeId: string;
  scheduler: string;
  ntasks: number;
  /** Group names; task bars and progress refer to them by index. */
  groups: string[];
  /** Task count per group, same order. */
  totals: number[];
  /** Workers the scheduler announced (its pool size). */
  workers: number;
  /** Wall-clock time of the start (ms since the epoch, server clock). */
  startedAt: number;
  graph?: GraphInfo;
}

/** Graph node states sent in `nodes` (task index, state code) pairs. */
export const NODE_STATE = { waiting: 0, running: 1, memory: 2, erred: 3, released: 4 } as const;

/**
 * Task bars as a flat array, BAR_FIELDS numbers each:
 * [worker id, group index, start ms, stop ms, task count, failed (0|1)].
 * Tasks of one group that ran together on one worker (a batch) share a bar with a count.
 */
export const BAR_FIELDS = 6;

/** A worker of a cluster, as the workers panel shows it (absolute values, sent when they changed). */
export interface ClusterWorkerStatus {
  /** The WorkerInfo id (its `name` there is the worker's address). */
  id: number;
  /** The name it registered with (its --name). */
  name: string;
  nthreads: number;
  /** Memory limit in bytes, 0 for none. */
  memoryLimit: number;
  /** Tasks the scheduler has sent it and not heard back about (as of its last heartbeat). */
  processing: number;
  /** Bytes of results it holds in memory and on disk (as of its last heartbeat). */
  held: number;
  spilled: number;
  /** 'gone' once it left (then `reason` says how). */
  state: 'running' | 'gone';
  reason?: string;
}

/** A nanny restarted its worker: why it died (from the nanny's report), and how many times the worker of that name has now. */
export interface NannyRestart {
  /** Date.now() when the report came. */
  time: number;
  /** The worker's name (its --name; a restarted worker keeps it) and address ('' if it died before it joined). */
  name: string;
  worker: string;
  reason: 'memory' | 'signal' | 'exit';
  how: string;
  rss: number;
  memoryLimit: number;
  /** Restarts of this name so far, this one included. */
  count: number;
}

/** Everything moved from worker `from` to worker `to` so far (absolute). */
export interface TransferLink {
  from: number;
  to: number;
  keys: number;
  bytes: number;
  /** Reports summed (each covers the fetches of about one heartbeat). */
  reports: number;
}

/**
 * Recent transfers as a flat array, TRANSFER_FIELDS numbers each:
 * [from worker id, to worker id, keys, bytes, ms spent fetching, when (ms since the epoch, server clock)].
 */
export const TRANSFER_FIELDS = 6;

/** The cluster's workers and transfers: a delta in a `cluster` message, everything in `hello.cluster`. */
export interface ClusterMessage {
  type: 'cluster';
  /** Workers announced here (a page may not have them from a batch). */
  newWorkers: WorkerInfo[];
  workers: ClusterWorkerStatus[];
  links: TransferLink[];
  /** Flat transfers (TRANSFER_FIELDS each), the new ones (in hello: the last ones kept). */
  transfers: number[];
  /** Nanny restarts, the new ones (in hello: the last ones kept). */
  restarts: NannyRestart[];
}

/** Once per connection: everything needed to draw the page from scratch. */
export interface HelloMessage {
  type: 'hello';
  version: number;
  workers: WorkerInfo[];
  /** The current or most recent compute, if any. */
  compute: ComputeInfo | null;
  /** Its state, as a batch holding every counter and the bars still kept. */
  state: BatchMessage | null;
  finished: ComputeFinishMessage | null;
  /** The cluster's workers and transfers, when a cluster scheduler reported any. */
  cluster?: ClusterMessage;
}

/** A compute began. */
export interface ComputeStartMessage {
  type: 'compute-start';
  compute: ComputeInfo;
}

/** What changed in the last ~100 ms. */
export interface BatchMessage {
  type: 'batch';
  computeId: string;
  /** ms since the compute started, when the batch was cut. */
  time: number;
  /** Tasks finished / failed so far in the compute (absolute). */
  done: number;
  erred: number;
  /** Workers seen for the first time. */
  newWorkers: WorkerInfo[];
  /** Groups not announced at the start (rare), appended to `groups` in order. */
  newGroups: string[];
  progress: GroupStatus[];
  workers: WorkerStatus[];
  /** Flat task bars, see BAR_FIELDS. */
  bars: number[];
  /** Bars not sent because there were too many in one batch. */
  droppedBars: number;
  /** Flat (task index, NODE_STATE) pairs for the graph view, when the compute has a graph. */
  nodes: number[];
  errors: ErrorInfo[];
  /** What runs now: flat (worker id, group id, start ms) triples, the whole current set. */
  running: number[];
}

/** A compute ended. */
export interface ComputeFinishMessage {
  type: 'compute-finish';
  computeId: string;
  ok: boolean;
  elapsedMs: number;
  /** The compute's error (name: message), when it failed. */
  error?: string;
}

/** Every message the server sends. */
export type ServerMessage = HelloMessage | ComputeStartMessage | BatchMessage | ComputeFinishMessage | ClusterMessage;
