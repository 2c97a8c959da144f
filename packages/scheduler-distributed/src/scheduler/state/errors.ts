/**
 * Errors of the distributed scheduler's state machine: an illegal move (a bug in the machine,
 * caught at the move) and KilledWorkerError (a task was processing on too many workers that
 * died; the value a client receives for that task).
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

/** One line of a task's story, as DistributedTransitionError carries it. */
export interface MoveStoryLine {
  from: string;
  to: string;
  /** The stimulus that caused the move ('task-finished', ...). */
  stimulus: string;
}

/**
 * The distributed scheduler's state machine tried a move its table does not hold (for example
 * memory -> waiting). Code `TSDASK_DISTRIBUTED_INVALID_TRANSITION`; `story` is the task's history.
 */
export class DistributedTransitionError extends TsdaskError {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly story: readonly MoveStoryLine[];
  constructor(key: string, from: string, to: string, story: readonly MoveStoryLine[], stimulus: string) {
    const seen = story.length === 0 ? 'no earlier moves logged' : story.map((s) => `${s.from}->${s.to} (${s.stimulus})`).join(', ');
    super(
      'TSDASK_DISTRIBUTED_INVALID_TRANSITION',
      `Task '${key}' cannot move from ${from} to ${to} on stimulus '${stimulus}': that move is not in the distributed scheduler's table of legal ` +
        `transitions (scheduler/state/task-states.ts). This is a bug in the scheduler, not in your graph; please report it with this story of the task: ${seen}.`,
    );
    this.key = key;
    this.from = from;
    this.to = to;
    this.story = story;
  }
}
registerErrorClass(DistributedTransitionError);

/** A task was processing on `workers`, which all died: more than the allowed failures. Code `TSDASK_KILLED_WORKER`. */
export class KilledWorkerError extends TsdaskError {
  readonly key: string;
  readonly workers: readonly string[];
  /** How each of `workers` was lost, in the same order ('its connection closed', 'no heartbeat for 5 s', ...). */
  readonly how: readonly string[];
  constructor(key: string, workers: readonly string[], how: readonly string[] = []) {
    const named = workers.map((w, i) => (how[i] !== undefined ? `${w}: ${how[i]}` : w));
    super(
      'TSDASK_KILLED_WORKER',
      `Task '${key}' was running on ${workers.length} workers that died (${named.join('; ')}); giving up on it. ` +
        'The task may exhaust memory or exit the process: check the worker logs, or raise `allowedFailures`.',
    );
    this.key = key;
    this.workers = workers;
    this.how = how;
  }
}
registerErrorClass(KilledWorkerError);

/** A scattered value (it has no task to compute it again) lost its last holder. Code `TSDASK_SCATTERED_LOST`. */
export class ScatteredDataLostError extends TsdaskError {
  readonly key: string;
  constructor(key: string) {
    super(
      'TSDASK_SCATTERED_LOST',
      `Key '${key}' was scattered by a client and every worker that held it is gone, so it cannot be computed again. ` +
        'Scatter the value again (client.scatter) and resubmit what depends on it.',
    );
    this.key = key;
  }
}
registerErrorClass(ScatteredDataLostError);
