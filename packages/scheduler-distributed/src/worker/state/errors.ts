/**
 * The error the worker's state machine raises when it tries a move that its table of legal
 * transitions (task-states.ts) does not hold: a bug in the machine, caught at the move.
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

/** One line of a worker task's story: a move and the stimulus that caused it. */
export interface WorkerStoryLine {
  key: string;
  from: string;
  to: string;
  stimulusId: string;
}

/**
 * A worker task tried a move not in the worker's table of legal transitions (for example
 * memory -> executing). Code `TSDASK_WORKER_INVALID_TRANSITION`; `story` is the task's
 * history up to the move.
 */
export class WorkerTransitionError extends TsdaskError {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly story: readonly WorkerStoryLine[];
  constructor(key: string, from: string, to: string, stimulusId: string, story: readonly WorkerStoryLine[]) {
    const seen = story.length === 0 ? 'no earlier moves logged' : story.map((s) => `${s.from}->${s.to} (${s.stimulusId})`).join(', ');
    super(
      'TSDASK_WORKER_INVALID_TRANSITION',
      `Task '${key}' on a worker cannot move from ${from} to ${to} on stimulus '${stimulusId}': that move is not in the worker's table of legal transitions ` +
        `(scheduler-distributed src/worker/state/task-states.ts). This is a bug in the distributed worker, not in your graph; please report it with this story of the task: ${seen}.`,
    );
    this.key = key;
    this.from = from;
    this.to = to;
    this.story = story;
  }
}
registerErrorClass(WorkerTransitionError);
