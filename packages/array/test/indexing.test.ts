import { describe, expect, it } from 'vitest';
import { compute, forEachRef } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { build, expectClose, SCHEDULERS, type N } from './support.js';

/** Reference: Python slice semantics on one axis. */
function pyRange(n: number, start: number | null, stop: number | null, step: number): number[] {
  const norm = (v: number | null, d: number, lo: number, hi: number): number => (v === null ? d : Math.min(Math.max(v < 0 ? v + n : v, lo), hi));
  const out: number[] = [];
  if (step > 0) for (let i = norm(start, 0, 0, n); i < norm(stop, n, 0, n); i += step) out.push(i);
  else for (let i = norm(start, n - 1, -1, n - 1); i > norm(stop, -1, -1, n - 1); i += step) out.push(i);
  return out;
}

const A = build([9, 7], (i) => i);
const rows = (r: number[], c: number[]): number[][] => r.map((i) => c.map((j) => (A as number[][])[i]![j]!));

describe.each(SCHEDULERS)('indexing on %s', (scheduler) => {
  it('slices with negative starts, stops and steps across uneven chunks', async () => {
    const x = da.fromArray(A, { chunks: [4, 3] });
    const specs: [number | null, number | null, number][][] = [
      [
        [1, 8, 2],
        [null, null, -1],
      ],
      [
        [-2, null, 1],
        [-1, 0, -2],
      ],
      [
        [null, null, -3],
        [2, -1, 1],
      ],
      [
        [7, 2, -1],
        [5, 100, 1],
      ],
      [
        [3, 3, 1],
        [null, null, 1],
      ],
      [
        [100, null, -4],
        [null, -3, 2],
      ],
    ];
    const arrs = specs.map((s) => x.slice(...s.map(([start, stop, step]) => ({ start, stop, step }))));
    const got = await compute(...arrs, { scheduler });
    got.forEach((g, i) => {
      const [[a, b, c], [d, e, f]] = specs[i] as [[number | null, number | null, number], [number | null, number | null, number]];
      const want = rows(pyRange(9, a, b, c), pyRange(7, d, e, f));
      expect((g as da.NDArray).shape).toEqual([want.length, want.length === 0 ? pyRange(7, d, e, f).length : want[0]!.length]);
      expect((g as da.NDArray).toArray()).toEqual(want);
    });
  });

  it('integers drop axes, null adds one, and the string form parses', async () => {
    const x = da.fromArray(A, { chunks: [2, 5] });
    const [r, c, e, s1, s2, s3] = await compute(x.slice(3), x.slice({}, -2), x.slice(null, 4), x.get('10:20, ::-2'), x.get('-3:, 1'), x.get('2, 3'), {
      scheduler,
    });
    expect((r as da.NDArray).toArray()).toEqual((A as number[][])[3]);
    expect((c as da.NDArray).toArray()).toEqual((A as number[][]).map((row) => row[5]));
    expect((e as da.NDArray).shape).toEqual([1, 7]);
    expect((s1 as da.NDArray).shape).toEqual([0, 4]);
    expect((s2 as da.NDArray).toArray()).toEqual([6, 7, 8].map((i) => (A as number[][])[i]![1]));
    expect(s3).toBe((A as number[][])[2]![3]);
    const y = da.fromArray(
      build([10], (i) => i),
      { chunks: 3 },
    );
    expect(((await y.get('::-2').compute({ scheduler })) as da.NDArray).toArray()).toEqual([9, 7, 5, 3, 1]);
  });

  it('boolean masks give a 1-d array with unknown chunk sizes', async () => {
    const x = da.fromArray(A, { chunks: [4, 3] });
    const m = x.mask(x.mod(3).eq(0));
    expect(m.chunks[0]!.every(Number.isNaN)).toBe(true);
    const got = (await m.compute({ scheduler })) as da.NDArray;
    expect(got.toArray()).toEqual((A as number[][]).flat().filter((v) => v % 3 === 0));
    const kept = (A as number[][]).flat().filter((v) => v % 3 === 0);
    expect(await m.add(1).sum().compute({ scheduler })).toBe(kept.reduce((p, q) => p + q + 1, 0));
    const none = (await x.mask(x.lt(-1)).compute({ scheduler })) as da.NDArray;
    expect(none.shape).toEqual([0]);
  });

  it('take along an axis with repeats, negatives and any order', async () => {
    const x = da.fromArray(A, { chunks: [4, 3] });
    const [t0, t1, te] = await compute(x.take([8, 0, -1, 3, 3]), x.take([6, 1, 2, 1], 1), x.take([], 0), { scheduler });
    expect((t0 as da.NDArray).toArray()).toEqual([8, 0, 8, 3, 3].map((i) => (A as number[][])[i]));
    expect((t1 as da.NDArray).toArray()).toEqual((A as number[][]).map((r) => [6, 1, 2, 1].map((j) => r[j])));
    expect((te as da.NDArray).shape).toEqual([0, 7]);
  });

  it('out-of-range indices raise IndexError naming the index and shape', () => {
    const x = da.zeros([4, 5]);
    expect(() => x.slice(4)).toThrow(da.IndexError);
    expect(() => x.slice(0, -6)).toThrow(/index -6 .*axis 1 with size 5/);
    expect(() => x.get('1:2:0')).toThrow(da.IndexError);
    expect(() => x.slice(0, 0, 0)).toThrow(/too many indices/);
    expect(() => x.take([5])).toThrow(da.IndexError);
    expect(() => x.mask(da.zeros([4, 4]).gt(0))).toThrow(da.BroadcastError);
  });
});

