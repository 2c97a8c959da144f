/**
 * The cluster protocol after the handshake: every control message between a client, the
 * scheduler, workers and peers, discriminated on `type`. Control messages carry only protocol
 * data (strings, numbers, booleans, arrays, plain objects, Uint8Array); user values (task
 * nodes, results, scattered data, errors) travel encoded (values.ts): a node as a JSON string
 * or codec bytes, a value as one body frame that follows its control message.
 *
 * Connections (all TCP, all behind the token handshake):
 *   client -> scheduler  role 'client'   graphs, releases, who-has questions, scatter (client-messages.ts)
 *   worker -> scheduler  role 'worker'   registration, task results, heartbeats
 *   X -> worker's data port  role 'peer' get-data (a worker fetching inputs, a client gathering)
 *   nanny -> scheduler  role 'nanny'    register-nanny (answered nanny-welcome), then worker-died each time its worker dies
 * Bulk data moves only on 'peer' connections, so it never delays scheduler control messages.
 */
import type { DumpStateMsg } from './client-messages.js';

/** A task node on the wire: a JSON string where it survives a round trip, else codec bytes. */
export type WireNode = string | Uint8Array;

/** A serialized error (core-graph `serializeError`), rebuilt with `deserializeError`. */
export type WireError = Record<string, unknown>;

// The client <-> scheduler messages (role 'client') are in client-messages.ts; the scheduler
// sends a worker the client's dump-state too.
export type * from './client-messages.js';

// ---- worker -> scheduler ----------------------------------------------------

/** Fetch copies of these keys from the workers that hold them (to retire one of those); answered by replicas-added. */
export interface AcquireReplicasMsg {
  type: 'acquire-replicas';
  inputs: { key: string; whoHas: string[]; nbytes: number }[];
}
/** Answer to the scheduler's dump-state: this worker's state as JSON text (worker/state-dump.ts). */
export interface StateDumpMsg {
  type: 'state-dump';
  id: number;
  state: string;
}
/** First message of a worker: who it is and where peers fetch its data. */
export interface RegisterWorkerMsg {
  type: 'register-worker';
  name: string;
  /** The data port's address, `host:port`; also the worker's id at the scheduler. */
  address: string;
  nthreads: number;
  /** Bytes, 0 for no limit. */
  memoryLimit: number;
  pid: number;
  /** The id of the nanny that runs this worker (its register-nanny `id`), when it has one. */
  nanny?: string;
  /** Re-registering after its scheduler went away: the keys it still holds in memory, with their sizes (the new scheduler learns them as in memory there). */
  held?: [string, number][];
}
/** A task finished here; its result takes `nbytes`. */
export interface WorkerTaskFinishedMsg {
  type: 'task-finished';
  key: string;
  nbytes: number;
  /** Seconds it ran on its thread, when it ran here (the scheduler's duration estimates for adapt). */
  duration?: number;
  /** A P2P task's run (a transfer's: the one it finished in): the scheduler drops a report from a run a restart ended (shuffle/scheduler-runs.ts). */
  run?: number;
}
/** Copies fetched because the scheduler asked (acquire-replicas): this worker holds them now. */
export interface ReplicasAddedMsg {
  type: 'replicas-added';
  keys: [string, number][];
}
/** A task threw here. */
export interface WorkerTaskErredMsg {
  type: 'task-erred';
  key: string;
  error: WireError;
  /** A P2P task's run, as task-finished's. */
  run?: number;
}
/** No peer in `tried` had `key`, which a task here needs. */
export interface MissingDataMsg {
  type: 'missing-data';
  key: string;
  tried: string[];
}
/** Answer to steal-request: `released` when the task had not started here and was given up. */
export interface StealResponseMsg {
  type: 'steal-response';
  key: string;
  released: boolean;
}
/** The worker's executor now holds `slots` tasks at once (its queue depth adapts to task length); sent when that changes. */
export interface SlotsMsg {
  type: 'slots';
  slots: number;
}
/** Liveness and load, every second or so. */
export interface HeartbeatMsg {
  type: 'heartbeat';
  /** Bytes of results held in memory. */
  memory: number;
  /** Bytes of results spilled to disk (absent from workers that predate spilling). */
  spilled?: number;
  /** Tasks executing and ready. */
  executing: number;
  ready: number;
}

/**
 * Inputs this worker fetched from peers since its last report (sent with the heartbeat, only when
 * it fetched something): one row per peer, `[from (data address), keys, bytes, ms spent fetching]`.
 */
export interface TransfersMsg {
  type: 'transfers';
  rows: [string, number, number, number][];
}

// ---- scheduler -> worker ----------------------------------------------------

