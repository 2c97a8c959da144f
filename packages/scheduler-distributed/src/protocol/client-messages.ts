/**
 * The client's side of the cluster protocol (connections of role 'client', see messages.ts):
 * what a client asks of the scheduler (graphs, releases, who-has, scatter, stats, retire, adapt,
 * dump) and what the scheduler answers or tells it (graph accepted or refused, outputs done or
 * erred, the answers). Discriminated on `type`; messages.ts re-exports them all.
 */
import type { WireError, WireNode } from './messages.js';

// ---- client -> scheduler ----------------------------------------------------

/**
 * A graph to run. `keys[i]` has node `nodes[i]` and reads `keys[depIdx[e]]` for e in
 * depPtr[i]..depPtr[i+1] (core-graph's CSR). `held` are keys whose node is `held(key)`: results
 * the scheduler already holds (refused with NotHeldError where it does not). `sources` are the
 * user-function sources the graph's `fn:` ops need (workers compile them).
 */
export interface UpdateGraphMsg {
  type: 'update-graph';
  id: number;
  keys: string[];
  nodes: WireNode[];
  depPtr: number[];
  depIdx: number[];
  outputs: string[];
  priorities: number[];
  held: string[];
  sources: [string, string][];
  /**
   * How many `update-graph-part` messages of this `id` came before (default 0): then this
   * message's keys, nodes, depPtr, depIdx and priorities are the graph's last part.
   */
  parts?: number;
}
/**
 * One part of a big graph, sent before its `update-graph` so that no message is huge and the
 * scheduler ingests the graph in slices: its keys follow the keys of the parts before it,
 * `depPtr` runs from 0 for this part's tasks, `depIdx` holds task ids of the whole graph.
 */
export interface UpdateGraphPartMsg {
  type: 'update-graph-part';
  id: number;
  keys: string[];
  nodes: WireNode[];
  depPtr: number[];
  depIdx: number[];
  priorities: number[];
}
/**
 * Tasks of a big graph given by a layer template (core-graph's layer-template.ts) instead of one
 * by one: blocks `from` to `to` (excluded) of `template` (its JSON), sent among the graph's
 * `update-graph-part`s and counted with them in `parts`. Its tasks follow the keys of the parts
 * before it; every key its tasks refer to came in an earlier part or layer message. The scheduler
 * expands it into the part it stands for (scheduler/layer-intake.ts). `priorities` are runs of
 * arithmetic progressions, `[first, step, count]` each, one priority per task in block order
 * (empty: none, as for the parts).
 */
export interface UpdateGraphLayerMsg {
  type: 'update-graph-layer';
  id: number;
  template: string;
  from: number;
  to: number;
  priorities: number[];
}
/** Asks for the scheduler's own figures (scheduler/stats.ts), answered by `scheduler-stats-reply`; `gc` collects garbage first, `reset` starts a new event-loop measurement after answering. */
export interface GetSchedulerStatsMsg {
  type: 'scheduler-stats';
  id: number;
  gc: boolean;
  reset: boolean;
}
/** The client drops its interest in these keys (the last reference to each). */
export interface ReleaseKeysMsg {
  type: 'release-keys';
  keys: string[];
}
/** Which workers hold these keys, and their data addresses; answered by `who-has-reply`. */
export interface WhoHasMsg {
  type: 'who-has';
  id: number;
  keys: string[];
}
/**
 * After reconnecting to a (restarted) scheduler: the client wants these keys again, the results it
 * held; answered by `reclaimed` once they are registered by workers (see scheduler/recovered-keys.ts).
 */
