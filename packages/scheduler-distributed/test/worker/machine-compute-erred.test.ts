/**
 * A compute-task for a key the worker holds as erred (issue 14). The scheduler sends no
 * free-keys for an erred task when it releases it (scheduler/state/release.ts), so the worker
 * keeps the key in error; when the client submits the same key again (it retries after fixing
 * what the op reads), the scheduler places it, often on the same worker, and waits for its
 * task-finished or task-erred. Before the fix the worker ignored the compute-task ("erred: the
 * scheduler decides"): the key stayed processing on an idle worker forever. Now it is a new
 * attempt: computed again as asked.
 */
import { expect, it } from 'vitest';
import { SchedulerState, WorkerStateMachine } from '@tsdask/scheduler-distributed';
import { dag, placed } from '../scheduler/harness.js';
import { brief, drive, toWorker } from './drive.js';

it('computes again a key it holds as erred when the client submits it again', () => {
  const s = new SchedulerState();
  s.handle({ type: 'worker-added', worker: 'W', nthreads: 1 });
  const w = new WorkerStateMachine({ nthreads: 1 });
  const first = s.handle({ type: 'graph-submitted', graph: dag({ t: [] }), outputs: ['t'] });
  expect(placed(first)).toEqual({ t: 'W' });
  expect(brief(drive(w, ...toWorker(first, 'W', 'c-1')))).toEqual(['execute t']);
  const boom = new Error('no such file: input.csv');
  expect(brief(drive(w, { type: 'execute-failure', stimulusId: 'e-1', key: 't', error: boom }))).toEqual(['task-erred t']);
  expect(s.handle({ type: 'task-erred', key: 't', worker: 'W', error: boom }).map((i) => i.type)).toEqual(['task-erred']);
  // The client lets it go: the scheduler forgets t and tells W nothing, so W still holds t as erred.
  const released = s.handle({ type: 'release-keys', keys: ['t'] });
  expect(s.stateOf('t')).toBe('forgotten');
  expect(toWorker(released, 'W', 'rel')).toEqual([]);
  expect(w.stateOf('t')).toBe('error');

  // The client fixed the input and submits t again: W must run it, not ignore it.
  const again = s.handle({ type: 'graph-submitted', graph: dag({ t: [] }), outputs: ['t'] });
  expect(placed(again)).toEqual({ t: 'W' });
  expect(brief(drive(w, ...toWorker(again, 'W', 'c-2')))).toEqual(['execute t']);
  expect(w.story('t').map((l) => `${l.from}->${l.to}`)).toEqual([
    'released->ready',
    'ready->executing',
    'executing->error',
    'error->released',
    'released->ready',
    'ready->executing',
  ]);
  expect(brief(drive(w, { type: 'execute-success', stimulusId: 'e-2', key: 't', nbytes: 8 }))).toEqual(['task-finished t']);
  expect(s.handle({ type: 'task-finished', key: 't', worker: 'W', nbytes: 8 }).filter((i) => i.type === 'task-done')).toEqual([
    { type: 'task-done', key: 't', nbytes: 8 },
  ]);
  expect(s.validate()).toEqual([]);
});

it('fetches the inputs of an erred key asked again, and reports a second failure again', () => {
  const w = new WorkerStateMachine({ nthreads: 1 });
  drive(w, { type: 'compute-task', stimulusId: 'c-1', key: 'd', op: 'op-d', priority: 0, inputs: [] });
  drive(w, { type: 'execute-failure', stimulusId: 'e-1', key: 'd', error: new Error('first') });
  expect(w.stateOf('d')).toBe('error');
  // Asked again with an input held by a peer: d waits for it, then runs.
  expect(brief(drive(w, { type: 'compute-task', stimulusId: 'c-2', key: 'd', op: 'op-d2', priority: 0, inputs: [{ key: 'x', whoHas: ['P'] }] }))).toEqual([
    'gather-dep x',
  ]);
  expect([w.stateOf('d'), w.stateOf('x')]).toEqual(['waiting', 'flight']);
  const ran = drive(w, { type: 'gather-dep-success', stimulusId: 'g', transferId: 0, received: [{ key: 'x', nbytes: 4 }] });
  expect(ran).toContainEqual({ type: 'execute', stimulusId: 'g', key: 'd', op: 'op-d2' });
  // It fails again: the scheduler hears it again (with the new error), and x, fetched only for d, is released.
  const second = new Error('second');
  expect(drive(w, { type: 'execute-failure', stimulusId: 'e-2', key: 'd', error: second })).toEqual([
    { type: 'task-erred', stimulusId: 'e-2', key: 'd', error: second },
    { type: 'release-data', stimulusId: 'e-2', key: 'x' },
  ]);
  expect([w.stateOf('d'), w.stateOf('x')]).toEqual(['error', undefined]);
});
