/**
 * The invariants of the worker's state machine, checked by `WorkerStateMachine.validate()`
 * (tests call it after every step). Each broken invariant throws an Error that names the key
 * and what is wrong.
 */
import type { WorkerStateMachine } from './machine.js';
import type { WorkerTask } from './worker-task.js';
import { EXECUTING, FETCH, FLIGHT, MEMORY, MISSING, READY, RELEASED, WAITING, WORKER_STATE_COUNT, WORKER_STATES } from './task-states.js';

/** Throws on the first broken invariant of `m`. */
export function validateWorkerState(m: WorkerStateMachine): void {
  const fail = (t: WorkerTask | undefined, what: string): never => {
    throw new Error(`worker state invalid${t === undefined ? '' : ` at '${t.key}' (${WORKER_STATES[t.state]})`}: ${what}`);
  };
  let executing = 0;
  let ready = 0;
  let fetching = 0;
  for (const [key, t] of m.tasks) {
    if (key !== t.key) fail(t, `stored under '${key}'`);
    if (!(t.state >= 0 && t.state < WORKER_STATE_COUNT)) fail(t, `state code ${t.state} is not a state`);
    if (t.state === RELEASED) fail(t, 'a released task is still known (it should be forgotten)');
    for (const d of t.dependents) {
      if (!d.dependencies.has(t)) fail(t, `dependent '${d.key}' does not list it as a dependency`);
      if (d.state !== WAITING && d.state !== READY && d.state !== EXECUTING)
        fail(t, `dependent '${d.key}' is ${WORKER_STATES[d.state]}, not waiting, ready or executing`);
      if (m.tasks.get(d.key) !== d) fail(t, `dependent '${d.key}' is not known`);
    }
    for (const dep of t.dependencies) {
      if (!dep.dependents.has(t)) fail(t, `dependency '${dep.key}' does not list it as a dependent`);
      if (m.tasks.get(dep.key) !== dep) fail(t, `dependency '${dep.key}' is not known`);
      if (t.state === WAITING && (dep.state === MEMORY) === t.waitingFor.has(dep)) fail(t, `waitingFor is wrong about '${dep.key}'`);
      if (t.state === READY && dep.state !== MEMORY) fail(t, `ready but its input '${dep.key}' is ${WORKER_STATES[dep.state]}`);
    }
    if (t.state === WAITING && t.waitingFor.size === 0) fail(t, 'waiting with every input in memory');
    if (t.state === FETCH && t.whoHas.size === 0) fail(t, 'to fetch but no peer holds it');
    if (t.state === MISSING && t.whoHas.size > 0) fail(t, 'missing but a peer holds it');
    if (t.state === FLIGHT) {
      const tr = m.transfers.get(t.transferId);
      if (tr === undefined || !tr.tasks.includes(t)) fail(t, `in flight but not in transfer ${t.transferId}`);
    } else if (t.transferId !== -1) fail(t, `not in flight but has transfer ${t.transferId}`);
    if (t.releaseWhenDone && t.state !== FLIGHT && t.state !== EXECUTING) fail(t, 'marked to release when done but nothing is running');
    if (t.state === EXECUTING) executing++;
    if (t.state === READY) ready++;
    if (t.state === FETCH) fetching++;
    if ((t.state === READY) !== m.ready.has(t)) fail(t, 'the ready index disagrees');
    if ((t.state === FETCH) !== m.fetching.has(t)) fail(t, 'the fetch index disagrees');
  }
  if (executing !== m.executing) fail(undefined, `${executing} tasks executing but the count says ${m.executing}`);
  if (executing > m.nthreads + m.overSlots) fail(undefined, `${executing} tasks executing on ${m.nthreads} slots (${m.overSlots} over since they shrank)`);
  if (ready !== m.ready.size || fetching !== m.fetching.size) fail(undefined, 'the ready or fetch index holds tasks not known');
  if (m.transfers.size > m.limits.maxTransfers) fail(undefined, `${m.transfers.size} transfers in flight, over ${m.limits.maxTransfers}`);
  const perPeer = new Map<string, number>();
  for (const [id, tr] of m.transfers) {
    perPeer.set(tr.peer, (perPeer.get(tr.peer) ?? 0) + 1);
    for (const t of tr.tasks)
      if (t.state !== FLIGHT || t.transferId !== id) fail(t, `listed in transfer ${id} but not in flight on it (a key in memory is never also in flight)`);
  }
  for (const [peer, n] of perPeer) {
    if (m.transfersPerPeer.get(peer) !== n) fail(undefined, `peer '${peer}' has ${n} transfers but the count says ${m.transfersPerPeer.get(peer)}`);
    if (n > m.limits.maxTransfersPerPeer) fail(undefined, `peer '${peer}' has ${n} transfers, over ${m.limits.maxTransfersPerPeer}`);
  }
  if (perPeer.size !== m.transfersPerPeer.size) fail(undefined, 'the per-peer transfer counts list a peer with none in flight');
}
