/**
 * @tsdask/scheduler-distributed: a scheduler process, worker processes and a client that run
 * tsdask graphs on many machines (issue 13; being built in slices). Folders follow the process
 * boundary and the pure-core rule: `comm/` (framing, handshake, token, transports), and pure
 * state machines in `scheduler/state/` and `worker/state/` that import no sockets, files or timers.
 */
export { SchedulerState, type SchedulerStateOptions } from './scheduler/state/scheduler-state.js';
export type { SchedulerStoryEntry } from './scheduler/state/transition-log.js';
export { DistributedTransitionError, KilledWorkerError, type MoveStoryLine } from './scheduler/state/errors.js';
export { TASK_STATE_NAMES, LEGAL_MOVES, type DistributedTaskState } from './scheduler/state/task-states.js';
export type { TaskRecord } from './scheduler/state/task-record.js';
export type { WorkerState } from './scheduler/state/worker-state.js';
export type {
  SchedulerStimulus,
  SchedulerInstruction,
  GraphSubmitted,
  WorkerAdded,
  WorkerRemoved,
  TaskFinished,
  TaskErred,
  ReleaseKeys,
  ComputeTask,
  FreeKeys,
  ClientTaskDone,
  ClientTaskErred,
} from './scheduler/state/messages.js';
