import { describe, expect, it } from 'vitest';
import { compute } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { build, expectClose, SCHEDULERS } from './support.js';

describe('Array metadata and chunks', () => {
  it('exports the class as DaskArray, not as Array (which would shadow the global)', () => {
    expect(Object.keys(da)).not.toContain('Array');
    expect(da.zeros([3])).toBeInstanceOf(da.DaskArray);
  });

  it('normalises chunks: number, per-axis list, -1, explicit and auto', () => {
    expect(da.zeros([10, 7], { chunks: 4 }).chunks).toEqual([
      [4, 4, 2],
      [4, 3],
    ]);
    expect(da.zeros([10, 7], { chunks: [5, -1] }).chunks).toEqual([[5, 5], [7]]);
    expect(da.zeros([10, 7], { chunks: [[3, 7], [7]] }).chunks).toEqual([[3, 7], [7]]);
    expect(da.zeros([10, 7]).chunks).toEqual([[10], [7]]);
    const big = da.zeros([100000, 1000], { chunks: 'auto' });
    const per = big.chunks[0]![0]! * big.chunks[1]![0]! * 8;
    expect(per).toBeLessThanOrEqual(128 * 2 ** 20);
    expect(per).toBeGreaterThan(32 * 2 ** 20);
    expect(() => da.zeros([10], { chunks: [[3, 3]] })).toThrow(da.ChunksError);
    expect(() => da.zeros([10], { chunks: 0 })).toThrow(/axis 0/);
  });

  it('reports shape, ndim, numblocks, nbytes, dtype, toString and toHTML', () => {
    const x = da.ones([6, 4], { chunks: [4, 3], dtype: 'float32' });
    expect(x.shape).toEqual([6, 4]);
    expect(x.ndim).toBe(2);
    expect(x.numblocks).toEqual([2, 2]);
    expect(x.nbytes).toBe(96);
    expect(x.dtype).toBe('float32');
    expect(String(x)).toMatch(/shape=\(6, 4\).*dtype=float32.*chunksize=\(4, 3\).*tasks=4/);
    expect(x.toHTML()).toMatch(/<table.*96 B.*\(6, 4\).*\(4, 3\).*4 tasks.*float32/);
  });

  it('rejects ragged nested input and unknown dtypes with typed errors', () => {
    expect(() => da.fromArray([[1, 2], [3]])).toThrow(da.InputError);
    expect(() => da.zeros([2], { dtype: 'float16' as never })).toThrow(da.DTypeError);
    expect(() => da.fromArray(new Float64Array(6), { shape: [4, 2] })).toThrow(da.ShapeError);
  });
});

