import { describe, expect, it } from 'vitest';
import { compute } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { build, expectClose, SCHEDULERS, shapeOf, type N } from './support.js';

function refMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

describe.each(SCHEDULERS)('linear algebra on %s', (scheduler) => {
  it('matmul / dot with uneven and mismatched chunks, vectors, outer', async () => {
    const A = build([7, 5], (i) => (i % 5) - 2) as number[][];
    const B = build([5, 4], (i) => (i % 3) + 0.5) as number[][];
    const v = [1, -1, 2, 0.5, 3];
    const a = da.fromArray(A, { chunks: [3, 2] });
    const b = da.fromArray(B, { chunks: [3, 3] });
    const x = da.fromArray(v, { chunks: 4 });
    const [ab, av, xb, dot, out] = await compute(a.matmul(b), a.dot(x), x.matmul(b), x.dot(x), da.outer(x, da.fromArray([1, 2], { chunks: 1 })), { scheduler });
    expectClose(ab as da.NDArray, refMatmul(A, B));
    expectClose(av as da.NDArray, A.map((r) => r.reduce((s, t, k) => s + t * v[k]!, 0)));
    expectClose(xb as da.NDArray, B[0]!.map((_, j) => v.reduce((s, t, k) => s + t * B[k]![j]!, 0)));
    expect(dot).toBeCloseTo(v.reduce((s, t) => s + t * t, 0), 12);
    expectClose(out as da.NDArray, v.map((t) => [t, 2 * t]));
    expect(() => a.matmul(a)).toThrow(/inner dimensions 5 and 7/);
  });

  it('tensordot over several axis pairs in any order', async () => {
    const A = build([3, 4, 5], (i) => (i % 7) - 3);
    const B = build([5, 2, 4], (i) => (i % 4) * 0.5);
    const a = da.fromArray(A, { chunks: [2, 3, 2] });
    const b = da.fromArray(B, { chunks: [3, 1, 2] });
    const got = (await da.tensordot(a, b, [[2, 1], [0, 2]]).compute({ scheduler })) as da.NDArray;
    const want = build([3, 2], (_, [i, j]) => {
      let s = 0;
      for (let k = 0; k < 4; k++) for (let l = 0; l < 5; l++) s += (A as number[][][])[i!]![k]![l]! * (B as number[][][])[l]![j!]![k]!;
      return s;
    });
    expectClose(got, want);
  });

  it('blockwise in index notation and mapBlocks with closures on sync, self-contained functions on threads', async () => {
    const A = build([6, 4], (i) => i);
    const a = da.fromArray(A, { chunks: [4, 3] });
    const doubled = da.mapBlocks((blk: da.NDArray) => {
      const out = new Float64Array(blk.data.length);
      for (let i = 0; i < out.length; i++) out[i] = 2 * (blk.data[i] as number);
      return { data: out, shape: blk.shape, dtype: blk.dtype };
    }, a);
    const rowsums = da.mapBlocks((blk: da.NDArray) => {
      const [r, c] = blk.shape as [number, number];
      const out = new Float64Array(r);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[i] += blk.data[i * c + j] as number;
      return { data: out, shape: [r], dtype: 'float64' };
    }, a.rechunk([4, -1]), { dropAxis: 1 });
    const colsum = da.blockwise((blocks: da.NDArray[]) => {
      const n = blocks[0]!.shape[1]!;
      const out = new Float64Array(n);
      for (const blk of blocks) for (let i = 0; i < blk.data.length; i++) out[i % n] += blk.data[i] as number;
      return { data: out, shape: [n], dtype: 'float64' };
    }, 'ij->j', a);
    const [d, rs, cs] = await compute(doubled, rowsums, colsum, { scheduler });
    expectClose(d as da.NDArray, (A as number[][]).map((r) => r.map((v) => 2 * v)));
    expectClose(rs as da.NDArray, (A as number[][]).map((r) => r.reduce((s, v) => s + v, 0)));
    expectClose(cs as da.NDArray, (A as number[][])[0]!.map((_, j) => (A as number[][]).reduce((s, r) => s + r[j]!, 0)));
    expect(shapeOf((cs as da.NDArray).toArray() as N)).toEqual([4]);
    expect(() => da.blockwise(() => 0, 'ij,jk', a)).toThrow(da.ShapeError);
    const lifted = da.mapBlocks((blk: da.NDArray) => ({ data: blk.data, shape: [1, ...blk.shape], dtype: blk.dtype }), da.fromArray([1, 2, 3, 4, 5], { chunks: 2 }), { newAxis: 0 });
    expect(lifted.shape).toEqual([1, 5]);
    expect(((await lifted.compute({ scheduler })) as da.NDArray).toArray()).toEqual([[1, 2, 3, 4, 5]]);
  });
});
