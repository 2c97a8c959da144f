/**
 * The scheduler's adaptive target (scheduler/adaptive.ts), on the pure machine with numbers
 * worked out by hand: 40 root tasks of an unseen prefix count 0.5 s each (Dask's unknown-task
 * duration), so 20 s of work over a 5 s target asks for 4 workers; once 2 s per task has been
 * measured for that prefix, 40 x 2 / 5 = 16; never more workers than tasks; results past 60% of
 * the memory limits ask for twice the workers; idle workers with the fewest bytes are named to
 * close, keeping one while results are held.
 */
import { describe, expect, it } from 'vitest';
import { SchedulerState } from '../../src/scheduler/state/scheduler-state.js';
import { adaptiveTarget, keyPrefix, TaskDurations, UNKNOWN_TASK_DURATION_S } from '../../src/scheduler/adaptive.js';
import { PROCESSING, QUEUED } from '../../src/scheduler/state/task-states.js';
import { computes, dag } from './harness.js';

const roots = (n: number, name = 'inc'): Record<string, string[]> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${name}-abc123,${i}`, []]));

describe('adaptiveTarget', () => {
  it('asks for the expected seconds of queued and processing work over the target duration', () => {
    expect(keyPrefix('inc-abc123,7')).toBe('inc');
    expect(keyPrefix('lambda-4213dd56')).toBe('lambda');
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    const drawn = roots(40);
    s.handle({ type: 'graph-submitted', graph: dag(drawn), outputs: Object.keys(drawn) });
    const workers = [{ name: 'A', memoryLimit: 0 }];
    const d = new TaskDurations();
    expect(UNKNOWN_TASK_DURATION_S).toBe(0.5);
    expect(adaptiveTarget(s, workers, d, 5)).toEqual({ target: Math.ceil((40 * 0.5) / 5), close: [] });
    d.record('inc-zzz,0', 1);
    d.record('inc-zzz,1', 3);
    expect(adaptiveTarget(s, workers, d, 5)).toEqual({ target: (40 * 2) / 5, close: [] });
    expect(adaptiveTarget(s, workers, d, 0.01).target).toBe(40); // one worker per task at most
  });

  it('reads a sample, not every task: 50,000 queued tasks of one measured prefix give the exact target, and the counts match a walk', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    const drawn = roots(50_000);
    s.handle({ type: 'graph-submitted', graph: dag(drawn), outputs: Object.keys(drawn) });
    const d = new TaskDurations();
    d.record('inc-zzz,0', 0.0625);
    // Each of the 50,000 (queued or processing) counts 1/16 s: 3125 s over a 5 s target is 625 workers.
    expect(adaptiveTarget(s, [{ name: 'A', memoryLimit: 0 }], d, 5).target).toBe(625);
    let queued = 0;
    let processing = 0;
    for (const t of s.tasks.values()) {
      if (t.state === QUEUED) queued++;
      if (t.state === PROCESSING) processing++;
    }
    expect(queued + processing).toBe(50_000);
    expect([s.countIn(QUEUED), s.countIn(PROCESSING)]).toEqual([queued, processing]);
    expect(s.validate()).toEqual([]);
  });

  it('names idle workers with the fewest bytes to close, keeping one while results are held; memory pressure doubles', () => {
    const s = new SchedulerState();
    for (const w of ['A', 'B', 'C']) s.handle({ type: 'worker-added', worker: w, nthreads: 1 });
    const drawn = roots(3, 'x');
    const out = s.handle({ type: 'graph-submitted', graph: dag(drawn), outputs: Object.keys(drawn) });
    const sizes: Record<string, number> = { A: 300, B: 100, C: 200 };
    for (const c of computes(out)) s.handle({ type: 'task-finished', key: c.key, worker: c.worker, nbytes: sizes[c.worker]! });
    const workers = ['A', 'B', 'C'].map((name) => ({ name, memoryLimit: 0 }));
    const d = new TaskDurations();
    // Nothing to run: target 0, but one worker stays for the held results; the two with the fewest bytes go (B then C).
    expect(adaptiveTarget(s, workers, d, 5)).toEqual({ target: 1, close: ['B', 'C'] });
    // 600 bytes held of 3 x 1000 limit: 20%, no pressure; of 3 x 300: 67% > 60%, twice the workers.
    expect(
      adaptiveTarget(
        s,
        workers.map((w) => ({ ...w, memoryLimit: 1000 })),
        d,
        5,
      ).target,
    ).toBe(1);
    expect(
      adaptiveTarget(
        s,
        workers.map((w) => ({ ...w, memoryLimit: 300 })),
        d,
        5,
      ),
    ).toEqual({ target: 6, close: [] });
  });
});
