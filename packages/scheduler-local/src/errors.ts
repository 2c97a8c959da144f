/**
 * Errors the local schedulers raise. They are defined in @tsdask/core-graph so that every
 * scheduler (local and distributed) raises, serializes and rebuilds the same classes; SpillError,
 * which never leaves the scheduler's thread, is the runtime's (its spill codec raises it).
 */
export { TaskError, WorkerLostError, NotPortableError, OpNotFoundError } from '@tsdask/core-graph';

/** SpillError lives with the spill codec in @tsdask/runtime; the spill store here raises it too. */
export { SpillError } from '@tsdask/runtime';
