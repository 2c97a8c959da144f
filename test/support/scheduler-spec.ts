/**
 * describeSchedulerSpec: the conformance suite every scheduler passes (sync, threads, and the
 * distributed client later), as Dask's GetFunctionTestMixin. Every expected value is worked
 * out independently in the test (closed forms, plain loops).
 *
 * The futures section runs Dask's futures API on the scheduler. Orders are made certain by
 * dependencies (a chain) or by a gate: a task that waits on a SharedArrayBuffer cell until the
 * test opens it (Atomics.waitAsync), which works in the calling thread and in worker threads
 * alike; nothing depends on how long anything takes. Each test releases what it holds, so the
 * scheduler's store is empty after each.
 */
import { describe, expect, it } from 'vitest';
import {
  addCallbacks,
  asCompleted,
  CancelledError,
  compute,
  delayed,
  getClient,
  getScheduler,
  op,
  persist,
  TASK_STATES,
  TaskError,
  wait,
  type ComputeOptions,
  type DelayedFunction,
  type Future,
  type TaskEvent,
  type TaskEventBatch,
} from '@tsdask/core-graph';

const FIXTURES = new URL('../../packages/scheduler-local/test/fixtures/ops.mjs', import.meta.url).href;

/** A cell a gated task waits on until the test opens it. */
function gate(): { cell: SharedArrayBuffer; open(): void } {
  const cell = new SharedArrayBuffer(4);
  return {
    cell,
    open() {
      const a = new Int32Array(cell);
      Atomics.store(a, 0, 1);
      Atomics.notify(a, 0);
    },
  };
}

/** Waits until the gate's cell is opened, then returns `x` (self-contained: it runs on workers too). */
async function gated<T>(cell: SharedArrayBuffer, x: T): Promise<T> {
  const a = new Int32Array(cell);
  const w = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> } }).waitAsync(a, 0, 0);
  if (w.async) await w.value;
  return x;
}

