/**
 * A compute-task for a key the worker holds as erred (issue 14). The scheduler frees an erred
 * key on the worker that reported it when the key leaves erred (scheduler-state.ts `#erredOn`,
 * distributed's `erred_on`), so a resubmitted key normally meets a worker that forgot it (first
 * test). Should the free-keys not arrive first (the worker machine cannot know why), the
 * compute-task is a new attempt, computed again as asked: before the issue 14 fix the worker
 * ignored it ("erred: the scheduler decides") and the key stayed processing on an idle worker
 * forever (second test).
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
  // The client lets it go: the scheduler forgets t and tells W to free it, but W has not heard yet.
  const released = s.handle({ type: 'release-keys', keys: ['t'] });
  expect(s.stateOf('t')).toBe('forgotten');
  expect(released).toEqual([{ type: 'free-keys', worker: 'W', keys: ['t'] }]);
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

it('forgets an erred key when the scheduler releases it, and computes it afresh when submitted again', () => {
  const s = new SchedulerState();
  s.handle({ type: 'worker-added', worker: 'W', nthreads: 1 });
  const w = new WorkerStateMachine({ nthreads: 1 });
  drive(w, ...toWorker(s.handle({ type: 'graph-submitted', graph: dag({ t: [] }), outputs: ['t'] }), 'W', 'c-1'));
  const boom = new Error('boom');
  drive(w, { type: 'execute-failure', stimulusId: 'e-1', key: 't', error: boom });
  s.handle({ type: 'task-erred', key: 't', worker: 'W', error: boom });
  drive(w, ...toWorker(s.handle({ type: 'release-keys', keys: ['t'] }), 'W', 'rel'));
  expect(w.stateOf('t')).toBe(undefined);
  expect(brief(drive(w, ...toWorker(s.handle({ type: 'graph-submitted', graph: dag({ t: [] }), outputs: ['t'] }), 'W', 'c-2')))).toEqual(['execute t']);
  expect(
    w
      .story('t')
      .map((l) => `${l.from}->${l.to}`)
      .slice(-2),
  ).toEqual(['released->ready', 'ready->executing']);
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
