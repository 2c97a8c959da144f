/**
 * One lazy scalar across collections: a dataframe Series reduction and an array's toDelayed()
 * are core-graph Delayed values, so they mix in delayed calls, compute(a, b) and persist().
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compute, delayed, Delayed } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import * as da from '@tsdask/array';
import type { NDChunk } from '@tsdask/array/kernels';
import { fromRecords } from '@tsdask/dataframe';

afterAll(async () => {
  await closePool();
});

const xs = [1, 2, 4, 8, 16];
const frame = () =>
  fromRecords(
    xs.map((x, i) => ({ x, y: i })),
    { npartitions: 2 },
  );
const arr = () => da.fromArray([1.5, 2.5, 3], { chunks: 2 });

describe.each(['sync', 'threads'] as const)('lazy scalars (%s)', (scheduler) => {
  it('a Series reduction and a 0-d array toDelayed() are Delayed arguments of a delayed call', async () => {
    const s = frame().col('x').sum();
    const t = arr().sum().toDelayed();
    expect(s).toBeInstanceOf(Delayed);
    expect(t).toBeInstanceOf(Delayed);
    const both = delayed((a: number, b: number) => a + b)(s, t as Delayed<number>);
    // 1 + 2 + 4 + 8 + 16 = 31 and 1.5 + 2.5 + 3 = 7, by hand
    expect(await both.compute({ scheduler })).toBe(38);
  });

  it('compute(a, b, ...) takes them with arrays and plain values', async () => {
    const x = arr();
    const out = await compute(frame().col('x').max(), frame().col('y').mean(), x.sum(), x.sum().toDelayed(), 'kept', { scheduler });
    expect(out).toEqual([16, 2, 7, 7, 'kept']);
  });

  it('persist() keeps a Series reduction as a Delayed that later calls read', async () => {
    const kept = await frame().col('x').count().persist({ scheduler });
    expect(kept).toBeInstanceOf(Delayed);
    expect(await delayed((n: number) => n * 10)(kept).compute({ scheduler })).toBe(50);
  });

  it('toDelayed() on an n-d array gives one Delayed per block, nested by position', async () => {
    const m = da.fromArray(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { chunks: [1, 2] },
    );
    const blocks = m.toDelayed() as Delayed<NDChunk>[][];
    expect(blocks.length).toBe(2);
    expect(blocks.map((r) => r.length)).toEqual([2, 2]);
    const got = (await compute(...blocks.flat(), { scheduler })) as NDChunk[];
    expect(got.map((c) => [...c.data])).toEqual([[1, 2], [3], [4, 5], [6]]);
    expect(got.map((c) => c.shape)).toEqual([
      [1, 2],
      [1, 1],
      [1, 2],
      [1, 1],
    ]);
    // a block goes back into an array through fromDelayed
    const back = da.fromDelayed(blocks[1]![0]!, [1, 2]);
    expect(((await back.compute({ scheduler })) as da.NDArray).toArray()).toEqual([[4, 5]]);
  });
});