describe.each(SCHEDULERS)('creation on %s', (scheduler) => {
  it('fromArray (nested, TypedArray, NDArray), zeros, ones, full, empty', async () => {
    const nested = build([5, 3], (i) => i * 1.5);
    const a = da.fromArray(nested, { chunks: [2, 2] });
    const t = da.fromArray(new Int16Array([1, -2, 3, 4, 5, 6]), { shape: [2, 3], chunks: 1 });
    const [ga, gt, z, o, f, e] = await compute(
      a,
      t,
      da.zeros([3, 2], { chunks: 2 }),
      da.ones([4], { chunks: 3, dtype: 'int32' }),
      da.full([2, 2], 7, { chunks: 1 }),
      da.empty([0]),
      { scheduler },
    );
    expectClose(ga as da.NDArray, nested);
    expect((gt as da.NDArray).dtype).toBe('int16');
    expect((gt as da.NDArray).toArray()).toEqual([
      [1, -2, 3],
      [4, 5, 6],
    ]);
    expect((z as da.NDArray).toArray()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect((o as da.NDArray).toArray()).toEqual([1, 1, 1, 1]);
    expect((o as da.NDArray).dtype).toBe('int32');
    expect((f as da.NDArray).toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect((e as da.NDArray).shape).toEqual([0]);
    const again = await da.fromArray(ga as da.NDArray, { chunks: 4 }).compute({ scheduler });
    expectClose(again, nested);
    expect((ga as da.NDArray).get(4, -1)).toBe((nested as number[][])[4]![2]);
  });

  it('arange, linspace and eye match NumPy', async () => {
    const [a, b, c, l, l2, ey] = await compute(
      da.arange(10, undefined, 1, { chunks: 3 }),
      da.arange(1, 2, 0.25, { chunks: 2 }),
      da.arange(5, -5, -3, { chunks: 2 }),
      da.linspace(0, 1, 7, { chunks: 3 }),
      da.linspace(2, 3, 4, { endpoint: false, chunks: 3 }),
      da.eye(4, { M: 5, k: 1, chunks: 2 }),
      { scheduler },
    );
    expect((a as da.NDArray).toArray()).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    expect((b as da.NDArray).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect((c as da.NDArray).toArray()).toEqual([5n, 2n, -1n, -4n]);
    expectClose(
      l as da.NDArray,
      [0, 1, 2, 3, 4, 5, 6].map((i) => i / 6),
      1e-15,
    );
    expect((l as da.NDArray).get(6)).toBe(1);
    expectClose(l2 as da.NDArray, [2, 2.25, 2.5, 2.75]);
    expect((ey as da.NDArray).toArray()).toEqual(build([4, 5], (_, [i, j]) => (j === i! + 1 ? 1 : 0)));
  });

  it('arange takes its options after any of its numbers (Dask: da.arange(1000, chunks=100)), and refuses what is not a number', async () => {
    const x = da.arange(1000, { chunks: 100 });
    expect(x.chunks).toEqual([Array(10).fill(100)]);
    const y = da.arange(2, 11, { chunks: 4 });
    expect(y.chunks).toEqual([[4, 4, 1]]);
    const [mean, yy] = await compute(x.mean(), y, { scheduler });
    let s = 0;
    for (let i = 0; i < 1000; i++) s += i;
    expect(mean).toBe(s / 1000);
    expect((yy as da.NDArray).toArray()).toEqual([2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    expect(() => da.arange({ chunks: 3 } as never)).toThrow(/arange.*takes stop/);
    expect(() => da.arange(1, 'x' as never)).toThrow(/stop must be a finite number, got x/);
    expect(() => da.arange(1, 5, 0)).toThrow(/step must be a finite non-zero number/);
    expect(() => da.arange(NaN)).toThrow(/stop must be a finite number/);
    // linspace the same way: options in num's place (num stays 50).
    const l = da.linspace(0, 1, { chunks: 20 });
    expect(l.chunks).toEqual([[20, 20, 10]]);
    expectClose(
      (await l.compute({ scheduler })) as da.NDArray,
      Array.from({ length: 50 }, (_, i) => i / 49),
      1e-15,
    );
    expect(() => da.linspace(0, 'x' as never, 3)).toThrow(/stop must be a finite number, got x/);
  });

  it('seeded random arrays: reproducible, in range, right moments', async () => {
    const r1 = da.random.random([300, 20], { chunks: [70, 8], seed: 42 });
    const r2 = da.random.random([300, 20], { chunks: [70, 8], seed: 42 });
    const r3 = da.random.random([300, 20], { chunks: [70, 8], seed: 43 });
    const n = da.random.normal(3, 2, [20000], { chunks: 3000, seed: 1 });
    const ri = da.random.randint(-3, 4, [1000], { chunks: 300, seed: 5 });
    const [g1, g2, g3, gn, gi] = (await compute(r1, r2, r3, n, ri, { scheduler })) as da.NDArray[];
    expect(Array.from(g1!.data as Float64Array)).toEqual(Array.from(g2!.data as Float64Array));
    expect(Array.from(g1!.data as Float64Array)).not.toEqual(Array.from(g3!.data as Float64Array));
    const u = Array.from(g1!.data as Float64Array);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((p, q) => p + q, 0) / u.length - 0.5)).toBeLessThan(0.03);
    const nv = Array.from(gn!.data as Float64Array);
    const mean = nv.reduce((p, q) => p + q, 0) / nv.length;
    const sd = Math.sqrt(nv.reduce((p, q) => p + (q - mean) ** 2, 0) / nv.length);
    expect(Math.abs(mean - 3)).toBeLessThan(0.06);
    expect(Math.abs(sd - 2)).toBeLessThan(0.06);
    const iv = Array.from(gi!.data as BigInt64Array, Number);
    expect(new Set(iv)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
  });
});

describe('random numbers do not depend on the scheduler', () => {
  it('sync and threads give identical blocks', async () => {
    const r = da.random.normal(0, 1, [50, 30], { chunks: [16, 7], seed: 9 });
    const a = (await r.compute({ scheduler: 'sync' })) as da.NDArray;
    const b = (await r.compute({ scheduler: 'threads' })) as da.NDArray;
    expect(Array.from(a.data as Float64Array)).toEqual(Array.from(b.data as Float64Array));
  });
});

describe.each(SCHEDULERS)('fromDelayed on %s', (scheduler) => {
  it('wraps a delayed block and checks its shape', async () => {
    const { delayed } = await import('@tsdask/core-graph');
    const make = delayed((n: number) => ({ data: Float64Array.from({ length: n * 2 }, (_, i) => i * i), shape: [n, 2], dtype: 'float64' }));
    const x = da.fromDelayed(make(3), [3, 2]);
    const got = (await x.add(1).compute({ scheduler })) as da.NDArray;
    expect(got.toArray()).toEqual([
      [1, 2],
      [5, 10],
      [17, 26],
    ]);
    await expect(da.fromDelayed(make(2), [3, 2]).compute({ scheduler })).rejects.toThrow(/shape \(3, 2\), got \(2, 2\)/);
  });
});
