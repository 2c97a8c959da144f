/**
 * Errors the local schedulers raise. They are defined in @tsdask/core-graph so that every
 * scheduler (local and distributed) raises, serializes and rebuilds the same classes; the one
 * class of its own here, SpillError, never leaves the scheduler's thread.
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

export { TaskError, WorkerLostError, NotPortableError, OpNotFoundError } from '@tsdask/core-graph';

/**
 * A result could not be spilled to disk (or read back). Codes: `TSDASK_SPILL_FAILED` (the
 * folder or file: `errno` says why, for example EROFS, ENOSPC, ENOENT, EACCES),
 * `TSDASK_SPILL_UNENCODABLE` (the value holds something the spill codec cannot write, at
 * `path`) and `TSDASK_SPILL_LOST` (a spilled file could not be read back).
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
    code: 'TSDASK_SPILL_FAILED' | 'TSDASK_SPILL_UNENCODABLE' | 'TSDASK_SPILL_LOST',
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

/** One line of a task's story, as an InvalidTransitionError carries it. */
export interface TransitionStoryLine {
  from: string;
  to: string;
  /** The stimulus that caused the move ('batch-finished', ...), where still logged. */
  stimulus: string | undefined;
}

/**
 * The state machine tried a move that its table of legal transitions does not hold (for
 * example memory -> waiting): a bug in the scheduler, caught at the move. Code
 * `TSDASK_INVALID_TRANSITION`; `story` is the task's history up to the move.
 */
export class InvalidTransitionError extends TsdaskError {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly story: readonly TransitionStoryLine[];
  constructor(key: string, from: string, to: string, story: readonly TransitionStoryLine[], stimulus?: string) {
    const seen = story.length === 0 ? 'no earlier moves logged' : story.map((s) => `${s.from}->${s.to}${s.stimulus === undefined ? '' : ` (${s.stimulus})`}`).join(', ');
    super(
      'TSDASK_INVALID_TRANSITION',
      `Task '${key}' cannot move from ${from} to ${to}${stimulus === undefined ? '' : ` on stimulus '${stimulus}'`}: that move is not in the scheduler's table of legal transitions (state/transitions.ts). ` +
        `This is a bug in the local scheduler, not in your graph; please report it with this story of the task: ${seen}.`,
    );
    this.key = key;
    this.from = from;
    this.to = to;
    this.story = story;
  }
}
registerErrorClass(InvalidTransitionError);
