/**
 * A task as the distributed worker's state machine (machine.ts) knows it, the transfer that
 * carries keys from one peer, and the one order the machine uses for both: tasks execute, and
 * keys are fetched, lower priority first, then in arrival order.
 */
import type { ComputeTaskStimulus } from './messages.js';
import { RELEASED } from './task-states.js';

/** Size assumed for a key whose size is not known yet, when batching transfers. */
export const DEFAULT_NBYTES = 1024;

/** A task as the worker knows it. */
export interface WorkerTask {
  readonly key: string;
  state: number;
  priority: number;
  readonly seq: number;
  op: unknown;
  /** Inputs of a task to compute here. */
  readonly dependencies: Set<WorkerTask>;
  /** Local tasks (waiting, ready, executing) that need this key. */
  readonly dependents: Set<WorkerTask>;
  /** Inputs not yet in memory (waiting tasks). */
  readonly waitingFor: Set<WorkerTask>;
  /** Peers believed to hold this key. */
  readonly whoHas: Set<string>;
  /** Peers that failed to deliver it. */
  readonly tried: Set<string>;
  /** -1 while unknown. */
  nbytes: number;
  /** The scheduler asked for it (compute-task, acquire-replicas) and has not freed it. */
  wanted: boolean;
  /** Release it once its transfer or run ends. */
  releaseWhenDone: boolean;
  /** The transfer that carries it, while in flight; -1 otherwise. */
  transferId: number;
  /** While in flight: the scheduler asked to compute it here (compute-task); if the transfer fails, it is computed from this. */
  computeIfLost: ComputeTaskStimulus | undefined;
}

/** One transfer in flight. */
export interface WorkerTransfer {
  readonly peer: string;
  readonly tasks: readonly WorkerTask[];
}

/** A new, released task for `key`; `seq` is its arrival order on the worker. */
export function newWorkerTask(key: string, seq: number): WorkerTask {
  return {
    key,
    state: RELEASED,
    priority: Number.MAX_SAFE_INTEGER,
    seq,
    op: undefined,
    dependencies: new Set(),
    dependents: new Set(),
    waitingFor: new Set(),
    whoHas: new Set(),
    tried: new Set(),
    nbytes: -1,
    wanted: false,
    releaseWhenDone: false,
    transferId: -1,
    computeIfLost: undefined,
  };
}

/** Whether `a` runs (or is fetched) before `b`: lower priority first, then arrival order. */
export function runsBefore(a: WorkerTask, b: WorkerTask): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}
