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
    expectClose(
      av as da.NDArray,
      A.map((r) => r.reduce((s, t, k) => s + t * v[k]!, 0)),
    );
    expectClose(
      xb as da.NDArray,
      B[0]!.map((_, j) => v.reduce((s, t, k) => s + t * B[k]![j]!, 0)),
    );
    expect(dot).toBeCloseTo(
      v.reduce((s, t) => s + t * t, 0),
      12,
    );
    expectClose(
      out as da.NDArray,
      v.map((t) => [t, 2 * t]),
    );
    expect(() => a.matmul(a)).toThrow(/inner dimensions 5 and 7/);
  });

  it('integer matmul is exact past 2^53 and wraps at 64 bits as NumPy does', async () => {
    const [m, k, n] = [5, 7, 3];
    // A reference in BigInt, wrapped to int64 as NumPy's int64 matmul wraps.
    const ref = (a: BigInt64Array, b: BigInt64Array): bigint[] => {
      const out: bigint[] = [];
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0n;
          for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
          out.push(BigInt.asIntN(64, s));
        }
      return out;
    };
    const cases: [string, (i: number) => bigint][] = [
      ['small (float64 path)', (i) => BigInt((i % 11) - 5)],
      ['products past 2^53', (i) => BigInt(100_000_007 + 7919 * i) * (i % 2 ? -1n : 1n)],
      ['sums past 2^63 (wrap)', (i) => 4_000_000_019n + BigInt(i) * 1_000_003n],
    ];
    for (const [, gen] of cases) {
      const A = BigInt64Array.from({ length: m * k }, (_, i) => gen(i));
      const B = BigInt64Array.from({ length: k * n }, (_, i) => gen(i + 3));
      const a = da.fromArray(A, { shape: [m, k], chunks: [3, 4] });
      const b = da.fromArray(B, { shape: [k, n], chunks: [4, 2] });
      const [ab, td] = await compute(a.matmul(b), da.tensordot(a, b, [[1], [0]]), { scheduler });
      expect((ab as da.NDArray).dtype).toBe('int64');
      expect(Array.from((ab as da.NDArray).data as BigInt64Array)).toEqual(ref(A, B));
      expect(Array.from((td as da.NDArray).data as BigInt64Array)).toEqual(ref(A, B));
    }
    // int32 inputs give int32 results, exact and then wrapped to 32 bits, as NumPy's int32 matmul.
    const a32 = da.fromArray(
      Int32Array.from({ length: m * k }, (_, i) => 2_000_000_000 - 1000 * i),
      { shape: [m, k], chunks: [2, 3] },
    );
    const b32 = da.fromArray(
      Int32Array.from({ length: k * n }, (_, i) => 1_999_999_999 - 77 * i),
      { shape: [k, n], chunks: [3, 3] },
    );
    const got = (await a32.matmul(b32).compute({ scheduler })) as da.NDArray;
    const A32 = BigInt64Array.from({ length: m * k }, (_, i) => BigInt(2_000_000_000 - 1000 * i));
    const B32 = BigInt64Array.from({ length: k * n }, (_, i) => BigInt(1_999_999_999 - 77 * i));
    expect(got.dtype).toBe('int32');
    expect(Array.from(got.data as Int32Array)).toEqual(ref(A32, B32).map((v) => Number(BigInt.asIntN(32, v))));
  });

  it('tensordot over several axis pairs in any order', async () => {
    const A = build([3, 4, 5], (i) => (i % 7) - 3);
    const B = build([5, 2, 4], (i) => (i % 4) * 0.5);
    const a = da.fromArray(A, { chunks: [2, 3, 2] });
    const b = da.fromArray(B, { chunks: [3, 1, 2] });
    const got = (await da
      .tensordot(a, b, [
        [2, 1],
        [0, 2],
      ])
      .compute({ scheduler })) as da.NDArray;
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
    const rowsums = da.mapBlocks(
      (blk: da.NDArray) => {
        const [r, c] = blk.shape as [number, number];
        const out = new Float64Array(r);
        for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[i] += blk.data[i * c + j] as number;
        return { data: out, shape: [r], dtype: 'float64' };
      },
      a.rechunk([4, -1]),
      { dropAxis: 1 },
    );
    const colsum = da.blockwise(
      (blocks: da.NDArray[]) => {
        const n = blocks[0]!.shape[1]!;
        const out = new Float64Array(n);
        for (const blk of blocks) for (let i = 0; i < blk.data.length; i++) out[i % n] += blk.data[i] as number;
        return { data: out, shape: [n], dtype: 'float64' };
      },
      'ij->j',
      a,
    );
    const [d, rs, cs] = await compute(doubled, rowsums, colsum, { scheduler });
    expectClose(
      d as da.NDArray,
      (A as number[][]).map((r) => r.map((v) => 2 * v)),
    );
    expectClose(
      rs as da.NDArray,
      (A as number[][]).map((r) => r.reduce((s, v) => s + v, 0)),
    );
    expectClose(
      cs as da.NDArray,
      (A as number[][])[0]!.map((_, j) => (A as number[][]).reduce((s, r) => s + r[j]!, 0)),
    );
    expect(shapeOf((cs as da.NDArray).toArray() as N)).toEqual([4]);
    expect(() => da.blockwise(() => 0, 'ij,jk', a)).toThrow(da.ShapeError);
    const lifted = da.mapBlocks(
      (blk: da.NDArray) => ({ data: blk.data, shape: [1, ...blk.shape], dtype: blk.dtype }),
      da.fromArray([1, 2, 3, 4, 5], { chunks: 2 }),
      { newAxis: 0 },
    );
    expect(lifted.shape).toEqual([1, 5]);
    expect(((await lifted.compute({ scheduler })) as da.NDArray).toArray()).toEqual([[1, 2, 3, 4, 5]]);
  });
});
