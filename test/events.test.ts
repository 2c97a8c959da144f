/**
 * The typed event stream from a real compute: one `event(e)` subscriber receives every kind the
 * local 'threads' scheduler emits (start, task batches, running, memory, spill, unspill, finish),
 * each payload as its type says, and the result is still right. (spill-failed has its own test
 * in test/faults/spill.test.ts; worker-memory comes from cluster schedulers.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { delayed, TASK_STATES, type SchedulerEvent, type SchedulerEventType } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';

afterAll(() => closePool());

/** Float64 values per part: 1 MB each. */
const N = 125_000;
const PARTS = 8;
/** 4 MB: eight 1 MB parts cannot all stay in memory, so some spill and are read back. */
const LIMIT = 4_000_000;

describe('the event stream', () => {
  it('sends every kind to one typed subscriber during a real compute', async () => {
    const make = delayed((n: number, v: number) => new Float64Array(n).fill(v), { name: 'make' });
    // Spins long enough (400 ms) for the 100 ms 'running' poll to see it, then sums its inputs.
    const total = delayed(
      function total(...xs: Float64Array[]): number {
        const until = Date.now() + 400;
        while (Date.now() < until);
        let s = 0;
        for (const x of xs) for (let i = 0; i < x.length; i++) s += x[i] as number;
        return s;
      },
      { name: 'total' },
    );
    const parts = Array.from({ length: PARTS }, (_, i) => make(N, i));
    const events: SchedulerEvent[] = [];
    const kinds = new Set<SchedulerEventType>();
    let memoryStates = 0;
    let running = 0;
    const got = await total(...parts).compute({
      scheduler: 'threads',
      numWorkers: 2,
      memoryLimit: LIMIT,
      callbacks: [
        {
          event(e) {
            kinds.add(e.type);
            switch (e.type) {
              case 'task-batch':
                // The batch is reused after the call: read it now.
                for (let i = 0; i < e.batch.length; i++) if (TASK_STATES[e.batch.state[i]!] === 'memory') memoryStates++;
                break;
              case 'running':
                running += e.running.filter((r) => r.key.startsWith('total-')).length;
                break;
              default:
                events.push(e);
            }
          },
        },
      ],
    });
    // The sum worked out by hand: part i holds N copies of i.
    let expected = 0;
    for (let i = 0; i < PARTS; i++) expected += i * N;
    expect(got).toBe(expected);

    expect([...kinds].sort()).toEqual(['compute-finish', 'compute-start', 'memory', 'running', 'spill', 'task-batch', 'unspill']);
    const start = events.find((e) => e.type === 'compute-start');
    expect(start?.type === 'compute-start' && start.ntasks).toBe(PARTS + 1);
    expect(start?.type === 'compute-start' && [...start.groups.keys()].sort()).toEqual(['make', 'total']);
    // Every task reaches memory once.
    expect(memoryStates).toBe(PARTS + 1);
    expect(running).toBeGreaterThan(0);
    const spills = events.filter((e) => e.type === 'spill');
    for (const s of spills) {
      expect(s.type === 'spill' && s.key.startsWith('make-')).toBe(true);
      // A part's 1 MB of values, plus the few bytes of the spill codec's header.
      const bytes = s.type === 'spill' ? s.bytes : 0;
      expect(bytes).toBeGreaterThanOrEqual(N * 8);
      expect(bytes).toBeLessThan(N * 8 + 4096);
    }
    const memory = events.filter((e) => e.type === 'memory');
    expect(memory.every((m) => m.type === 'memory' && m.limit === LIMIT && m.worker === 'scheduler')).toBe(true);
    const last = events.at(-1);
    expect(last?.type).toBe('compute-finish');
    expect(last?.type === 'compute-finish' && last.ok).toBe(true);
    expect(events.filter((e) => e.type === 'compute-finish')).toHaveLength(1);
  });
});
