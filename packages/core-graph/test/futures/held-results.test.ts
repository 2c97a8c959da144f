/**
 * Where results live: compute() leaves nothing held, persist() keeps its results until released
 * (explicitly or when the handle is garbage-collected), a persisted result is never computed
 * again, and a graph run on one scheduler can name results held by another.
 */
import { setImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { compute, computeGraph, delayed, getClient, getScheduler, graphOf, HeldKeys, NotHeldError, persist, release, TaskError } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';

afterAll(async () => {
  await closePool();
});

const sync = { scheduler: 'sync' } as const;
const held = async (name: string): Promise<ReadonlyMap<string, number>> => (await getScheduler(name)).heldKeys();

describe.each(['sync', 'threads'])('results held by %s', (scheduler) => {
  it('compute() leaves the store empty, after success and after failure', async () => {
    const add = delayed((a: number, b: number) => a + b);
    expect(await compute(add(1, 2), add(3, 4), { scheduler })).toEqual([3, 7]);
    expect((await held(scheduler)).size).toBe(0);
    const bad = delayed((x: number) => {
      if (x > 0) throw new Error('no');
      return x;
    });
    await expect(add(bad(1), 1).compute({ scheduler })).rejects.toBeInstanceOf(TaskError);
    expect((await held(scheduler)).size).toBe(0);
  });

  it('computeGraph() runs a task graph, gathers and keeps nothing', async () => {
    const add = delayed((a: number, b: number) => a + b);
    const { graph, outputs } = graphOf([add(add(1, 2), 3)]);
    expect(await computeGraph(await getScheduler(scheduler), graph, outputs)).toEqual([6]);
    expect((await held(scheduler)).size).toBe(0);
  });

  it('persist() keeps one handle per collection; releasing them empties the store', async () => {
    const mul = delayed((a: number, b: number) => a * b);
    const a = mul(6, 7);
    const b = mul(2, 3);
    const [pa, pb, other] = await persist(a, b, 'x', { scheduler });
    expect(other).toBe('x');
    expect(new Set((await held(scheduler)).keys())).toEqual(new Set([a.key, b.key]));
    pa.release();
    expect([...(await held(scheduler)).keys()]).toEqual([b.key]);
    expect(await pb.compute({ scheduler })).toBe(6);
    release(pb, pa); // once each: pa again changes nothing
    expect((await held(scheduler)).size).toBe(0);
    // A released result is no longer there for the graphs that name it.
    const err = await delayed((x: number) => x)(pa)
      .compute({ scheduler })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotHeldError);
    expect((err as NotHeldError).key).toBe(a.key);
    expect((await held(scheduler)).size).toBe(0);
  });
});

describe('persisted results', () => {
  it('are not recomputed by two later computes (calls counted on sync)', async () => {
    let calls = 0;
    const base = delayed((x: number) => {
      calls++;
      return x * 2;
    })(21);
    const [kept] = await persist(base, sync);
    expect(calls).toBe(1);
    const plus = delayed((x: number, y: number) => x + y);
    expect(await plus(kept, 1).compute(sync)).toBe(43);
    expect(await compute(plus(kept, 2), kept, sync)).toEqual([44, 42]);
    expect(calls).toBe(1);
    kept.release();
    expect((await held('sync')).size).toBe(0);
  });

  it('held by one scheduler are gathered and fed to a graph run on another', async () => {
    const [kept] = await persist(delayed((x: number) => x + 1)(41), { scheduler: 'threads' });
    const twice = delayed((x: number) => x * 2);
    expect(await twice(kept).compute(sync)).toBe(84);
    expect((await held('sync')).size).toBe(0);
    expect([...(await held('threads')).keys()]).toEqual([kept.key]);
    kept.release();
    expect((await held('threads')).size).toBe(0);
  });
});

describe('handles', () => {
  it('release once, however often release() is called', async () => {
    const s = await getScheduler('sync');
    s.scatter(new Map([['k-1', 1]]));
    s.scatter(new Map([['k-1', 1]]));
    const h = new HeldKeys(s, ['k-1']);
    h.release();
    h.release();
    expect(h.released).toBe(true);
    expect(s.heldKeys().get('k-1')).toBe(1);
    s.release(['k-1']);
    expect(s.heldKeys().size).toBe(0);
  });

  it('a future dropped without release() is released when garbage-collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const client = getClient(sync);
    await (async () => {
      const f = client.submit((x: number) => x + 1, 1);
      expect(await f.result()).toBe(2);
    })();
    expect((await held('sync')).size).toBe(1);
    for (let i = 0; i < 50 && (await held('sync')).size > 0; i++) {
      gc();
      await setImmediate();
    }
    expect((await held('sync')).size).toBe(0);
  });

  it('a future released while pending is freed once it is done', async () => {
    let open: () => void = () => {};
    const opened = new Promise<void>((r) => (open = r));
    const client = getClient(sync);
    const first = client.submit(async () => {
      await opened;
      return 1;
    });
    const reader = client.submit((x: number) => x + 1, first);
    await setImmediate(); // both runs have started
    expect((await held('sync')).get(first.key)).toBe(2); // its future's reference and the reader's run's
    first.release(); // the reader's graph still needs it
    open();
    expect(await reader.result()).toBe(2);
    reader.release();
    expect((await held('sync')).size).toBe(0);
  });

  it('a pending future released by its last holder has its run stopped', async () => {
    const never = new Promise<number>(() => {});
    const client = getClient(sync);
    const f = client.submit(() => never);
    await setImmediate();
    expect([...(await held('sync')).keys()]).toEqual([f.key]);
    f.release();
    // It leaves the store at the release, not when its stopped run ends.
    expect((await held('sync')).size).toBe(0);
    await f.settled;
    expect(f.status).toBe('cancelled');
    expect((await held('sync')).size).toBe(0);
  });
});
