/**
 * The runtime's one error class of its own, SpillError: the spill codec (here) refuses a value
 * with it, and the spill store (files, ./spill, used by scheduler-local and the distributed
 * worker) raises it for the disk. Every other error a batch meets (TaskError, OpNotFoundError,
 * ...) is core-graph's, so that every scheduler raises, serializes and rebuilds the same classes.
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

/**
 * A result could not be spilled to disk (or read back). Codes: `TSDASK_SPILL_FAILED` (the
 * folder or file: `errno` says why, for example EROFS, ENOSPC, ENOENT, EACCES),
 * `TSDASK_SPILL_UNENCODABLE` (the value holds something the spill codec cannot write, at
 * `path`), `TSDASK_SPILL_LOST` (a spilled file could not be read back) and
 * `TSDASK_SPILL_CLOSED` (a read or write asked of a store its owner already closed).
 */
export class SpillError extends TsdaskError {
  /** The spill folder (or the parent it was to be made in). */
  readonly dir: string;
  /** The system error code when the file system refused ('EROFS', 'ENOSPC', ...). */
  readonly errno: string | undefined;
  /** Where in the value the unencodable part is (`value.a[2]`), for TSDASK_SPILL_UNENCODABLE. */
  readonly path: string | undefined;
  /** The key of the task whose result it was, where known. */
  readonly key: string | undefined;
  constructor(
    code: 'TSDASK_SPILL_FAILED' | 'TSDASK_SPILL_UNENCODABLE' | 'TSDASK_SPILL_LOST' | 'TSDASK_SPILL_CLOSED',
    message: string,
    info: { dir: string; errno?: string | undefined; path?: string | undefined; key?: string | undefined; cause?: unknown },
  ) {
    super(code, message, { cause: info.cause });
    this.dir = info.dir;
    this.errno = info.errno;
    this.path = info.path;
    this.key = info.key;
  }
}
registerErrorClass(SpillError);
