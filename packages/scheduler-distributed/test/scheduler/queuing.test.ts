/**
 * Root-task queuing (Dask's worker-saturation): 100 root tasks on 2 workers of 2 threads are
 * handed out only while a worker has fewer than ceil(1.1 * 2) = 3 processing; the rest wait
 * in 'queued' and go out, lowest priority first, as slots free up.
 */
import { describe, expect, it } from 'vitest';
import { SchedulerState } from '@tsdask/scheduler-distributed';
import { computes, dag, done } from './harness.js';

describe('root task queuing', () => {
  it('keeps at most ceil(1.1 * nthreads) root tasks processing per worker', () => {
    const drawn: Record<string, string[]> = {};
    for (let i = 0; i < 100; i++) drawn[`r-${i}`] = [];
    const keys = Object.keys(drawn);
    // priorities reversed: r-99 runs first
    const priorities = Int32Array.from(keys, (_, i) => 99 - i);
    const s = new SchedulerState({ rootSlack: 0 });
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 2 });
    const running: { key: string; worker: string }[] = [];
    const sent: string[] = [];
    const first = s.handle({ type: 'graph-submitted', graph: dag(drawn), outputs: keys, priorities });
    for (const c of computes(first)) running.push(c);
    sent.push(...computes(first).map((c) => c.key));
    expect(running.length).toBe(6);
    expect(keys.filter((k) => s.stateOf(k) === 'queued').length).toBe(94);
    const delivered: string[] = [];
    while (running.length > 0) {
      for (const w of ['A', 'B']) expect(s.workers.get(w)!.processing.size).toBeLessThanOrEqual(3);
      // finish the oldest on alternating workers
      const next = running.shift()!;
      const out = s.handle({ type: 'task-finished', key: next.key, worker: next.worker, nbytes: 1 });
      delivered.push(...done(out));
      for (const c of computes(out)) running.push(c);
      sent.push(...computes(out).map((c) => c.key));
      expect(s.validate()).toEqual([]);
    }
    // every task went out once, in priority order (r-99 first), and came back once
    expect(sent).toEqual(keys.slice().reverse());
    expect(delivered.slice().sort()).toEqual(keys.slice().sort());
    expect(keys.every((k) => s.stateOf(k) === 'memory')).toBe(true);
  });

  it('queues every ready task while no worker is connected, and hands them out when one joins', () => {
    const s = new SchedulerState({ rootSlack: 0 });
    const out = s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: [], c: ['a'] }), outputs: ['b', 'c'] });
    expect(computes(out)).toEqual([]);
    expect([s.stateOf('a'), s.stateOf('b'), s.stateOf('c')]).toEqual(['queued', 'queued', 'waiting']);
    const joined = s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    // limit ceil(1.1 * 1) = 2: both roots go out
    expect(computes(joined).map((c) => c.key)).toEqual(['a', 'b']);
    expect(s.validate()).toEqual([]);
  });

  it('lets a worker run rootSlack root tasks beyond ceil(1.1 * nthreads), to cover the round trip', () => {
    const drawn: Record<string, string[]> = {};
    for (let i = 0; i < 40; i++) drawn[`r-${i}`] = [];
    const keys = Object.keys(drawn);
    for (const [slack, nthreads, per] of [
      [4, 1, 2 + 4],
      [4, 2, 3 + 4],
      [0, 8, 9],
    ] as const) {
      const s = new SchedulerState({ rootSlack: slack });
      s.handle({ type: 'worker-added', worker: 'A', nthreads });
      s.handle({ type: 'worker-added', worker: 'B', nthreads });
      const sent = computes(s.handle({ type: 'graph-submitted', graph: dag(drawn), outputs: keys }));
      expect(sent.length, `slack ${slack}, ${nthreads} threads`).toBe(2 * per);
      expect(s.workers.get('A')!.processing.size).toBe(per);
      expect(s.validate()).toEqual([]);
    }
  });

  it('raises the slack to twice the slots a worker reports (its executor queues tiny tasks deeper), and only for that worker', () => {
    const drawn: Record<string, string[]> = {};
    for (let i = 0; i < 200; i++) drawn[`r-${i}`] = [];
    const keys = Object.keys(drawn);
    const s = new SchedulerState({ rootSlack: 8 });
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    const first = computes(s.handle({ type: 'graph-submitted', graph: dag(drawn), outputs: keys }));
    expect(first.length).toBe(2 * (2 + 8)); // ceil(1.1) + 8 each
    // A reports 3 slots: 2 * 3 = 6 < 8, nothing changes; then 40: 2 + 80 = 82 for A, B stays at 10.
    expect(computes(s.handle({ type: 'worker-slots', worker: 'A', slots: 3 }))).toEqual([]);
    const more = computes(s.handle({ type: 'worker-slots', worker: 'A', slots: 40 }));
    expect(more.every((c) => c.worker === 'A')).toBe(true);
    expect(s.workers.get('A')!.processing.size).toBe(2 + 80);
    expect(s.workers.get('B')!.processing.size).toBe(10);
    // Slots for an unknown worker are ignored.
    expect(computes(s.handle({ type: 'worker-slots', worker: 'nobody', slots: 99 }))).toEqual([]);
    expect(s.validate()).toEqual([]);
  });
});
