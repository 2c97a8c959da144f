/**
 * The distributed scheduler's invariants between stimuli, checked over its tasks and workers:
 * every processing task is on exactly one live worker, every memory key is held by at least
 * one live worker (and only memory keys are), waiting tasks count their missing dependencies
 * right (at least one), queued and processing tasks have all inputs in memory, the client's
 * wanted tasks are never released, dependency links go both ways, and the per-state counts the
 * state keeps (`countIn`) equal a walk. Returns the violations.
 */
import type { Key } from '@tsdask/core-graph';
import type { TaskRecord } from './task-record.js';
import { ERRED, FORGOTTEN, MEMORY, PROCESSING, QUEUED, RELEASED, STATE_COUNT, TASK_STATE_NAMES, WAITING } from './task-states.js';
import type { WorkerState } from './worker-state.js';

/** Checks the invariants; returns one line per violation. */
export function validateScheduler(
  tasks: ReadonlyMap<Key, TaskRecord>,
  workers: ReadonlyMap<string, WorkerState>,
  countIn?: (code: number) => number,
): string[] {
  const bad: string[] = [];
  if (countIn !== undefined) {
    const walked = new Float64Array(STATE_COUNT);
    for (const t of tasks.values()) walked[t.state]++;
    for (let code = 0; code < STATE_COUNT; code++)
      if (walked[code] !== countIn(code)) bad.push(`${TASK_STATE_NAMES[code]}: the state counts ${countIn(code)} tasks but ${walked[code]} are`);
  }
  const live = new Set(workers.values());
  for (const t of tasks.values()) {
    const name = TASK_STATE_NAMES[t.state];
    const k = t.key;
    if (t.state === FORGOTTEN) bad.push(`${k} is forgotten but still recorded`);
    if (t.state === PROCESSING) {
      const w = t.processingOn;
      if (w === undefined || !live.has(w)) bad.push(`${k} is processing on no live worker`);
      let on = 0;
      for (const x of live) if (x.processing.has(k)) on++;
      if (on !== 1) bad.push(`${k} is processing on ${on} workers, not 1`);
    } else if (t.processingOn !== undefined) bad.push(`${k} is ${name} but marked processing on ${t.processingOn.name}`);
    if (t.stealTo !== undefined && (t.state !== PROCESSING || t.stealTo === t.processingOn))
      bad.push(`${k} is ${name} and marked to be stolen by ${t.stealTo.name}, which only a task processing elsewhere may be`);
    if (t.state === MEMORY) {
      if (t.whoHas.size === 0) bad.push(`${k} is in memory on no worker`);
      for (const w of t.whoHas) if (!live.has(w) || !w.has.has(k)) bad.push(`${k} is said to be on ${w.name}, which does not hold it`);
    } else if (t.whoHas.size > 0) bad.push(`${k} is ${name} but held by ${t.whoHas.size} worker(s)`);
    const missing = t.deps.filter((d) => d.state !== MEMORY).length;
    if (t.state === WAITING && (missing === 0 || missing !== t.waitingOn)) bad.push(`${k} waits on ${t.waitingOn} inputs but ${missing} are not in memory`);
    if ((t.state === QUEUED || t.state === PROCESSING) && missing > 0) bad.push(`${k} is ${name} with ${missing} inputs not in memory`);
    if (t.wanted && t.state === RELEASED) bad.push(`${k} is wanted by the client but released`);
    if (t.state === ERRED && t.error === undefined) bad.push(`${k} is erred without an error`);
    for (const d of t.deps) {
      if (!d.dependents.has(t)) bad.push(`${k} reads ${d.key}, which does not list it as a dependent`);
      if (tasks.get(d.key) !== d) bad.push(`${k} reads ${d.key}, which is no longer recorded`);
    }
  }
  const steals = new Map<WorkerState, number>();
  for (const t of tasks.values()) if (t.stealTo !== undefined) steals.set(t.stealTo, (steals.get(t.stealTo) ?? 0) + 1);
  for (const w of live) {
    if (w.incomingSteals !== (steals.get(w) ?? 0))
      bad.push(`${w.name} counts ${w.incomingSteals} incoming steals, but ${steals.get(w) ?? 0} tasks are marked for it`);
    for (const k of w.processing) {
      const t = tasks.get(k);
      if (t === undefined || t.state !== PROCESSING || t.processingOn !== w)
        bad.push(`${w.name} lists ${k} as processing, but it is ${t === undefined ? 'unknown' : TASK_STATE_NAMES[t.state]}`);
    }
    let bytes = 0;
    for (const [k, n] of w.has) {
      bytes += n;
      const t = tasks.get(k);
      if (t === undefined || t.state !== MEMORY || !t.whoHas.has(w))
        bad.push(`${w.name} holds ${k}, which is ${t === undefined ? 'unknown' : TASK_STATE_NAMES[t.state]}`);
    }
    if (bytes !== w.nbytes) bad.push(`${w.name} counts ${w.nbytes} bytes but holds ${bytes}`);
  }
  return bad;
}
