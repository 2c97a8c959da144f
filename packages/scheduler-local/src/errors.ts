/**
 * Errors the local schedulers raise. They are defined in @tsdask/core-graph so that every
 * scheduler (local and distributed) raises, serializes and rebuilds the same classes; SpillError,
 * which never leaves the scheduler's thread, is the runtime's (its spill codec raises it).
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

export { TaskError, WorkerLostError, NotPortableError, OpNotFoundError } from '@tsdask/core-graph';

/** SpillError lives with the spill codec and the spill store in @tsdask/runtime (./codec, ./spill). */
export { SpillError } from '@tsdask/runtime';

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
    const seen =
      story.length === 0 ? 'no earlier moves logged' : story.map((s) => `${s.from}->${s.to}${s.stimulus === undefined ? '' : ` (${s.stimulus})`}`).join(', ');
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
