/**
 * Work stealing in the scheduler's machine, driven by hand: an idle worker asks for the newest
 * task waiting on a busy one; the busy worker may give it up (it goes to the thief) or refuse
 * (it stays); a task that finishes, or a thief that leaves, before the answer is handled.
 * Expected instructions worked out from stealing.ts's policy.
 */
import { describe, expect, it } from 'vitest';
import { SchedulerState, type SchedulerInstruction, type StealRequest } from '@tsdask/scheduler-distributed';
import { computes, dag } from './harness.js';

const steals = (out: readonly SchedulerInstruction[]): StealRequest[] => out.filter((i): i is StealRequest => i.type === 'steal-request');

/** Worker A (1 thread) holds root `r`; six dependents of `r` all go to A (where their input is); then B (1 thread) joins idle. */
function loaded(): SchedulerState {
  const s = new SchedulerState();
  s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
  const drawn: Record<string, string[]> = { r: [] };
  for (let i = 0; i < 6; i++) drawn[`d${i}`] = ['r'];
  expect(computes(s.handle({ type: 'graph-submitted', graph: dag(drawn), outputs: Object.keys(drawn).slice(1) })).map((c) => c.key)).toEqual(['r']);
  const sent = computes(s.handle({ type: 'task-finished', key: 'r', worker: 'A', nbytes: 8 }));
  expect(sent.map((c) => [c.key, c.worker])).toEqual(Array.from({ length: 6 }, (_, i) => [`d${i}`, 'A']));
  s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
  expect(s.validate()).toEqual([]);
  return s;
}

describe('work stealing', () => {
  it('an idle worker asks for the newest waiting task; given up, it is sent to the thief with its inputs', () => {
    const s = loaded();
    const asked = steals(s.handle({ type: 'balance' }));
    expect(asked).toEqual([{ type: 'steal-request', worker: 'A', key: 'd5' }]);
    // Asked once: a second balance before the answer asks for nothing more (B's one slot is spoken for).
    expect(steals(s.handle({ type: 'balance' }))).toEqual([]);
    expect(s.validate()).toEqual([]);
    const moved = computes(s.handle({ type: 'steal-response', key: 'd5', worker: 'A', released: true }));
    expect(moved.map((c) => [c.key, c.worker, c.whoHas])).toEqual([['d5', 'B', { r: ['A'] }]]);
    expect(s.workers.get('A')!.processing.has('d5')).toBe(false);
    expect(s.workers.get('B')!.processing.has('d5')).toBe(true);
    expect(s.validate()).toEqual([]);
    // The thief's result counts as any other.
    expect(s.handle({ type: 'task-finished', key: 'd5', worker: 'B', nbytes: 8 }).some((i) => i.type === 'task-done' && i.key === 'd5')).toBe(true);
    expect(s.validate()).toEqual([]);
  });

  it('a refused steal leaves the task where it is; the next balance may ask again', () => {
    const s = loaded();
    expect(steals(s.handle({ type: 'balance' })).map((r) => r.key)).toEqual(['d5']);
    expect(computes(s.handle({ type: 'steal-response', key: 'd5', worker: 'A', released: false }))).toEqual([]);
    expect(s.workers.get('A')!.processing.has('d5')).toBe(true);
    expect(s.validate()).toEqual([]);
    expect(steals(s.handle({ type: 'balance' })).map((r) => r.key)).toEqual(['d5']);
  });

  it('a task finished before the answer stays finished; an answer about it is ignored', () => {
    const s = loaded();
    s.handle({ type: 'balance' });
    expect(s.handle({ type: 'task-finished', key: 'd5', worker: 'A', nbytes: 8 }).some((i) => i.type === 'task-done')).toBe(true);
    expect(s.handle({ type: 'steal-response', key: 'd5', worker: 'A', released: true })).toEqual([]);
    expect(s.stateOf('d5')).toBe('memory');
    expect(s.validate()).toEqual([]);
  });

  it('a thief that left before the answer: the released task is placed again (back on A, where its input is)', () => {
    const s = loaded();
    s.handle({ type: 'balance' });
    s.handle({ type: 'worker-removed', worker: 'B' });
    const again = computes(s.handle({ type: 'steal-response', key: 'd5', worker: 'A', released: true }));
    expect(again.map((c) => [c.key, c.worker])).toEqual([['d5', 'A']]);
    expect(s.validate()).toEqual([]);
  });

  it('steals nothing when no worker is idle, or when no worker has tasks waiting', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 2 });
    s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: [], c: [], d: [] }), outputs: ['a', 'b', 'c', 'd'] });
    expect(steals(s.handle({ type: 'balance' }))).toEqual([]);
  });
});
