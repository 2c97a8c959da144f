/**
 * @tsdask/scheduler-distributed: a scheduler process, worker processes and a client that run
 * tsdask graphs on many machines (issue 13; being built in slices). Folders follow the process
 * boundary and the pure-core rule: `comm/` (framing, handshake, token, transports), and pure
 * state machines in `scheduler/state/` and `worker/state/` that import no sockets, files or timers.
 */
export { ConnectionError, FrameError, MessageShapeError, type ConnectionErrorCode, type FrameErrorCode } from './comm/errors.js';
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONTROL_BYTES, TRUSTED_MAX_CONTROL_BYTES, type Frame, type FrameLimits } from './comm/frames.js';
export {
  checkMessage,
  PROTOCOL_VERSION,
  type HandshakeMessage,
  type HelloMessage,
  type RefusedMessage,
  type Role,
  type WelcomeMessage,
} from './comm/messages.js';
export { generateToken, resolveToken, tokensEqual } from './comm/token.js';
export { type BytePipe, type Connection, type FrameHandler, FramedConnection } from './comm/connection.js';
export { acceptHandshake, DEFAULT_HANDSHAKE_TIMEOUT_MS, greetHandshake, type AcceptOptions, type GreetOptions, type RefusedInfo } from './comm/handshake.js';
export { connect, listen, type ConnectOptions, type Listener, type ListenOptions } from './comm/tcp.js';
export { inprocPair } from './comm/inproc.js';
export { WorkerStateMachine } from './worker/state/machine.js';
export { DEFAULT_NBYTES } from './worker/state/worker-task.js';
export type { WorkerStateOptions } from './worker/state/machine.js';
export type { WorkerTask, WorkerTransfer } from './worker/state/worker-task.js';
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
  GraphStep,
  ReleaseStep,
  WorkerAdded,
  WorkerRemoved,
  TaskFinished,
  TaskErred,
  ReleaseKeys,
  ComputeTask,
  FreeKeys,
  ClientTaskDone,
  ClientTaskErred,
  Balance,
  StealRequest,
  StealResponse,
} from './scheduler/state/messages.js';
export { STEAL_MAX_BYTES } from './scheduler/state/stealing.js';
export { parseAddress, formatAddress, type Address } from './protocol/address.js';
export type * from './protocol/messages.js';
export { checkFromClient, checkToClient, checkFromWorker, checkToWorker, checkFromPeer, checkFromDataPort } from './protocol/check.js';
export { encodeWireValue, decodeWireValue, encodeNode, decodeNode } from './protocol/values.js';
export { SchedulerServer, type SchedulerServerOptions } from './scheduler/server.js';
export type { SchedulerStats } from './scheduler/stats.js';
export type { LoopDelay } from './scheduler/loop-monitor.js';
export type { IntakeStats } from './scheduler/graph-intake.js';
export type { DataScattered, MissingData, RestartTasks } from './scheduler/state/messages.js';
export { ScatteredDataLostError } from './scheduler/state/errors.js';
export { Worker, type WorkerOptions, type WorkerExit } from './worker/worker.js';
export { TaskMemoryError } from './worker/errors.js';
export { parseMemoryLimit } from '@tsdask/runtime/spill';
export {
  memoryFractions,
  overTarget,
  onMemoryReading,
  DEFAULT_MEMORY_FRACTIONS,
  type MemoryFractions,
  type MemoryReading,
  type MemoryVerdict,
} from './worker/state/memory-thresholds.js';
export type { ReceiveDataStimulus, StealRequestStimulus } from './worker/state/messages.js';
export { Client, type ClientOptions } from './client/client.js';
export { formatExposition, type MetricFamily, type MetricSample } from './metrics/exposition.js';
export { RemoteScheduler, type RemoteSchedulerOptions } from './client/remote-scheduler.js';
export { fetchValues, type FetchDeps } from './client/data-fetch.js';
export { PeerPool, type DialPeer, type Fetched } from './protocol/peer-pool.js';
export { encodeGraph, graphHead, graphParts, splitUpdateGraph, GRAPH_PART_TASKS, type GraphHead } from './client/encode-graph.js';
export { graphMessages, GRAPH_LAYERS, MIN_LAYER_RUN, type GraphMessage, type GraphMessageOptions } from './client/encode-layers.js';
export { encodePriorityRuns, decodePriorityRuns } from './protocol/priority-runs.js';
export { MissingTokenError, SchedulerLostError, ClientClosedError, DataNotFoundError } from './client/errors.js';
export { asCompleted, wait, type WaitOptions } from '@tsdask/core-graph';
export { LocalCluster, type LocalClusterOptions, type ClusterWorkerInfo } from './cluster/local-cluster.js';
export { Adaptive, type AdaptOptions, type AdaptStep, type AdaptHooks } from './cluster/adaptive.js';
export { ClusterError, type ClusterErrorCode, type ChildExit } from './cluster/errors.js';
export { readTlsFiles, type TlsOptions, type TlsFiles } from './comm/tls.js';
export { Nanny, type NannyOptions, type NannyExit } from './nanny/nanny.js';
export { TERMINATE_FRACTION, describeDeath, RestartBudget, type WorkerDeath } from './nanny/policy.js';
export { checkFromNanny, checkToNanny } from './protocol/check.js';
export { SchedulerEventPump, ComputeTrack, DISTRIBUTED_SCHEDULER_NAME, type EventPumpOptions } from './scheduler/event-pump.js';
export { ClusterEvents, type ClusterWorker } from './scheduler/cluster-events.js';
export { TransferLog, type TransferRow } from './worker/transfer-log.js';
export { DEFAULT_DASHBOARD_PORT, type SchedulerDashboardOptions } from './scheduler/dashboard.js';
export { P2PShuffleError, type P2PShuffleErrorCode } from './shuffle/errors.js';
export type { P2PRunSpec } from './shuffle/run-spec.js';