/** Counts its calls in a shared cell, then doubles `x` (self-contained). */
function countedDouble(counter: SharedArrayBuffer, x: number): number {
  Atomics.add(new Int32Array(counter), 0, 1);
  return x * 2;
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${String(v)}`);
    },
    (e: unknown) => e,
  );
}

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
        const total = treeSum(
          Array.from({ length: n }, (_, i) => inc(i)),
          add,
        );
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
  describe(`futures: ${scheduler}`, () => {
    const held = async (): Promise<ReadonlyMap<string, number>> => (await getScheduler(scheduler)).heldKeys();
    const releaseAll = (fs: Future[]): void => fs.forEach((f) => f.release());

    it('submit / result, map and gather', async () => {
      const client = getClient(opts);
      const a = client.submit((x: number) => x + 1, 41);
      expect(await a.result()).toBe(42);
      expect(a.status).toBe('finished');
      expect(a.done()).toBe(true);
      const sq = client.submit(op(FIXTURES, 'square'), 9);
      const many = client.map((x: number) => x * 3, [1, 2, 3, 4]);
      expect(await client.gather(many)).toEqual([3, 6, 9, 12]);
      expect(await client.gather(sq)).toBe(81);
      // Pure by default: the same function and arguments give the same key (computed once).
      const inc = (x: number): number => x + 1;
      const [p, q] = [client.submit(inc, 1), client.submit(inc, 1)];
      expect(p.key).toBe(q.key);
      const impure = client.submitWith({ pure: false }, inc, 1);
      expect(impure.key).not.toBe(p.key);
      expect(await impure.result()).toBe(2);
      expect((await held()).get(p.key)).toBe(2); // one reference per future
      releaseAll([a, sq, ...many, p, q, impure]);
      expect((await held()).size).toBe(0);
    });

    it('passes futures to later submits, to delayed calls and to compute, by key', async () => {
      const client = getClient(opts);
      const a = client.submit((x: number) => x * 10, 4);
      const b = client.submit((x: number, y: number) => x + y, a, 2);
      const c = client.submit((xs: number[], o: { k: number }) => xs[0]! + xs[1]! + o.k, [a, b], { k: b });
      expect(await c.result()).toBe(40 + 42 + 42);
      const viaDelayed = delayed((x: number, y: number) => x - y)(b, a);
      expect(await viaDelayed.compute(opts)).toBe(2);
      expect(await compute(viaDelayed, delayed((x: number) => x / 2)(a), opts)).toEqual([2, 20]);
      expect(await compute(a, viaDelayed, 'x', opts)).toEqual([40, 2, 'x']);
      releaseAll([a, b, c]);
      expect((await held()).size).toBe(0);
    });

    it('asCompleted yields in completion order (a chain finishes first to last)', async () => {
      const client = getClient(opts);
      const chain: Future<number>[] = [client.submit((x: number) => x, 0)];
      for (let i = 1; i < 6; i++) chain.push(client.submit((x: number) => x + 1, chain[i - 1]!));
      const seen: number[] = [];
      for await (const f of asCompleted([...chain].reverse())) seen.push(await f.result());
      expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
      releaseAll(chain);
      expect((await held()).size).toBe(0);
    });

    it('wait: FIRST_COMPLETED returns while a gated future is pending, ALL_COMPLETED once it is not', async () => {
      const client = getClient(opts);
      const g = gate();
      const quick = client.submit((x: number) => x, 1);
      await quick.result();
      const slow = client.submit(gated, g.cell, 'opened');
      const first = await wait([slow, quick], { returnWhen: 'FIRST_COMPLETED' });
      expect([...first.done]).toEqual([quick]);
      expect([...first.notDone]).toEqual([slow]);
      expect(slow.done()).toBe(false);
      g.open();
      const all = await wait([slow, quick]);
      expect(all.done.size).toBe(2);
      expect(all.notDone.size).toBe(0);
      expect(await slow.result()).toBe('opened');
      releaseAll([quick, slow]);
      expect((await held()).size).toBe(0);
    });

    it('cancel: a pending future and its dependents reject with CancelledError; the rest goes on', async () => {
      const client = getClient(opts);
      const g = gate();
      const blocked = client.submit(gated<number>, g.cell, 5);
      const dependent = client.submit((x: number) => x + 1, blocked);
      const grand = client.submit((x: number) => x * 2, dependent);
      blocked.cancel();
      for (const f of [blocked, dependent, grand]) {
        expect(await rejection(f.result())).toBeInstanceOf(CancelledError);
        expect(f.status).toBe('cancelled');
      }
      // Cancelling a dependent alone leaves what it reads running.
      const g2 = gate();
      const input = client.submit(gated<number>, g2.cell, 7);
      const reader = client.submit((x: number) => x + 1, input);
      reader.cancel();
      expect(await rejection(reader.result())).toBeInstanceOf(CancelledError);
      g2.open();
      expect(await input.result()).toBe(7);
      g.open();
      // The scheduler is usable afterwards.
      const after = client.submit((x: number) => x * 2, 21);
      expect(await after.result()).toBe(42);
      releaseAll([blocked, dependent, grand, input, reader, after]);
      expect((await held()).size).toBe(0);
    });

    it('errors: a failed future rejects with TaskError naming its key, and its dependents with the same error', async () => {
      const client = getClient(opts);
      const bad = client.submit((x: number) => {
        if (x > 2) throw new RangeError(`value ${x} is out of range`);
        return x;
      }, 3);
      const dependent = client.submit((x: number) => x + 1, bad);
      const err = await rejection(bad.result());
      expect(err).toBeInstanceOf(TaskError);
      expect((err as TaskError).key).toBe(bad.key);
      expect((err as TaskError).message).toContain('value 3 is out of range');
      expect(bad.status).toBe('error');
      expect(await rejection(dependent.result())).toBe(err);
      expect(dependent.status).toBe('error');
      // A delayed graph reading the failed future fails with it too.
      expect(await rejection(delayed((x: number) => x)(bad).compute(opts))).toBe(err);
      const ok = client.submit((x: number) => x + 1, 1);
      expect(await ok.result()).toBe(2);
      releaseAll([bad, dependent, ok]);
      expect((await held()).size).toBe(0);
    });

    it('persist, then two computes on it: the persisted part runs once; release empties the store', async () => {
      const counter = new SharedArrayBuffer(4);
      const calls = (): number => Atomics.load(new Int32Array(counter), 0);
      const doubled = delayed(countedDouble)(counter, 21);
      const [kept] = await persist(doubled, opts);
      expect(calls()).toBe(1);
      expect([...(await held()).keys()]).toEqual([doubled.key]);
      const plus = delayed((x: number, y: number) => x + y);
      expect(await plus(kept, 1).compute(opts)).toBe(43);
      expect(await compute(plus(kept, 2), kept, opts)).toEqual([44, 42]);
      expect(calls()).toBe(1);
      // compute() leaves nothing behind but the persisted result.
      expect([...(await held()).keys()]).toEqual([doubled.key]);
      kept.release();
      expect((await held()).size).toBe(0);
    });
  });
}