/** The scheduler accepted the registration. */
export interface WorkerWelcomeMsg {
  type: 'worker-welcome';
  /** Milliseconds between heartbeats the scheduler expects. */
  heartbeatMs: number;
}
/** Compile these user functions (sent before the first compute-task that uses them). */
export interface DefineOpsMsg {
  type: 'define-ops';
  sources: [string, string][];
}
/** Run `key`; its inputs are held by the listed peers (data addresses). */
export interface ComputeTaskMsg {
  type: 'compute-task';
  key: string;
  node: WireNode;
  priority: number;
  inputs: { key: string; whoHas: string[]; nbytes: number }[];
}
/** Drop these results (or stop computing these keys). */
export interface FreeKeysMsg {
  type: 'free-keys';
  keys: string[];
}
/** Keep the value in the body frame that follows under `key` (scatter); answered by task-finished. */
export interface ReceiveDataMsg {
  type: 'receive-data';
  key: string;
  nbytes: number;
}
/** Give up `key` if it has not started here (work stealing); answered by steal-response. */
export interface StealRequestMsg {
  type: 'steal-request';
  key: string;
}
/** Exit cleanly (the cluster is closing). */
export interface CloseWorkerMsg {
  type: 'close-worker';
  reason: string;
}

// ---- peer (worker or client) -> worker's data port ---------------------------

/** Send me these keys; answered by `data`. */
export interface GetDataMsg {
  type: 'get-data';
  id: number;
  keys: string[];
}
/**
 * Answer to get-data: one body frame follows per key in `found` that has no `json`, in order;
 * `missing` were not here. A small value that JSON gives back unchanged travels inline as `json`
 * (no body frame, no codec: most results of tiny tasks are numbers).
 */
export interface DataMsg {
  type: 'data';
  id: number;
  found: { key: string; nbytes: number; json?: string }[];
  missing: string[];
}

/**
 * P2P shuffle (src/shuffle/shard-receiver.ts): the sender asks for room for `bytes` of buckets
 * (the body frames of its shuffle-shards `id`); the receiver answers shuffle-grant once that many
 * bytes fit in its receive window, and only then may the shuffle-shards come.
 */
export interface ShuffleAskMsg {
  type: 'shuffle-ask';
  id: number;
  bytes: number;
}
/** Room for the `bytes` of shuffle-ask `id` is held for it: send its shuffle-shards now. */
export interface ShuffleGrantMsg {
  type: 'shuffle-grant';
  id: number;
}
/**
 * P2P shuffle (src/shuffle/): buckets of output partitions `parts` cut from input partition
 * `input`, for run `run` of shuffle `shuffle`; one body frame follows per part, in order (codec
 * bytes), at most the bytes its shuffle-grant gave. Sent on a connection used only for these;
 * answered by shuffle-ack once buffered.
 */
export interface ShuffleShardsMsg {
  type: 'shuffle-shards';
  id: number;
  shuffle: string;
  run: number;
  input: number;
  parts: number[];
}
/** The buckets of shuffle-shards `id` are buffered here (`error`: they were refused, and why). */
export interface ShuffleAckMsg {
  type: 'shuffle-ack';
  id: number;
  error?: string;
}

// ---- nanny -> scheduler -----------------------------------------------------

/** First message of a nanny (answered nanny-welcome): its id, its worker's name and its own pid. */
export interface RegisterNannyMsg {
  type: 'register-nanny';
  /** Unique per nanny; its workers send it in register-worker's `nanny`. */
  id: string;
  /** Its worker's --name ('' when none was given). */
  name: string;
  /** The nanny's process id. */
  pid: number;
}
/** Why a nanny's worker died: the nanny killed it past the memory limit, a signal ended it, or it exited with a code. */
export type WorkerDeathReason = 'memory' | 'signal' | 'exit';
/**
 * The nanny's worker died (not a requested close): how, for KilledWorkerError. `address` is the
 * worker's data address (empty when it died before it printed one); `rss` its last sampled
 * memory in bytes, measured as the memory limit is (resident memory above what the worker had
 * once started, as the worker's own spill thresholds measure it; 0 when unknown); `lastLines`
 * its last stderr lines, oldest first.
 */
export interface WorkerDiedMsg {
  type: 'worker-died';
  address: string;
  name: string;
  pid: number;
  /** Exit code, absent when a signal ended it. */
  code?: number;
  /** The signal that ended it (SIGKILL, ...), absent when it exited by itself. */
  signal?: string;
  rss: number;
  /** Bytes; 0 for none. */
  memoryLimit: number;
  reason: WorkerDeathReason;
  lastLines: string[];
}

// ---- scheduler -> nanny -----------------------------------------------------

/** The scheduler took the nanny's registration: its workers' drops now wait for its reports. */
export interface NannyWelcomeMsg {
  type: 'nanny-welcome';
}

export type WorkerToScheduler =
  | RegisterWorkerMsg
  | WorkerTaskFinishedMsg
  | WorkerTaskErredMsg
  | MissingDataMsg
  | HeartbeatMsg
  | StealResponseMsg
  | SlotsMsg
  | TransfersMsg
  | StateDumpMsg
  | ReplicasAddedMsg;
export type SchedulerToWorker =
  WorkerWelcomeMsg | DefineOpsMsg | ComputeTaskMsg | FreeKeysMsg | ReceiveDataMsg | CloseWorkerMsg | StealRequestMsg | DumpStateMsg | AcquireReplicasMsg;
export type PeerToWorker = GetDataMsg | ShuffleAskMsg | ShuffleShardsMsg;
/** What a worker's data port answers on a shuffle connection. */
export type ShuffleReply = ShuffleGrantMsg | ShuffleAckMsg;
export type NannyToScheduler = RegisterNannyMsg | WorkerDiedMsg;
export type SchedulerToNanny = NannyWelcomeMsg;
export type WorkerToPeer = DataMsg;
