/**
 * Errors the local schedulers raise. They are defined in @tsdask/core-graph so that every
 * scheduler (local and distributed) raises, serializes and rebuilds the same classes.
 */
export { TaskError, WorkerLostError, NotPortableError, OpNotFoundError } from '@tsdask/core-graph';
