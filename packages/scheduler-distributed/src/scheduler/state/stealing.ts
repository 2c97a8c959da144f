/**
 * Work stealing, as a transaction the busy worker can refuse (Dask's idea, without duration
 * estimates yet). On `balance`, each idle worker (fewer tasks processing than threads) asks for
 * tasks processing on the most loaded workers (more tasks than threads, so some wait there):
 * the newest first (the likeliest not to have started), skipping tasks whose inputs it would
 * have to fetch past STEAL_MAX_BYTES. The victim gets steal-request; the task stays processing
 * there, marked `stealTo`. On steal-response, a released task goes to the thief (or, if the
 * thief is gone, back through placement); a refused one stays. A task that finishes, errs or
 * is lost meanwhile loses its mark (unassign clears it) and a late answer is ignored. Pure.
 */
import type { StealResponse } from './messages.js';
import type { MachineOps } from './lost-data.js';
import type { TaskRecord } from './task-record.js';
import { PROCESSING, RELEASED } from './task-states.js';
import type { WorkerState } from './worker-state.js';

/** Inputs a thief would fetch for one stolen task, at most (bytes). */
export const STEAL_MAX_BYTES = 16 * 2 ** 20;

/** What stealing needs of the machine besides MachineOps. */
export interface StealOps extends MachineOps {
  /** Puts processing `t` on `w` (no state move) and sends it there. */
  assign(t: TaskRecord, w: WorkerState): void;
  /** Whether `t` must run where it was placed (never stolen). */
  pinned(t: TaskRecord): boolean;
}

/** Bytes of `t`'s inputs that `w` does not hold. */
function bytesToMove(t: TaskRecord, w: WorkerState): number {
  let n = 0;
  for (const d of t.deps) if (!d.whoHas.has(w)) n += d.nbytes;
  return n;
}

/** Asks loaded workers to give up waiting tasks to idle ones. */
export function balance(m: StealOps): void {
  const thieves: WorkerState[] = [];
  const victims: WorkerState[] = [];
  for (const w of m.workers.values()) {
    if (w.processing.size + w.incomingSteals < w.nthreads) thieves.push(w);
    else if (w.processing.size > w.nthreads) victims.push(w);
  }
  if (thieves.length === 0 || victims.length === 0) return;
  victims.sort((a, b) => b.processing.size / b.nthreads - a.processing.size / a.nthreads);
  for (const thief of thieves) {
    let room = thief.nthreads - thief.processing.size - thief.incomingSteals;
    for (const victim of victims) {
      // Leave the victim its own threads' worth; take at most half of what waits there.
      let surplus = Math.floor((victim.processing.size - victim.nthreads) / 2);
      const keys = [...victim.processing];
      for (let i = keys.length - 1; i >= 0 && room > 0 && surplus > 0; i--) {
        const t = m.tasks.get(keys[i]!)!;
        if (t.stealTo !== undefined || bytesToMove(t, thief) > STEAL_MAX_BYTES || m.pinned(t)) continue;
        t.stealTo = thief;
        thief.incomingSteals++;
        m.emit({ type: 'steal-request', worker: victim.name, key: t.key });
        room--;
        surplus--;
      }
      if (room === 0) break;
    }
  }
}

/** The victim answered a steal-request. */
export function stealResponse(m: StealOps, s: StealResponse): void {
  const t = m.tasks.get(s.key);
  if (t === undefined || t.state !== PROCESSING || t.processingOn?.name !== s.worker || t.stealTo === undefined) return; // finished or moved meanwhile
  const thief = t.stealTo;
  if (!s.released) {
    t.stealTo = undefined;
    thief.incomingSteals--;
    return;
  }
  m.unassign(t); // clears the mark
  if (m.workers.get(thief.name) === thief) return m.assign(t, thief);
  // The thief left meanwhile: place it afresh.
  m.move(t, RELEASED);
  m.need(t);
}
