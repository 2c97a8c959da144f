import { describe, expect, it } from 'vitest';
import { compute } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { build, expectClose, refMap, SCHEDULERS, type N } from './support.js';

const A = build([7, 5], (i) => i * 0.5 - 6);
const B = build([5], (i) => i + 1);
const C = build([7, 1], (i) => i - 3);
const R = build([1, 5], (i) => 2 * i);

function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function halfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

describe.each(SCHEDULERS)('elementwise on %s', (scheduler) => {
  it('arithmetic with scalars and broadcasting, uneven chunks', async () => {
    const a = da.fromArray(A, { chunks: [3, 2] });
    const b = da.fromArray(B, { chunks: 2 });
    const c = da.fromArray(C, { chunks: [4, 1] });
    const r = da.fromArray(R, { chunks: [1, 5] });
    const exprs = [
      a.add(1),
      a.sub(b),
      a.mul(b),
      a.div(b),
      a.mod(3),
      a.pow(2),
      c.add(r),
      da.subtract(10, a),
      da.divide(1, b),
      a.neg(),
      a.abs(),
      da.maximum(a, c),
      da.minimum(a, 0),
    ];
    const refs: N[] = [
      refMap((x) => x + 1, A),
      refMap((x, y) => x - y, A, B),
      refMap((x, y) => x * y, A, B),
      refMap((x, y) => x / y, A, B),
      refMap((x) => pyMod(x, 3), A),
      refMap((x) => x ** 2, A),
      refMap((x, y) => x + y, C, R),
      refMap((x) => 10 - x, A),
      refMap((x) => 1 / x, B),
      refMap((x) => -x, A),
      refMap(Math.abs, A),
      refMap(Math.max, A, C),
      refMap((x) => Math.min(x, 0), A),
    ];
    const got = await compute(...exprs, { scheduler });
    got.forEach((g, i) => expectClose(g as da.NDArray, refs[i] as N));
  });

  it('math functions, rounding, NaN handling, comparisons and where', async () => {
    const vals = [0.5, 1.5, 2.5, -0.5, -1.5, 4, NaN, 9, -2.25, 0];
    const x = da.fromArray(vals, { chunks: 3 });
    const pos = vals.map((v) => Math.abs(v) + 1);
    const p = da.fromArray(pos, { chunks: 4 });
    const got = await compute(
      p.sqrt(),
      p.exp(),
      p.log(),
      p.log1p(),
      x.sin(),
      x.cos(),
      x.tan(),
      x.tanh(),
      x.floor(),
      x.ceil(),
      x.round(),
      x.isnan(),
      x.gt(1),
      x.le(0.5),
      x.ne(x),
      x.eq(4),
      da.where(x.gt(0), x, -1),
      x.clip(-1, 2),
      { scheduler },
    );
    const refs: (number | boolean)[][] = [
      pos.map(Math.sqrt),
      pos.map(Math.exp),
      pos.map(Math.log),
      pos.map(Math.log1p),
      vals.map(Math.sin),
      vals.map(Math.cos),
      vals.map(Math.tan),
      vals.map(Math.tanh),
      vals.map(Math.floor),
      vals.map(Math.ceil),
      vals.map(halfEven),
      vals.map((v) => Number.isNaN(v)),
      vals.map((v) => v > 1),
      vals.map((v) => v <= 0.5),
      vals.map((v) => v !== v),
      vals.map((v) => v === 4),
      vals.map((v) => (v > 0 ? v : -1)),
      vals.map((v) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, -1), 2))),
    ];
    got.forEach((g, i) => expectClose(g as da.NDArray, (refs[i] as (number | boolean)[]).map(Number)));
    expect((got[11] as da.NDArray).dtype).toBe('bool');
    expect((got[11] as da.NDArray).get(6)).toBe(true);
  });

  it('dtype promotion and integer wrap-around follow NumPy', async () => {
    const i32 = da.fromArray(new Int32Array([2147483647, -5, 7]), { chunks: 2 });
    const f32 = da.fromArray(new Float32Array([1.5, 2, 3]), { chunks: 2 });
    const u8 = da.fromArray(new Uint8Array([250, 1, 2]), { chunks: 2 });
    const i8 = da.fromArray(new Int8Array([-1, 2, 3]), { chunks: 2 });
    const cases: [da.DaskArray, string, number[]][] = [
      [i32.add(1), 'int32', [-2147483648, -4, 8]],
      [i32.add(f32), 'float64', [2147483648.5, -3, 10]],
      [i32.add(0.5), 'float64', [2147483647.5, -4.5, 7.5]],
      [f32.mul(2), 'float32', [3, 4, 6]],
      [u8.add(i8), 'int16', [249, 3, 5]],
      [u8.add(10), 'uint8', [4, 11, 12]],
      [i32.div(2), 'float64', [1073741823.5, -2.5, 3.5]],
      [i32.mod(3), 'int32', [1, 1, 1]],
      [i8.astype('float32').sqrt(), 'float32', [NaN, Math.fround(Math.SQRT2), Math.fround(Math.sqrt(3))]],
      [u8.gt(1).and(i8.gt(0)), 'bool', [0, 0, 1]],
      [u8.gt(1).or(i8.gt(0)).not(), 'bool', [0, 0, 0]],
      [i8.and(6), 'int8', [6, 2, 2]],
    ];
    for (const [arr, dtype] of cases) expect(arr.dtype).toBe(dtype);
    const got = await compute(...cases.map((c) => c[0]), { scheduler });
    got.forEach((g, i) => {
      expect((g as da.NDArray).dtype).toBe(cases[i]?.[1]);
      expectClose(g as da.NDArray, cases[i]?.[2] as number[], 1e-7);
    });
  });

  it('int64 arithmetic stays exact (bigint)', async () => {
    const big = 2n ** 60n + 3n;
    const x = da.fromArray(new BigInt64Array([big, -7n, 5n]), { chunks: 2 });
    const [s, m] = await compute(x.add(1n), x.mod(3), { scheduler });
    expect((s as da.NDArray).toArray()).toEqual([big + 1n, -6n, 6n]);
    expect((m as da.NDArray).toArray()).toEqual([((big % 3n) + 3n) % 3n, 2n, 2n]);
  });

  it('empty arrays, chunks of size 1 and one chunk', async () => {
    const e = da.zeros([0, 3], { chunks: [2, 2] });
    const one = da.fromArray(A, { chunks: [7, 5] });
    const tiny = da.fromArray(A, { chunks: 1 });
    const [ge, g1, g2] = await compute(e.add(1), one.mul(one), tiny.sub(tiny.T.T).add(tiny), { scheduler });
    expect((ge as da.NDArray).shape).toEqual([0, 3]);
    expectClose(
      g1 as da.NDArray,
      refMap((v) => v * v, A),
    );
    expectClose(g2 as da.NDArray, A);
  });
});

