/**
 * @tsdask/scheduler-distributed: a scheduler process, worker processes and a client that run
 * tsdask graphs on many machines (issue 13; being built in slices). Folders follow the process
 * boundary and the pure-core rule: `comm/` (framing, handshake, token, transports), and pure
 * state machines in `scheduler/state/` and `worker/state/` that import no sockets, files or timers.
 */
export { WorkerStateMachine, DEFAULT_NBYTES } from './worker/state/machine.js';
export type { WorkerStateOptions, WorkerTask, WorkerTransfer } from './worker/state/machine.js';
export type { WorkerStimulus, WorkerInstruction, TaskInput } from './worker/state/messages.js';
export type {
  ComputeTaskStimulus,
  ExecuteSuccessStimulus,
  ExecuteFailureStimulus,
  GatherDepSuccessStimulus,
  GatherDepFailureStimulus,
  FreeKeysStimulus,
  AcquireReplicasStimulus,
  RemoveReplicasStimulus,
  PauseStimulus,
} from './worker/state/messages.js';
export { WORKER_STATES, WORKER_LEGAL_TRANSITIONS, isLegalWorkerTransition } from './worker/state/task-states.js';
export type { WorkerTaskState } from './worker/state/task-states.js';
export type { TransferLimits } from './worker/state/transfer-policy.js';
export { WorkerTransitionError } from './worker/state/errors.js';
export type { WorkerStoryLine } from './worker/state/errors.js';
