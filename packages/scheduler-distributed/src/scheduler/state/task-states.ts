/**
 * The states of a task in the distributed scheduler and the one table of legal moves between
 * them (the idea of distributed's `_transitions_table`). SchedulerState.transition checks every
 * move here and throws DistributedTransitionError at the move itself. The table is a Uint8Array
 * indexed by `from * STATE_COUNT + to`: one typed-array read per move.
 *
 * States:
 *   released    known, not wanted now or not yet evaluated; holds no data
 *   waiting     some dependency is not yet in memory
 *   queued      ready, held back by the scheduler: a root task waiting for a worker under its
 *               saturation limit, or any ready task while no worker is connected
 *   processing  sent to exactly one live worker
 *   memory      its result is held by at least one live worker
 *   erred       it (or a dependency) failed, or it was on too many workers that died
 *   forgotten   dropped: nothing wants it or depends on it (the record is deleted)
 *
 * Legal moves (from -> to: when):
 *   released   -> waiting | queued | processing   it is needed again (submitted, or recomputed)
 *   released   -> erred       it is needed but a dependency erred
 *   released   -> memory      a client scattered its value onto a worker
 *   released   -> forgotten   nothing wants it and no dependent remains
 *   waiting    -> processing  its last missing input arrived (a worker sent it, so one is there)
 *   waiting    -> released    the client released it, or it is re-evaluated
 *   waiting    -> erred       a dependency erred
 *   queued     -> processing  a worker had room
 *   queued     -> released    the client released it
 *   processing -> memory      its worker finished it
 *   processing -> erred       it threw, or its workers died more often than allowed
 *   processing -> released    its worker died, an input was lost, or the client released it
 *   memory     -> released    no dependent needs it any more, or its last holder died
 *   erred      -> released    the client released it
 * Only tasks without dependencies, or any ready task while no worker is connected, are queued;
 * so waiting -> queued is not a move (add it with a policy that queues tasks with inputs).
 */

/** State names, indexed by state code. */
export const TASK_STATE_NAMES = ['released', 'waiting', 'queued', 'processing', 'memory', 'erred', 'forgotten'] as const;

/** A task state's name. */
export type DistributedTaskState = (typeof TASK_STATE_NAMES)[number];

export const RELEASED = 0;
export const WAITING = 1;
export const QUEUED = 2;
export const PROCESSING = 3;
export const MEMORY = 4;
export const ERRED = 5;
export const FORGOTTEN = 6;

/** Number of task states (the side of the table). */
export const STATE_COUNT = TASK_STATE_NAMES.length;

/** The legal moves, as (from, to) state names. */
export const LEGAL_MOVES: readonly (readonly [DistributedTaskState, DistributedTaskState])[] = [
  ['released', 'waiting'],
  ['released', 'queued'],
  ['released', 'processing'],
  ['released', 'erred'],
  ['released', 'forgotten'],
  ['released', 'memory'],
  ['waiting', 'processing'],
  ['waiting', 'released'],
  ['waiting', 'erred'],
  ['queued', 'processing'],
  ['queued', 'released'],
  ['processing', 'memory'],
  ['processing', 'erred'],
  ['processing', 'released'],
  ['memory', 'released'],
  ['erred', 'released'],
];

/** 1 where `from * STATE_COUNT + to` is a legal move. */
export const MOVE_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(STATE_COUNT * STATE_COUNT);
  for (const [from, to] of LEGAL_MOVES) table[TASK_STATE_NAMES.indexOf(from) * STATE_COUNT + TASK_STATE_NAMES.indexOf(to)] = 1;
  return table;
})();

/** Whether a task may move from state code `from` to `to`. */
export function isLegalMove(from: number, to: number): boolean {
  return MOVE_TABLE[from * STATE_COUNT + to] === 1;
}
