/**
 * What goes into the worker's state machine (stimuli: from the scheduler, from the worker's
 * threads, from transfers) and what comes out (instructions for the shell to carry out).
 * Both unions are discriminated on `type`; every stimulus carries a `stimulusId` that the
 * machine's story records beside each move it caused, and the instructions it caused repeat it.
 */

/** An input of a compute-task: its key, the peers that hold it, and its size where known. */
export interface TaskInput {
  key: string;
  whoHas: readonly string[];
  nbytes?: number;
}

/** The scheduler asks this worker to compute `key` (lower `priority` runs first). */
export interface ComputeTaskStimulus {
  type: 'compute-task';
  stimulusId: string;
  key: string;
  /** A reference to the op payload (the shell resolves it when it executes). */
  op: unknown;
  priority: number;
  inputs: readonly TaskInput[];
}

/** A thread finished `key`; its result takes `nbytes`. */
export interface ExecuteSuccessStimulus {
  type: 'execute-success';
  stimulusId: string;
  key: string;
  nbytes: number;
}

/** A thread ran `key` and it threw `error`. */
export interface ExecuteFailureStimulus {
  type: 'execute-failure';
  stimulusId: string;
  key: string;
  error: unknown;
}

/** A transfer ended; `received` lists the keys the peer sent (a requested key not listed: the peer did not have it). */
export interface GatherDepSuccessStimulus {
  type: 'gather-dep-success';
  stimulusId: string;
  transferId: number;
  received: readonly { key: string; nbytes: number }[];
}

/** A transfer failed (peer gone, connection dropped): none of its keys arrived. */
export interface GatherDepFailureStimulus {
  type: 'gather-dep-failure';
  stimulusId: string;
  transferId: number;
  error: unknown;
}

/** The scheduler no longer needs these keys here. */
export interface FreeKeysStimulus {
  type: 'free-keys';
  stimulusId: string;
  keys: readonly string[];
}

/** The scheduler asks this worker to hold copies of these keys (fetched from the named peers). */
export interface AcquireReplicasStimulus {
  type: 'acquire-replicas';
  stimulusId: string;
  keys: readonly TaskInput[];
}

/** The scheduler asks this worker to drop its copies of these keys (ignored for keys a local task still needs). */
export interface RemoveReplicasStimulus {
  type: 'remove-replicas';
  stimulusId: string;
  keys: readonly string[];
}

/**
 * The scheduler put `key`'s value here directly (receive-data, for a scatter); the shell holds it
 * already. Taken unless the key is in flight or executing here (that result arrives instead, and
 * the shell is told to drop the received copy).
 */
export interface ReceiveDataStimulus {
  type: 'receive-data';
  stimulusId: string;
  key: string;
  nbytes: number;
}

/** Memory is past the pause threshold (pause) or back under it (unpause). */
export interface PauseStimulus {
  type: 'pause' | 'unpause';
  stimulusId: string;
}

/** The executor now holds this many tasks at once (its threads times what each has queued): at most that many execute. */
export interface SetSlotsStimulus {
  type: 'set-slots';
  stimulusId: string;
  slots: number;
}

/** The scheduler would move `key` to another worker: give it up if it has not started (answered by steal-response). */
export interface StealRequestStimulus {
  type: 'steal-request';
  stimulusId: string;
  key: string;
}

/** Everything the worker's state machine handles. */
export type WorkerStimulus =
  | StealRequestStimulus
  | ComputeTaskStimulus
  | ExecuteSuccessStimulus
  | ExecuteFailureStimulus
  | GatherDepSuccessStimulus
  | GatherDepFailureStimulus
  | FreeKeysStimulus
  | AcquireReplicasStimulus
  | RemoveReplicasStimulus
  | ReceiveDataStimulus
  | PauseStimulus
  | SetSlotsStimulus;

/** Everything the machine asks its shell to do. */
export type WorkerInstruction =
  /** Run `key` on a free thread. */
  | { type: 'execute'; stimulusId: string; key: string; op: unknown }
  /** Fetch `keys` from `peer` in one transfer; report back with `transferId`. */
  | { type: 'gather-dep'; stimulusId: string; transferId: number; peer: string; keys: string[]; totalBytes: number }
  /** Tell the scheduler `key` is in memory here. */
  | { type: 'task-finished'; stimulusId: string; key: string; nbytes: number }
  /** Tell the scheduler `key` threw. */
  | { type: 'task-erred'; stimulusId: string; key: string; error: unknown }
  /** Tell the scheduler no known peer holds `key` (`tried`: the peers that failed or lacked it). */
  | { type: 'missing-data'; stimulusId: string; key: string; tried: string[] }
  /** Drop the result buffer of `key`. */
  | { type: 'release-data'; stimulusId: string; key: string }
  /** Tell the scheduler whether `key` was given up (`released`: it had not started; else it runs or ran here). */
  | { type: 'steal-response'; stimulusId: string; key: string; released: boolean };