export interface ReclaimKeysMsg {
  type: 'reclaim-keys';
  id: number;
  keys: string[];
}
/** What adapt should do now (scheduler/adaptive.ts): answered by `adaptive-target`. */
export interface AdaptiveTargetMsg {
  type: 'adaptive-target';
  id: number;
  /** Seconds of queued work each worker should have at most (Dask's target_duration). */
  targetDuration: number;
}
/** Move the results of these workers (data addresses) to others, then close them; answered by `workers-retired`. */
export interface RetireWorkersMsg {
  type: 'retire-workers';
  id: number;
  workers: string[];
}
/** The cluster's state for a post-mortem (client.dumpClusterState); answered by `cluster-state`. */
export interface DumpStateMsg {
  type: 'dump-state';
  id: number;
}
/** Keep the value in the body frame that follows under `key` on some worker (client.scatter); answered by `scattered`. */
export interface ScatterMsg {
  type: 'scatter';
  id: number;
  key: string;
  nbytes: number;
}

// ---- scheduler -> client ----------------------------------------------------

/** Sent once when the client connects. */
export interface ClientWelcomeMsg {
  type: 'client-welcome';
  clientId: string;
  workers: number;
}
/** The graph `id` was taken (its outputs will be reported by task-done / task-erred). */
export interface GraphAcceptedMsg {
  type: 'graph-accepted';
  id: number;
}
/** The graph `id` was refused as a whole (bad structure, a held key not held): nothing of it runs. */
export interface GraphRefusedMsg {
  type: 'graph-refused';
  id: number;
  error: WireError;
}
/** Output `key` is in memory on a worker (`nbytes` its size). */
export interface ClientTaskDoneMsg {
  type: 'task-done';
  key: string;
  nbytes: number;
}
/** Output `key` failed with `error` (its own, a dependency's, or KilledWorkerError). */
export interface ClientTaskErredMsg {
  type: 'task-erred';
  key: string;
  error: WireError;
}
/** Answer to who-has: for each key its holders' data addresses (`host:port`); a key not in memory has []. */
export interface WhoHasReplyMsg {
  type: 'who-has-reply';
  id: number;
  whoHas: Record<string, string[]>;
}
/** Answer to scheduler-stats: a SchedulerStats object. */
export interface SchedulerStatsReplyMsg {
  type: 'scheduler-stats-reply';
  id: number;
  stats: Record<string, unknown>;
}
/** Answer to scatter: the value is kept on `worker` (its data address). */
export interface ScatteredMsg {
  type: 'scattered';
  id: number;
  key: string;
  worker: string;
}

/** Answer to reclaim-keys: the keys no worker holds (lost with the old scheduler or a worker); the others are wanted by this client again. */
export interface ReclaimedMsg {
  type: 'reclaimed';
  id: number;
  missing: string[];
}

/** Answer to adaptive-target: how many workers the work asks for, and which idle workers to close first to go below the current count. */
export interface AdaptiveTargetReplyMsg {
  type: 'adaptive-target-reply';
  id: number;
  target: number;
  close: string[];
}
/** Answer to retire-workers: those closed (their results moved first), and those kept with why. */
export interface WorkersRetiredMsg {
  type: 'workers-retired';
  id: number;
  retired: string[];
  kept: [string, string][];
}
/** Answer to dump-state: the scheduler's and every worker's state, as one JSON document (scheduler/cluster-dump.ts). */
export interface ClusterStateMsg {
  type: 'cluster-state';
  id: number;
  state: string;
}

export type ClientToScheduler =
  | UpdateGraphMsg
  | UpdateGraphPartMsg
  | UpdateGraphLayerMsg
  | GetSchedulerStatsMsg
  | ReleaseKeysMsg
  | WhoHasMsg
  | ScatterMsg
  | ReclaimKeysMsg
  | DumpStateMsg
  | AdaptiveTargetMsg
  | RetireWorkersMsg;
export type SchedulerToClient =
  | ClientWelcomeMsg
  | GraphAcceptedMsg
  | GraphRefusedMsg
  | ClientTaskDoneMsg
  | ClientTaskErredMsg
  | WhoHasReplyMsg
  | ScatteredMsg
  | SchedulerStatsReplyMsg
  | ReclaimedMsg
  | ClusterStateMsg
  | AdaptiveTargetReplyMsg
  | WorkersRetiredMsg;
