/**
 * The states of a task on a distributed worker and the one table of legal moves between them
 * (as distributed's worker `_TRANSITIONS_TABLE`). The machine (machine.ts) checks every move
 * against the table, a Uint8Array indexed by `from * WORKER_STATE_COUNT + to`, and throws
 * WorkerTransitionError at the move itself.
 *
 * States:
 *   released   nothing held here (a new task, or one forgotten)
 *   waiting    to compute here; some input is not yet in memory on this worker
 *   fetch      an input to get from a peer that holds it, not yet asked for
 *   flight     being fetched from one peer (one gather-dep transfer)
 *   missing    an input that no known peer holds (the scheduler was told: missing-data)
 *   ready      to compute here; all inputs in memory; waits for a thread
 *   executing  running on one of the worker's threads
 *   memory     its result is held here
 *   error      its op threw (the scheduler was told: task-erred)
 *
 * Legal moves (from -> to: when):
 *   released  -> waiting | ready   compute-task (ready when every input is already here)
 *   released  -> fetch             an input of a compute-task, or acquire-replicas
 *   waiting   -> ready             its last input arrived
 *   fetch     -> flight            a gather-dep was issued for it
 *   fetch     -> missing           no peer is left to fetch it from
 *   flight    -> memory            gather-dep-success brought it
 *   flight    -> fetch | missing   the transfer failed (or the peer lacked it): try another peer, or none is left
 *   missing   -> fetch             a compute-task or acquire-replicas named new holders
 *   ready     -> executing         a thread was free (highest priority first)
 *   executing -> memory | error    execute-success / execute-failure
 *   released  -> memory            receive-data: the scheduler put the value here directly (scatter)
 *   waiting, fetch, flight, missing, ready, executing, memory, error -> released
 *                                  free-keys / remove-replicas (flight and executing only once
 *                                  their transfer or run has ended: the work is not abandoned)
 * Everything else is illegal: memory -> executing, fetch -> memory, error -> ready, ...
 */

/** Worker task states, by code. */
export const WORKER_STATES = ['released', 'waiting', 'fetch', 'flight', 'missing', 'ready', 'executing', 'memory', 'error'] as const;
/** A worker task's state name. */
export type WorkerTaskState = (typeof WORKER_STATES)[number];

export const RELEASED = 0;
export const WAITING = 1;
export const FETCH = 2;
export const FLIGHT = 3;
export const MISSING = 4;
export const READY = 5;
export const EXECUTING = 6;
export const MEMORY = 7;
export const ERROR = 8;

/** Number of worker task states (the side of the table). */
export const WORKER_STATE_COUNT = WORKER_STATES.length;

/** The legal moves, as (from, to) state names. */
export const WORKER_LEGAL_TRANSITIONS: readonly (readonly [WorkerTaskState, WorkerTaskState])[] = [
  ['released', 'waiting'],
  ['released', 'ready'],
  ['released', 'fetch'],
  ['waiting', 'ready'],
  ['fetch', 'flight'],
  ['fetch', 'missing'],
  ['flight', 'memory'],
  ['flight', 'fetch'],
  ['flight', 'missing'],
  ['missing', 'fetch'],
  ['ready', 'executing'],
  ['executing', 'memory'],
  ['executing', 'error'],
  ['released', 'memory'],
  ['waiting', 'released'],
  ['fetch', 'released'],
  ['flight', 'released'],
  ['missing', 'released'],
  ['ready', 'released'],
  ['executing', 'released'],
  ['memory', 'released'],
  ['error', 'released'],
];

/** 1 where `from * WORKER_STATE_COUNT + to` is a legal move. */
export const WORKER_TRANSITION_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(WORKER_STATE_COUNT * WORKER_STATE_COUNT);
  for (const [from, to] of WORKER_LEGAL_TRANSITIONS) table[WORKER_STATES.indexOf(from) * WORKER_STATE_COUNT + WORKER_STATES.indexOf(to)] = 1;
  return table;
})();

/** Whether a worker task may move from state code `from` to `to`. */
export function isLegalWorkerTransition(from: number, to: number): boolean {
  return WORKER_TRANSITION_TABLE[from * WORKER_STATE_COUNT + to] === 1;
}