describe.each(SCHEDULERS)('shape operations on %s', (scheduler) => {
  it('transpose, T, swapaxes, squeeze, expandDims, ravel and reshape', async () => {
    const B = build([3, 1, 4, 5], (i) => i);
    const x = da.fromArray(B, { chunks: [2, 1, 3, 2] });
    const [t, tt, sw, sq, ex, rv, rs, rs2] = await compute(
      x.transpose([2, 0, 3, 1]),
      x.T,
      x.swapaxes(0, -1),
      x.squeeze(),
      x.expandDims([0, 3]),
      x.ravel(),
      x.reshape([6, -1]),
      x.reshape([5, 2, 6]),
      { scheduler },
    );
    const v = (idx: number[]): number => idx.reduce((acc, i, d) => acc * [3, 1, 4, 5][d]! + i, 0);
    expect((t as da.NDArray).toArray()).toEqual(build([4, 3, 5, 1], (_, [a, b, c, d]) => v([b!, d!, a!, c!])));
    expect((tt as da.NDArray).toArray()).toEqual(build([5, 4, 1, 3], (_, [a, b, c, d]) => v([d!, c!, b!, a!])));
    expect((sw as da.NDArray).toArray()).toEqual(build([5, 1, 4, 3], (_, [a, b, c, d]) => v([d!, b!, c!, a!])));
    expect((sq as da.NDArray).toArray()).toEqual(build([3, 4, 5], (i) => i));
    expect((ex as da.NDArray).shape).toEqual([1, 3, 1, 1, 4, 5]);
    expect((rv as da.NDArray).toArray()).toEqual(build([60], (i) => i));
    expect((rs as da.NDArray).toArray()).toEqual(build([6, 10], (i) => i));
    expect((rs2 as da.NDArray).toArray()).toEqual(build([5, 2, 6], (i) => i));
    expect(() => x.reshape([7, -1])).toThrow(da.ShapeError);
    expect(() => x.squeeze({ axis: 0 })).toThrow(da.ShapeError);
  });

  it('2-d transpose of blocks larger than a cache tile', async () => {
    const D = build([45, 70], (i) => i);
    const t = (await da.fromArray(D, { chunks: [40, 33] }).T.compute({ scheduler })) as da.NDArray;
    expect(t.toArray()).toEqual(build([70, 45], (_, [i, j]) => (D as number[][])[j!]![i!]!));
  });

  it('rechunk to any block sizes keeps the values (also through the bounded plan)', async () => {
    const C = build([30, 20], (i) => i * 0.5);
    const x = da.fromArray(C, { chunks: [1, 1] });
    const y = x.rechunk([15, 20]);
    expect(y.chunks).toEqual([[15, 15], [20]]);
    // 15 x 20 input blocks per output block is over the fan-in bound: the plan goes through an intermediate
    const stages = [...y.graph.layers.values()].filter((l) => l.kind === 'rechunk');
    expect(stages.length).toBe(2);
    const nodes = y.graph.materialize(y.outputKeys);
    for (const [k, node] of nodes) {
      if (!k.startsWith('rechunk')) continue;
      let refs = 0;
      forEachRef(node, () => {
        refs++;
      });
      expect(refs).toBeLessThanOrEqual(64);
    }
    const z = da.fromArray(C, { chunks: [7, 3] }).rechunk([
      [10, 20],
      [4, 16],
    ]);
    const [gy, gz] = await compute(y, z, { scheduler });
    expectClose(gy as da.NDArray, C as N);
    expectClose(gz as da.NDArray, C as N);
    expect(() => x.rechunk([[10, 10], [20]])).toThrow(da.ChunksError);
  });

  it('concatenate and stack along axes, with dtype promotion', async () => {
    const a = da.fromArray(
      build([2, 3], (i) => i),
      { chunks: [1, 2] },
    );
    const b = da.fromArray(new Int32Array([10, 11, 12]), { shape: [1, 3], chunks: [1, 3] });
    const [c0, c1, s0, s2] = await compute(da.concatenate([a, b]), da.concatenate([a, a], 1), da.stack([a, a.add(1)]), da.stack([a, a], 2), { scheduler });
    expect((c0 as da.NDArray).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [10, 11, 12],
    ]);
    expect((c0 as da.NDArray).dtype).toBe('float64');
    expect((c1 as da.NDArray).toArray()).toEqual([
      [0, 1, 2, 0, 1, 2],
      [3, 4, 5, 3, 4, 5],
    ]);
    expect((s0 as da.NDArray).toArray()).toEqual([
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    expect((s2 as da.NDArray).shape).toEqual([2, 3, 2]);
    expect(() => da.concatenate([a, da.zeros([2, 2])])).toThrow(da.ShapeError);
  });
});
