/**
 * A stall found reading the chaos soak's hang (issue 14): the scheduler's and a worker's state
 * machines driven by hand, each instruction of one fed to the other. Worker W fetches input t
 * from H for its task d; H dies. The scheduler takes d back (free-keys) and, t being lost with
 * H, asks W to compute t (compute-task), which reaches W while t is still in flight from H. The
 * transfer then fails (H is gone). W must compute t itself: the scheduler has t processing on
 * W and waits for nothing else. Before the fix W kept t as "already on its way", then, the
 * transfer failed with no holder left, moved it to missing and sent missing-data, which the
 * scheduler ignores for a key not in memory: t processing on an idle W forever.
 */
import { expect, it } from 'vitest';
import { SchedulerState, WorkerStateMachine } from '@tsdask/scheduler-distributed';
import { dag, placed } from '../scheduler/harness.js';
import { brief, drive, toWorker } from './drive.js';

it('computes a task the scheduler asks of it while that key is in flight from a peer that then fails', () => {
  const s = new SchedulerState();
  s.handle({ type: 'worker-added', worker: 'H', nthreads: 1 });
  s.handle({ type: 'worker-added', worker: 'W', nthreads: 1 });
  expect(placed(s.handle({ type: 'graph-submitted', graph: dag({ t: [], u: [], d: ['t', 'u'] }), outputs: ['d'] }))).toEqual({ t: 'H', u: 'W' });
  const w = new WorkerStateMachine({ nthreads: 1 });
  // W computes u; H computes t (H's own machine is not needed: it only answers task-finished).
  drive(w, { type: 'compute-task', stimulusId: 'c-u', key: 'u', op: 'op-u', priority: 1, inputs: [] });
  expect(brief(drive(w, { type: 'execute-success', stimulusId: 'e-u', key: 'u', nbytes: 100 }))).toEqual(['task-finished u']);
  s.handle({ type: 'task-finished', key: 'u', worker: 'W', nbytes: 100 });
  const dOut = s.handle({ type: 'task-finished', key: 't', worker: 'H', nbytes: 1 });
  expect(placed(dOut)).toEqual({ d: 'W' }); // where most of its input bytes are
  // W starts d: u is here, t is fetched from H.
  expect(brief(drive(w, ...toWorker(dOut, 'W', 'c-d')))).toEqual(['gather-dep t']);
  expect(w.stateOf('t')).toBe('flight');

  // H dies: d is taken back from W, t (lost with H) is to be computed on W, the only worker left.
  const removed = s.handle({ type: 'worker-removed', worker: 'H', reason: 'killed' });
  expect(removed.filter((i) => i.type === 'free-keys' || i.type === 'compute-task').map((i) => `${i.type} ${i.worker}`)).toEqual([
    'free-keys W',
    'compute-task W',
  ]);
  expect(placed(removed)).toEqual({ t: 'W' });
  expect(s.stateOf('t')).toBe('processing');
  expect(drive(w, ...toWorker(removed, 'W', 'after-H'))).toEqual([]); // t is still in flight: nothing to do yet
  // The transfer from H fails: W computes t, as asked (no missing-data: the scheduler would ignore it).
  const failed = drive(w, {
    type: 'gather-dep-failure',
    stimulusId: 'f',
    transferId: 0,
    error: new Error('The worker at H closed the data connection before answering.'),
  });
  expect(brief(failed)).toEqual(['execute t']);
  expect(brief(drive(w, { type: 'execute-success', stimulusId: 'e-t', key: 't', nbytes: 1 }))).toEqual(['task-finished t']);
  // The scheduler hears t and sends d again; W runs it with both inputs here, and the client hears d.
  const again = s.handle({ type: 'task-finished', key: 't', worker: 'W', nbytes: 1 });
  expect(placed(again)).toEqual({ d: 'W' });
  expect(brief(drive(w, ...toWorker(again, 'W', 'c-d2')))).toEqual(['execute d']);
  expect(brief(drive(w, { type: 'execute-success', stimulusId: 'e-d', key: 'd', nbytes: 8 }))[0]).toBe('task-finished d');
  expect(s.handle({ type: 'task-finished', key: 'd', worker: 'W', nbytes: 8 }).filter((i) => i.type === 'task-done')).toEqual([
    { type: 'task-done', key: 'd', nbytes: 8 },
  ]);
  expect(s.validate()).toEqual([]);
});

it('still takes the transfer when it succeeds after the compute-task came, and reports it once', () => {
  const w = new WorkerStateMachine({ nthreads: 1 });
  drive(w, { type: 'compute-task', stimulusId: 'c-d', key: 'd', op: 'op-d', priority: 0, inputs: [{ key: 't', whoHas: ['H'] }] });
  drive(w, { type: 'free-keys', stimulusId: 'f', keys: ['d'] });
  expect(drive(w, { type: 'compute-task', stimulusId: 'c-t', key: 't', op: 'op-t', priority: 0, inputs: [] })).toEqual([]);
  expect(brief(drive(w, { type: 'gather-dep-success', stimulusId: 'g', transferId: 0, received: [{ key: 't', nbytes: 3 }] }))).toEqual(['task-finished t']);
  expect(w.stateOf('t')).toBe('memory');
  // A later transfer of t that fails (t fetched again after a release) does not compute it: nobody asked this time.
  drive(w, { type: 'free-keys', stimulusId: 'f2', keys: ['t'] });
  drive(w, { type: 'compute-task', stimulusId: 'c-e', key: 'e', op: 'op-e', priority: 0, inputs: [{ key: 't', whoHas: ['H'] }] });
  expect(w.stateOf('t')).toBe('flight');
  expect(brief(drive(w, { type: 'gather-dep-failure', stimulusId: 'f3', transferId: 1, error: new Error('reset') }))).toEqual(['missing-data t']);
});

it('does not compute a key in flight that the scheduler asked for and then freed, while a local task still reads it', () => {
  const w = new WorkerStateMachine({ nthreads: 1 });
  drive(w, { type: 'compute-task', stimulusId: 'c-d', key: 'd', op: 'op-d', priority: 0, inputs: [{ key: 't', whoHas: ['H'] }] });
  drive(w, { type: 'compute-task', stimulusId: 'c-t', key: 't', op: 'op-t', priority: 0, inputs: [] });
  drive(w, { type: 'free-keys', stimulusId: 'f', keys: ['t'] }); // computed elsewhere after all; d (still here) reads it
  expect(brief(drive(w, { type: 'gather-dep-failure', stimulusId: 'g', transferId: 0, error: new Error('reset') }))).toEqual(['missing-data t']);
  expect([w.stateOf('t'), w.stateOf('d')]).toEqual(['missing', 'waiting']);
});
