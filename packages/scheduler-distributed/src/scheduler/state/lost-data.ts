/**
 * What SchedulerState does when data goes away: a worker is removed (its processing tasks are
 * rescheduled, or err with KilledWorkerError after `allowedFailures`; keys only it held are
 * released and computed again if needed) or a worker reports missing-data (the holders it tried
 * are dropped; a key left with none is lost the same way; otherwise the reporter's tasks that
 * read it are sent again), or tasks are computed again where they are (a P2P shuffle restarts
 * without a lost worker). Functions over the machine's primitives (MachineOps), so the
 * machine's file keeps to the normal path. Pure.
 */
import { KilledWorkerError } from './errors.js';
import type { MissingData, SchedulerInstruction } from './messages.js';
import type { TaskRecord } from './task-record.js';
import { MEMORY, PROCESSING, QUEUED, RELEASED, WAITING } from './task-states.js';
import type { WorkerState } from './worker-state.js';

/** The machine's state and primitives that these functions use. */
export interface MachineOps {
  readonly tasks: Map<string, TaskRecord>;
  readonly workers: Map<string, WorkerState>;
  allowedFailures: number;
  emit(i: SchedulerInstruction): void;
  move(t: TaskRecord, to: number): void;
  unassign(t: TaskRecord): WorkerState | undefined;
  fail(t: TaskRecord, error: Error): void;
  need(t: TaskRecord): void;
  needed(t: TaskRecord): boolean;
  settle(ts: TaskRecord[]): void;
}

/** Takes queued or processing `d` back to released (its worker told to drop it) and adds it to `again`. */
function reevaluate(m: MachineOps, d: TaskRecord, again: TaskRecord[]): void {
  const on = m.unassign(d);
  if (on !== undefined) m.emit({ type: 'free-keys', worker: on.name, keys: [d.key] });
  m.move(d, RELEASED);
  again.push(d);
}

/** `lost` moved memory -> released: their waiting dependents wait once more, queued or processing ones are evaluated again. */
function lose(m: MachineOps, lost: readonly TaskRecord[], again: TaskRecord[]): void {
  for (const t of lost) {
    for (const d of t.dependents) {
      if (d.state === WAITING) d.waitingOn++;
      else if (d.state === QUEUED || d.state === PROCESSING) reevaluate(m, d, again);
    }
  }
}

/**
 * The worker `name` left or was lost; tasks in `notStarted` never reached it, so its death does
 * not count against them. Tasks in `restart` are computed again wherever they are (results
 * dropped from every holder, runs on other workers taken back), as if they were lost too.
 */
export function removeWorker(m: MachineOps, name: string, how = 'lost', notStarted: readonly string[] = [], restart: readonly string[] = []): void {
  const w = m.workers.get(name);
  if (w === undefined) return;
  m.workers.delete(name);
  const again: TaskRecord[] = [];
  for (const key of [...w.processing]) {
    const t = m.tasks.get(key)!;
    m.unassign(t);
    if (!notStarted.includes(key)) {
      t.suspicious = [...t.suspicious, name];
      t.suspiciousHow = [...t.suspiciousHow, how];
    }
    if (t.suspicious.length > m.allowedFailures) {
      m.fail(t, new KilledWorkerError(t.key, t.suspicious, t.suspiciousHow));
    } else {
      m.move(t, RELEASED);
      again.push(t);
    }
  }
  const lost: TaskRecord[] = [];
  for (const key of w.has.keys()) {
    const t = m.tasks.get(key)!;
    t.whoHas.delete(w);
    if (t.whoHas.size === 0 && t.state === MEMORY) {
      m.move(t, RELEASED);
      lost.push(t);
    }
  }
  w.has.clear();
  takeBack(m, restart, lost, again);
  lose(m, lost, again);
  for (const t of again) m.need(t);
  for (const t of lost) if (m.needed(t)) m.need(t);
  m.settle(lost);
}

/** Tasks in `keys` are computed again wherever they are: results dropped from every holder (to `lost`), runs taken back (to `again`). */
function takeBack(m: MachineOps, keys: readonly string[], lost: TaskRecord[], again: TaskRecord[]): void {
  for (const key of keys) {
    const t = m.tasks.get(key);
    if (t === undefined) continue;
    if (t.state === MEMORY) {
      for (const h of t.whoHas) {
        h.drop(key);
        m.emit({ type: 'free-keys', worker: h.name, keys: [key] });
      }
      t.whoHas.clear();
      m.move(t, RELEASED);
      lost.push(t);
    } else if (t.state === QUEUED || t.state === PROCESSING) reevaluate(m, t, again);
  }
}

/** Tasks in `keys` are computed again, no worker lost (a P2P shuffle restarts: shuffle/scheduler-runs.ts); as `restart` of removeWorker. */
export function restartTasks(m: MachineOps, keys: readonly string[]): void {
  const lost: TaskRecord[] = [];
  const again: TaskRecord[] = [];
  takeBack(m, keys, lost, again);
  lose(m, lost, again);
  for (const t of again) m.need(t);
  for (const t of lost) if (m.needed(t)) m.need(t);
  m.settle(lost);
}

/** A worker could fetch `s.key` from none of `s.tried`. */
export function missingData(m: MachineOps, s: MissingData): void {
  const t = m.tasks.get(s.key);
  const reporter = m.workers.get(s.worker);
  if (t === undefined || t.state !== MEMORY) return; // already lost, recomputing, or released
  for (const name of s.tried) {
    const h = m.workers.get(name);
    if (h === undefined || !t.whoHas.has(h)) continue;
    t.whoHas.delete(h);
    h.drop(t.key);
  }
  const again: TaskRecord[] = [];
  if (t.whoHas.size === 0) {
    m.move(t, RELEASED);
    lose(m, [t], again);
  } else if (reporter !== undefined) {
    // Holders are left: evaluate the reporter's tasks that read it again (compute-task names the holders).
    for (const d of t.dependents) if (d.state === PROCESSING && d.processingOn === reporter) reevaluate(m, d, again);
  }
  for (const d of again) m.need(d);
  if ((t.state as number) === RELEASED && m.needed(t)) m.need(t);
  m.settle([t]);
}
