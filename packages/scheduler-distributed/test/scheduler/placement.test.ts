/**
 * Placement on a hand-drawn DAG with 2 workers: each ready task goes to the worker that holds
 * most of its input bytes (worked out by hand below), ties go to the less occupied worker, and
 * inputs are freed once their last dependent finished.
 */
import { describe, expect, it } from 'vitest';
import { SchedulerState, type FreeKeys } from '@tsdask/scheduler-distributed';
import { dag, done, placed } from './harness.js';

describe('placement by input bytes', () => {
  it('sends each task where most of its input bytes are', () => {
    //   a   b   e
    //    \ /    |
    //     c     f
    //     |
    //     d
    const g = dag({ a: [], b: [], e: [], c: ['a', 'b'], d: ['c'], f: ['e'] });
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    const first = s.handle({ type: 'graph-submitted', graph: g, outputs: ['d', 'f'] });
    // root tasks in priority (id) order: a -> A (tie, first worker), b -> B (less occupied); limit ceil(1.1) = 2 each: e -> A.
    expect(placed(first)).toEqual({ a: 'A', b: 'B', e: 'A' });
    expect(s.validate()).toEqual([]);

    expect(placed(s.handle({ type: 'task-finished', key: 'a', worker: 'A', nbytes: 100 }))).toEqual({});
    // b is on B with 300 bytes: c would fetch 300 on A, 100 on B -> B.
    const afterB = s.handle({ type: 'task-finished', key: 'b', worker: 'B', nbytes: 300 });
    expect(placed(afterB)).toEqual({ c: 'B' });
    const c = afterB.find((i) => i.type === 'compute-task');
    expect(c).toMatchObject({ whoHas: { a: ['A'], b: ['B'] } });
    // e on A (10 bytes): f fetches nothing on A -> A.
    expect(placed(s.handle({ type: 'task-finished', key: 'e', worker: 'A', nbytes: 10 }))).toEqual({ f: 'A' });
    // c finished: a and b are freed where they are; d follows c to B.
    const afterC = s.handle({ type: 'task-finished', key: 'c', worker: 'B', nbytes: 50 });
    expect(placed(afterC)).toEqual({ d: 'B' });
    const freed = afterC.filter((i): i is FreeKeys => i.type === 'free-keys').sort((x, y) => x.worker.localeCompare(y.worker));
    expect(freed).toEqual([
      { type: 'free-keys', worker: 'A', keys: ['a'] },
      { type: 'free-keys', worker: 'B', keys: ['b'] },
    ]);
    expect(s.stateOf('a')).toBe('released');
    expect(done(s.handle({ type: 'task-finished', key: 'd', worker: 'B', nbytes: 8 }))).toEqual(['d']);
    expect(done(s.handle({ type: 'task-finished', key: 'f', worker: 'A', nbytes: 8 }))).toEqual(['f']);
    expect(s.validate()).toEqual([]);
    expect(s.workers.get('B')!.has).toEqual(new Map([['d', 8]]));
  });

  it('breaks a tie of bytes by occupancy', () => {
    // x on A and y on B with equal bytes: z costs 10 either way; A runs two more tasks, so z goes to B.
    const g = dag({ x: [], y: [], z: ['x', 'y'], p: ['x'], q: ['x'] });
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 2 });
    expect(placed(s.handle({ type: 'graph-submitted', graph: g, outputs: ['z', 'p', 'q'] }))).toEqual({ x: 'A', y: 'B' });
    // x done on A: p and q read only x, so both go to A (0 bytes to fetch there).
    expect(placed(s.handle({ type: 'task-finished', key: 'x', worker: 'A', nbytes: 10 }))).toEqual({ p: 'A', q: 'A' });
    expect(placed(s.handle({ type: 'task-finished', key: 'y', worker: 'B', nbytes: 10 }))).toEqual({ z: 'B' });
    expect(s.validate()).toEqual([]);
  });
});
