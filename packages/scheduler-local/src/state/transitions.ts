/**
 * The states of a task in the local scheduler and the one table of legal moves between them
 * (as distributed's `_TRANSITIONS_TABLE`). A state change that is not in the table is a bug in
 * the machine: `TaskStates.transition` (graph-state.ts) throws InvalidTransitionError at the
 * move itself, not later in `validate()`. The table is a Uint8Array indexed by
 * `from * STATE_COUNT + to`, so the check on every move is one typed-array read.
 *
 * States (codes are core-graph's TASK_STATES, in lifecycle order):
 *   0 waiting   inputs not all in memory, or a member of a batch not yet dispatched
 *   1 ready     a batch root whose inputs are all in memory, queued for dispatch
 *   2 running   its batch was dispatched
 *   3 memory    finished; its result is held (internal members: consumed inside the batch)
 *   4 released  its result is gone (never for outputs)
 *   5 erred     its batch threw, or its worker died more often than retries allow
 *
 * Legal moves (from -> to: when):
 *   waiting  -> ready     a batch root whose last input arrived
 *   waiting  -> running   an internal member when its batch is dispatched
 *   ready    -> running   a batch root when its batch is dispatched
 *   running  -> memory    its batch finished
 *   running  -> erred     its batch threw, or its worker was lost past the retries
 *   running  -> ready     its worker was lost: the root is queued again (a retry)
 *   running  -> waiting   its worker was lost: an internal member waits for the retry
 *   memory   -> released  an internal member at once (its result was consumed inside the
 *                         batch), a root once its last dependent batch finished
 * Everything else is illegal: memory -> waiting, released -> running, erred -> anything, ...
 * No entry is reserved: each one is taken by a real run (test/transitions.test.ts checks it).
 */
import type { TaskState } from '@tsdask/core-graph';
import { STATES } from './transition-log.js';

/** Number of task states (the side of the table). */
export const STATE_COUNT = STATES.length;

/** The legal moves, as (from, to) state names. */
export const LEGAL_TRANSITIONS: readonly (readonly [TaskState, TaskState])[] = [
  ['waiting', 'ready'],
  ['waiting', 'running'],
  ['ready', 'running'],
  ['running', 'memory'],
  ['running', 'erred'],
  ['running', 'ready'],
  ['running', 'waiting'],
  ['memory', 'released'],
];

/** 1 where `from * STATE_COUNT + to` is a legal move. */
export const TRANSITION_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(STATE_COUNT * STATE_COUNT);
  for (const [from, to] of LEGAL_TRANSITIONS) table[STATES.indexOf(from) * STATE_COUNT + STATES.indexOf(to)] = 1;
  return table;
})();

/** Whether a task may move from state code `from` to `to`. */
export function isLegalTransition(from: number, to: number): boolean {
  return TRANSITION_TABLE[from * STATE_COUNT + to] === 1;
}