describe.each(SCHEDULERS)('0-d and empty broadcasting on %s', (scheduler) => {
  it('0-d arrays compute to scalars; (0, 3) broadcasts with (1, 3); where takes scalars', async () => {
    const s = da.fromArray(5);
    const e = da.zeros([0, 3], { chunks: 2 }).add(da.ones([1, 3]));
    const x = da.fromArray(
      [
        [1, 2],
        [3, 4],
      ],
      { chunks: 1 },
    );
    const [a, b, c, d] = await compute(s.add(1), s.mul(x), e, da.where(x.gt(2), 0, x), { scheduler });
    expect(a).toBe(6);
    expect((b as da.NDArray).toArray()).toEqual([
      [5, 10],
      [15, 20],
    ]);
    expect((c as da.NDArray).shape).toEqual([0, 3]);
    expect((d as da.NDArray).toArray()).toEqual([
      [1, 2],
      [0, 0],
    ]);
  });
});

describe('elementwise errors', () => {
  it('shapes that do not broadcast raise BroadcastError naming both shapes', () => {
    const a = da.ones([4, 3]);
    const b = da.ones([4]);
    expect(() => a.add(b)).toThrow(da.BroadcastError);
    expect(() => a.add(b)).toThrow(/\(4, 3\) and \(4,\)/);
  });
  it('float bitwise ops and boolean negation are DTypeErrors', () => {
    expect(() => da.ones([2]).and(da.ones([2]))).toThrow(da.DTypeError);
    expect(() => da.ones([2]).gt(0).neg()).toThrow(da.DTypeError);
  });
});
