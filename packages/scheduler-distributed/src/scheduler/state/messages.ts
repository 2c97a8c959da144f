/**
 * What goes into the distributed scheduler's state machine (stimuli) and what comes out
 * (instructions), both discriminated on `type`. The shell around the machine turns messages
 * from clients and workers into stimuli and carries out the instructions; the machine itself
 * does no I/O.
 */
import type { Key, Node, TaskGraph } from '@tsdask/core-graph';

/** A client submitted a lowered graph; `outputs` are the keys it wants back. */
export interface GraphSubmitted {
  type: 'graph-submitted';
  graph: TaskGraph;
  outputs: readonly Key[];
  /** Priority of each graph id, lower first (core-graph `order()`); default: the id. */
  priorities?: Int32Array;
  /** Take it in over the 'graph-step' stimuli that follow, not at once (SchedulerState.ingesting says when it is all in). */
  sliced?: boolean;
}

/** Take in more of the graph submitted `sliced`: at most `budget` units of work (about one per task and edge). */
export interface GraphStep {
  type: 'graph-step';
  budget: number;
}

/** Go on with a release walk that ran out of its budget (SchedulerState.releasing): at most `budget` more tasks. */
export interface ReleaseStep {
  type: 'release-step';
  budget: number;
}

/** A worker connected with `nthreads` slots. */
export interface WorkerAdded {
  type: 'worker-added';
  worker: string;
  nthreads: number;
}

/** A worker's executor now holds `slots` tasks at once (more for tiny tasks): it may be sent more root tasks. */
export interface WorkerSlots {
  type: 'worker-slots';
  worker: string;
  slots: number;
}

/** A worker left or was lost: what it held is gone, what it ran is rescheduled. */
export interface WorkerRemoved {
  type: 'worker-removed';
  worker: string;
  /** How it was lost, in words ('its connection closed', 'no heartbeat for 5 s', an exit code...), for KilledWorkerError. */
  reason?: string;
  /** Tasks sent to it that it never received (sent after its connection closed): not counted against them as a death. */
  notStarted?: readonly Key[];
  /** Tasks to compute again though they did not run or live only there (a P2P shuffle's transfers and barrier: shuffle/scheduler-runs.ts). */
  restart?: readonly Key[];
}

/** A worker finished `key` and holds its result of `nbytes` bytes. */
export interface TaskFinished {
  type: 'task-finished';
  key: Key;
  worker: string;
  nbytes: number;
}

/** The task `key` threw on `worker`. */
export interface TaskErred {
  type: 'task-erred';
  key: Key;
  worker: string;
  error: Error;
}

/** The client no longer wants these keys. */
export interface ReleaseKeys {
  type: 'release-keys';
  keys: readonly Key[];
}

/**
 * A client's value for `key` (client.scatter) is now held by `worker`: the key is in memory
 * there, wanted by the client, with no node (it cannot be computed again if lost).
 */
export interface DataScattered {
  type: 'data-scattered';
  key: Key;
  worker: string;
  nbytes: number;
}

/** `worker` now holds a copy of `key`, which is in memory elsewhere (it fetched it when asked to, to retire another worker). */
export interface ReplicaAdded {
  type: 'replica-added';
  key: Key;
  worker: string;
  nbytes: number;
}

/** `worker` could fetch `key` from none of `tried`: they do not hold it (any more). */
export interface MissingData {
  type: 'missing-data';
  key: Key;
  worker: string;
  tried: readonly string[];
}

/** Tasks computed again wherever they are, no worker lost (a P2P shuffle's transfers and barrier when an output it unpacked is needed again: shuffle/scheduler-runs.ts). */
export interface RestartTasks {
  type: 'restart-tasks';
  keys: readonly Key[];
}

/** Everything the machine reacts to. */
/** Time to even out the load: idle workers may steal tasks from workers with tasks waiting (the shell sends it every 100 ms). */
export interface Balance {
  type: 'balance';
}

/** The worker asked to give up `key` answered: `released` (it was not running yet) or not (it keeps it). */
export interface StealResponse {
  type: 'steal-response';
  key: Key;
  worker: string;
  released: boolean;
}

export type SchedulerStimulus =
  | GraphSubmitted
  | GraphStep
  | ReleaseStep
  | WorkerAdded
  | WorkerSlots
  | WorkerRemoved
  | TaskFinished
  | TaskErred
  | ReleaseKeys
  | DataScattered
  | MissingData
  | RestartTasks
  | Balance
  | StealResponse
  | ReplicaAdded;

/** Run `key` on `worker`; `whoHas` says which workers hold each input. */
export interface ComputeTask {
  type: 'compute-task';
  worker: string;
  key: Key;
  node: Node;
  priority: number;
  whoHas: Record<Key, string[]>;
}

/** `worker` should drop these results (or stop computing these keys). */
export interface FreeKeys {
  type: 'free-keys';
  worker: string;
  keys: Key[];
}

/** Tell the client: output `key` is in memory (sent once per output; if it is lost later it is computed again silently). */
export interface ClientTaskDone {
  type: 'task-done';
  key: Key;
  nbytes: number;
}

/** Tell the client: output `key` failed with `error` (its own or a dependency's, or KilledWorkerError); may follow a task-done if it was lost and failed when computed again. */
export interface ClientTaskErred {
  type: 'task-erred';
  key: Key;
  error: Error;
}

/** Everything the machine asks its shell to do. */
/** Ask `worker` to give up `key` if it has not started it (it answers steal-response). */
export interface StealRequest {
  type: 'steal-request';
  worker: string;
  key: Key;
}

export type SchedulerInstruction = ComputeTask | FreeKeys | ClientTaskDone | ClientTaskErred | StealRequest;
