/**
 * describeSchedulerSpec: the conformance suite every scheduler passes (sync, threads, and the
 * distributed client later), as Dask's GetFunctionTestMixin. Every expected value is worked
 * out independently in the test (closed forms, plain loops).
 */
import { describe, expect, it } from 'vitest';
import { addCallbacks, compute, delayed, op, TASK_STATES, TaskError, type ComputeOptions, type DelayedFunction, type TaskEvent, type TaskEventBatch } from '@tsdask/core-graph';

const FIXTURES = new URL('../../packages/scheduler-local/test/fixtures/ops.mjs', import.meta.url).href;

function treeSum<T>(xs: T[], add: (a: T, b: T) => T): T {
  let level = xs;
  while (level.length > 1) {
    const next: T[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? add(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

export function describeSchedulerSpec(scheduler: string, extra: ComputeOptions = {}): void {
  const opts: ComputeOptions = { scheduler, ...extra };
  const inc = delayed((x: number) => x + 1, { name: 'inc' });
  const add = delayed((a: number, b: number) => a + b, { name: 'add' });

  describe(`scheduler conformance: ${scheduler}`, () => {
    it('computes a fan-out and tree sum', async () => {
      for (const n of [1, 2, 7, 1000, 5000]) {
        const total = treeSum(Array.from({ length: n }, (_, i) => inc(i)), add);
        expect(await total.compute(opts)).toBe((n * (n - 1)) / 2 + n);
      }
    });

    it('computes several outputs on one graph, shared parts once', async () => {
      const base = inc(10);
      const a = add(base, 1);
      const b = add(base, base);
      expect(await compute(a, b, base, 'x', opts)).toEqual([12, 22, 11, 'x']);
    });

    it('passes literals, arrays and objects through tasks', async () => {
      const f = delayed((o: { xs: number[]; s: string; n: null; nested: { t: boolean } }) => `${o.s}:${o.xs.join('+')}:${o.n}:${o.nested.t}`);
      expect(await f({ xs: [inc(1), 5, inc(2)], s: 'ok', n: null, nested: { t: true } }).compute(opts)).toBe('ok:2+5+3:null:true');
      expect(await delayed(-0).compute(opts)).toBe(-0);
      const special = delayed((v: number[]) => v.map((x) => x * 2))([NaN, Infinity, 1]);
      expect(await special.compute(opts)).toEqual([NaN, Infinity, 2]);
    });

    it('returns typed arrays intact', async () => {
      const make = delayed((n: number) => Float64Array.from({ length: n }, (_, i) => i * 0.5));
      const scaled = delayed(op(FIXTURES, 'scale'))(make(1000), 4);
      const out = (await scaled.compute(opts)) as Float64Array;
      expect(out).toBeInstanceOf(Float64Array);
      expect(out.length).toBe(1000);
      for (let i = 0; i < 1000; i++) expect(out[i]).toBe(i * 2);
    });

    it('runs module ops named with op(url, export)', async () => {
      const sq = delayed(op(FIXTURES, 'square')) as DelayedFunction<(x: number) => number>;
      expect(await add(sq(3), sq(inc(3))).compute(opts)).toBe(25);
    });

    it('reports a thrown error as TaskError with the key and the original stack', async () => {
      const bad = delayed(
        (x: number) => {
          if (x === 3) throw new RangeError(`value ${x} is out of range`);
          return x;
        },
        { name: 'checked' },
      );
      const parts = [1, 2, 3, 4].map((i) => bad(i));
      const total = treeSum(parts, add);
      const err = await total.compute(opts).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TaskError);
      const te = err as TaskError;
      expect(te.key).toBe(parts[2]!.key);
      expect(te.message).toContain('value 3 is out of range');
      const cause = te.cause as RangeError;
      expect(cause).toBeInstanceOf(RangeError);
      expect(cause.stack).toContain('value 3 is out of range');
      expect(cause.stack).toMatch(/\bat\b/);
      // The scheduler is usable afterwards.
      expect(await add(inc(1), 1).compute(opts)).toBe(3);
    });

    it('emits every task reaching memory exactly once, with groups and a start and finish', async () => {
      const leaves = Array.from({ length: 300 }, (_, i) => inc(i));
      const total = treeSum(leaves, add);
      const seen = new Map<string, number>();
      const states = new Set<string>();
      let started = 0;
      let finished = false;
      let groups: ReadonlyMap<string, number> | undefined;
      // The columnar form, read by a second subscriber: the same rows as the objects, in order.
      const rows: string[] = [];
      const objectRows: string[] = [];
      const batchMemory = new Map<string, number>();
      let badRows = 0;
      const offBatch = addCallbacks({
        taskBatch(b: TaskEventBatch) {
          for (let i = 0; i < b.length; i++) {
            const t = b.task[i]!;
            const key = b.keys[t]!;
            const group = b.groups[b.groupOf[t]!]!;
            const state = TASK_STATES[b.state[i]!]!;
            const w = b.worker[i]!;
            if (!key.startsWith(`${group}-`) || (w >= 0 && b.workers[w] === undefined)) badRows++;
            if (state === 'memory' && !(b.start[i]! <= b.stop[i]!)) badRows++;
            if (state === 'memory') batchMemory.set(key, (batchMemory.get(key) ?? 0) + 1);
            rows.push(`${key} ${state}`);
          }
        },
      });
      const off = addCallbacks({
        start(info) {
          started = info.ntasks;
          groups = info.groups;
        },
        tasks(events: readonly TaskEvent[]) {
          for (const e of events) {
            states.add(e.state);
            objectRows.push(`${e.key} ${e.state}`);
            if (e.state === 'memory') seen.set(e.key, (seen.get(e.key) ?? 0) + 1);
          }
        },
        finish(info) {
          finished = info.ok;
        },
      });
      try {
        expect(await total.compute(opts)).toBe((300 * 299) / 2 + 300);
      } finally {
        off();
        offBatch();
      }
      expect(started).toBe(599);
      expect(badRows).toBe(0);
      expect(rows).toEqual(objectRows);
      expect(batchMemory.size).toBe(599);
      expect([...batchMemory.values()].every((c) => c === 1)).toBe(true);
      expect(groups?.get('inc')).toBe(300);
      expect(groups?.get('add')).toBe(299);
      expect(seen.size).toBe(599);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
      for (const s of ['running', 'memory', 'released']) expect(states.has(s)).toBe(true);
      expect(finished).toBe(true);
    });
  });
}
