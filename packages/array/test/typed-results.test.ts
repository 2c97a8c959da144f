/**
 * Typed results: what the types say each call returns, checked against what it returns at
 * runtime. Each case computes a value, says its static type with `expectTypeOf` (checked by tsc
 * in `npm run typecheck:tests`) and checks `typeof` / the NDArray's dtype at runtime (vitest).
 * `refused` holds calls the types must refuse; it is type-checked, never run. The dtype rules
 * themselves are checked for every dtype in dtype-rules.test.ts.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { compute, type Delayed } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import type { DType, NDArray } from '@tsdask/array';
import './support.js';

const sync = { scheduler: 'sync' } as const;

describe('reductions without an axis compute to a plain value', () => {
  const f = da.fromArray([
    [1.5, 2.5, 3],
    [4, 5, 6.25],
  ]);
  const i = da.fromArray([1, 2, 3, 4, 5, 6], { dtype: 'int32', chunks: 4 });

  it('mean of a float array is a number: toFixed needs no cast', async () => {
    const m = await f.mean().compute(sync);
    expectTypeOf(m).toEqualTypeOf<number>();
    expect(typeof m).toBe('number');
    expect(m.toFixed(3)).toBe(((1.5 + 2.5 + 3 + 4 + 5 + 6.25) / 6).toFixed(3));
  });

  it('sum of int32 is int64: a bigint', async () => {
    const s = await i.sum().compute(sync);
    expectTypeOf(s).toEqualTypeOf<bigint>();
    expect(s).toBe(21n);
  });

  it('mean, std and var of int32 are float64: numbers', async () => {
    const [m, sd, v] = [await i.mean().compute(sync), await i.std().compute(sync), await i.var({ ddof: 1 }).compute(sync)];
    expectTypeOf(m).toEqualTypeOf<number>();
    expectTypeOf(sd).toEqualTypeOf<number>();
    expectTypeOf(v).toEqualTypeOf<number>();
    expect([typeof m, typeof sd, typeof v]).toEqual(['number', 'number', 'number']);
    expect(m).toBe(3.5);
    expect(v).toBeCloseTo(3.5, 12); // sample variance of 1..6
  });

  it('min / max keep the dtype: int32 numbers, int64 bigints', async () => {
    const mn = await i.min().compute(sync);
    expectTypeOf(mn).toEqualTypeOf<number>();
    expect(mn).toBe(1);
    const big = da.fromArray([3n, -7n, 5n]);
    expectTypeOf(big).toEqualTypeOf<da.DaskArray<'int64', 1>>();
    const mx = await big.max().compute(sync);
    expectTypeOf(mx).toEqualTypeOf<bigint>();
    expect(mx).toBe(5n);
  });

  it('any / all are booleans, argmin / argmax int64 bigints', async () => {
    const a = await f.gt(6).any().compute(sync);
    expectTypeOf(a).toEqualTypeOf<boolean>();
    expect(a).toBe(true);
    const al = await i.all().compute(sync);
    expectTypeOf(al).toEqualTypeOf<boolean>();
    expect(al).toBe(true);
    const am = await f.argmax().compute(sync);
    expectTypeOf(am).toEqualTypeOf<bigint>();
    expect(am).toBe(5n);
  });

  it('an axis list covering every axis, and axis: null, also give a plain value', async () => {
    const s = await f.sum({ axis: [0, 1] }).compute(sync);
    expectTypeOf(s).toEqualTypeOf<number>();
    expect(s).toBe(22.25);
    const n = await f.nansum({ axis: null }).compute(sync);
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(typeof n).toBe('number');
  });

  it('the dot product of two vectors is a plain value', async () => {
    const v = da.fromArray([1, 2, 3]);
    const d = await v.dot(da.fromArray([4, 5, 6])).compute(sync);
    expectTypeOf(d).toEqualTypeOf<number>();
    expect(d).toBe(32);
  });
});

describe('reductions with an axis compute to an NDArray of the result dtype', () => {
  const x = da.random.random([4, 3], { chunks: 2, seed: 1 });
  const i = da.ones([4, 3], { dtype: 'int32', chunks: 2 });

  it('mean over one axis of a float64 matrix: NDArray<float64>', async () => {
    const m = await x.mean({ axis: 0 }).compute(sync);
    expectTypeOf(m).toEqualTypeOf<NDArray<'float64'>>();
    expectTypeOf(m.data).toEqualTypeOf<Float64Array>();
    expect(m).toBeInstanceOf(da.NDArray);
    expect([m.dtype, m.shape]).toEqual(['float64', [3]]);
  });

  it('sum of int32 over an axis: NDArray<int64> whose elements are bigints', async () => {
    const s = await i.sum({ axis: 1 }).compute(sync);
    expectTypeOf(s).toEqualTypeOf<NDArray<'int64'>>();
    expectTypeOf(s.get(0)).toEqualTypeOf<bigint>();
    expect(s.dtype).toBe('int64');
    expect(s.get(0)).toBe(3n);
  });

  it('keepdims keeps the ndim, so even a full reduction is an NDArray', async () => {
    const k = await i.max({ keepdims: true }).compute(sync);
    expectTypeOf(k).toEqualTypeOf<NDArray<'int32'>>();
    expect([k.dtype, k.shape]).toEqual(['int32', [1, 1]]);
  });

  it('reducing the only axis of a 1-d array is a plain value, as at runtime', async () => {
    const v = da.arange(5);
    expectTypeOf(v).toEqualTypeOf<da.DaskArray<'int64', 1>>();
    const s = await v.sum({ axis: 0 }).compute(sync);
    expectTypeOf(s).toEqualTypeOf<bigint>();
    expect(s).toBe(10n);
  });

  it('argmax along an axis: NDArray<int64>', async () => {
    const a = await x.argmax({ axis: 1 }).compute(sync);
    expectTypeOf(a).toEqualTypeOf<NDArray<'int64'>>();
    expect([a.dtype, a.shape]).toEqual(['int64', [4]]);
  });

  it('matrix products: matrix @ matrix and matrix @ vector are NDArrays of the promoted dtype', async () => {
    const m = await x.matmul(i.T).compute(sync);
    expectTypeOf(m).toEqualTypeOf<NDArray<'float64'>>();
    expect([m.dtype, m.shape]).toEqual(['float64', [4, 4]]);
    const mv = await i.dot(da.ones([3], { dtype: 'int8' })).compute(sync);
    expectTypeOf(mv).toEqualTypeOf<NDArray<'int32'>>();
    expect([mv.dtype, mv.shape]).toEqual(['int32', [4]]);
  });

  it('cumsum without an axis is 1-d (flattened), with one keeps the ndim', async () => {
    const c = await i.cumsum().compute(sync);
    expectTypeOf(c).toEqualTypeOf<NDArray<'int64'>>();
    expect([c.dtype, c.shape]).toEqual(['int64', [12]]);
  });
});

describe('indexing', () => {
  const m = da.fromArray(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { dtype: 'int32', chunks: 2 },
  );

  it('an integer for every axis gives a plain value', async () => {
    const v = await m.slice(1, -1).compute(sync);
    expectTypeOf(v).toEqualTypeOf<number>();
    expect(v).toBe(6);
    const k: number = 0;
    const w = await m.slice(k, { start: 1 }).compute(sync);
    expectTypeOf(w).toEqualTypeOf<NDArray<'int32'>>();
    expect(w.toArray()).toEqual([2, 3]);
  });

  it('the text form: integers for every axis give a plain value, slices keep their axis', async () => {
    const v = await m.get('1, -1').compute(sync);
    expectTypeOf(v).toEqualTypeOf<number>();
    expect(v).toBe(6);
    const r = await m.get(' 0 , 1: ').compute(sync);
    expectTypeOf(r).toEqualTypeOf<NDArray<'int32'>>();
    expect(r.toArray()).toEqual([2, 3]);
    const n = await m.get('None, ..., 0').compute(sync);
    expectTypeOf(n).toEqualTypeOf<NDArray<'int32'>>();
    expect(n.shape).toEqual([1, 2]);
  });

  it('null adds an axis, slices and ... keep theirs', async () => {
    const a = await m.slice(null, 0).compute(sync);
    expectTypeOf(a).toEqualTypeOf<NDArray<'int32'>>();
    expect(a.shape).toEqual([1, 3]);
    const b = await m.slice('...', 2).compute(sync);
    expectTypeOf(b).toEqualTypeOf<NDArray<'int32'>>();
    expect(b.toArray()).toEqual([3, 6]);
    const c = await m.slice(0, '...', 2).compute(sync);
    expectTypeOf(c).toEqualTypeOf<number>();
    expect(c).toBe(3);
  });

  it('items whose kind is not known statically: either', async () => {
    const items: da.IndexItem[] = [1, 1];
    const v = await m.slice(...items).compute(sync);
    expectTypeOf(v).toEqualTypeOf<NDArray<'int32'> | number>();
    expect(v).toBe(5);
    const text: string = '1, 1';
    const g = await m.get(text).compute(sync);
    expectTypeOf(g).toEqualTypeOf<NDArray<'int32'> | number>();
    expect(g).toBe(5);
  });
});

describe('compute() of several collections types each result', () => {
  it('a mean, an int64 sum and a matrix', async () => {
    const x = da.ones([2, 2], { dtype: 'int32' });
    const [m, s, y] = await compute(x.mean(), x.sum(), x.T, sync);
    expectTypeOf(m).toEqualTypeOf<number>();
    expectTypeOf(s).toEqualTypeOf<bigint>();
    expectTypeOf(y).toEqualTypeOf<NDArray<'int32'>>();
    expect([m, s, y.dtype]).toEqual([1, 4n, 'int32']);
  });
});

describe('toDelayed, concatenate and stack', () => {
  it("a 0-d array's toDelayed is one Delayed of its value; an n-d array's its blocks", async () => {
    const i = da.ones([3], { dtype: 'int32' });
    const d = i.sum().toDelayed();
    expectTypeOf(d).toEqualTypeOf<Delayed<bigint>>();
    expect(await d.compute(sync)).toBe(3n);
    expectTypeOf(i.toDelayed()).toEqualTypeOf<da.DelayedBlocks>();
    expect(Array.isArray(i.toDelayed())).toBe(true);
  });

  it('concatenate keeps the ndim and stack adds one; the dtype is promoted over the inputs', async () => {
    const a = da.ones([2], { dtype: 'int8' });
    const b = da.ones([2], { dtype: 'uint8' });
    const c = da.concatenate([a, b]);
    expectTypeOf(c).toEqualTypeOf<da.DaskArray<'int8' | 'uint8' | 'int16', 1>>();
    expect(c.dtype).toBe('int16');
    const s = await da.stack([a, a]).compute(sync);
    expectTypeOf(s).toEqualTypeOf<NDArray<'int8'>>();
    expect([s.dtype, s.shape]).toEqual(['int8', [2, 2]]);
  });
});

describe('the module functions are typed as the methods', () => {
  it('da.sum / da.mean / da.std / da.variance, da.matmul / da.dot / da.outer', async () => {
    const x = da.ones([3, 2], { dtype: 'int8' });
    const s = await da.sum(x).compute(sync);
    expectTypeOf(s).toEqualTypeOf<bigint>();
    expect(s).toBe(6n);
    const m = await da.mean(x, { axis: 1 }).compute(sync);
    expectTypeOf(m).toEqualTypeOf<NDArray<'float64'>>();
    expect([m.dtype, m.shape]).toEqual(['float64', [3]]);
    expectTypeOf(await da.std(x).compute(sync)).toEqualTypeOf<number>();
    expectTypeOf(await da.variance(x, { keepdims: true }).compute(sync)).toEqualTypeOf<NDArray<'float64'>>();
    const p = await da.matmul(x, x.T).compute(sync);
    expectTypeOf(p).toEqualTypeOf<NDArray<'int8'>>();
    expect([p.dtype, p.shape]).toEqual(['int8', [3, 3]]);
    const v = da.fromArray([1, 2]);
    const d = await da.dot(v, v).compute(sync);
    expectTypeOf(d).toEqualTypeOf<number>();
    expect(d).toBe(5);
    const o = await da.outer(v, x).compute(sync);
    expectTypeOf(o).toEqualTypeOf<NDArray<'float64'>>();
    expect([o.dtype, o.shape]).toEqual(['float64', [2, 6]]);
  });
});

describe('the element-wise module functions take the array on either side', () => {
  it('da.add(1, x), da.maximum, da.less, da.sqrt, da.floor, da.where, da.clip', async () => {
    const i = da.ones([2, 3], { dtype: 'int16' });
    const u = da.ones([3], { dtype: 'uint8' });
    expectTypeOf(da.add(1, i)).toEqualTypeOf<da.DaskArray<'int16', 2>>();
    expect(da.add(1, i).dtype).toBe('int16');
    expectTypeOf(da.divide(3, u)).toEqualTypeOf<da.DaskArray<'float64', 1>>();
    expect(da.divide(3, u).dtype).toBe('float64');
    expectTypeOf(da.maximum(i, u)).toEqualTypeOf<da.DaskArray<'int16', 2>>();
    expect(da.maximum(i, u).dtype).toBe('int16');
    expectTypeOf(da.less(0.5, u)).toEqualTypeOf<da.DaskArray<'bool', 1>>();
    expect(da.less(0.5, u).dtype).toBe('bool');
    expectTypeOf(da.sqrt(u)).toEqualTypeOf<da.DaskArray<'float32', 1>>();
    expect(da.sqrt(u).dtype).toBe('float32');
    expectTypeOf(da.floor(da.less(0.5, u))).toEqualTypeOf<da.DaskArray<'float32', 1>>();
    expect(da.floor(da.less(0.5, u)).dtype).toBe('float32');
    const w = da.where(da.less(u, 2), u, 0.5);
    expectTypeOf(w).toEqualTypeOf<da.DaskArray<'float64', 1>>();
    expect(w.dtype).toBe('float64');
    expectTypeOf(da.where(true, i, u)).toEqualTypeOf<da.DaskArray<'int16', 2>>();
    expect(da.where(true, i, u).dtype).toBe('int16');
    expectTypeOf(da.clip(u, 1, null)).toEqualTypeOf<da.DaskArray<'uint8', 1>>();
    expect(da.clip(u, -1, 300).dtype).toBe('uint8');
    expectTypeOf(i.clip(0, 2.5)).toEqualTypeOf<da.DaskArray<'float64', 2>>();
    expect(i.clip(0, 2.5).dtype).toBe('float64');
    const s = await da.multiply(u, 2).sum().compute(sync);
    expectTypeOf(s).toEqualTypeOf<bigint>();
    expect(s).toBe(6n);
  });
});

describe('element-wise results carry their dtype and ndim into a reduction', () => {
  it('a scalar does not widen an array (NEP 50); a fraction makes an integer array float64', async () => {
    const i = da.ones([2, 2], { dtype: 'int16' });
    expectTypeOf(i.add(1)).toEqualTypeOf<da.DaskArray<'int16', 2>>();
    expect(i.add(1).dtype).toBe('int16');
    expectTypeOf(i.mul(0.5)).toEqualTypeOf<da.DaskArray<'float64', 2>>();
    expect(i.mul(0.5).dtype).toBe('float64');
    expectTypeOf(i.div(2)).toEqualTypeOf<da.DaskArray<'float64', 2>>();
    expect(i.div(2).dtype).toBe('float64');
    const b = i.gt(0);
    expectTypeOf(b.add(true)).toEqualTypeOf<da.DaskArray<'bool', 2>>();
    expectTypeOf(b.add(1)).toEqualTypeOf<da.DaskArray<'int64', 2>>();
    expect([b.add(true).dtype, b.add(1).dtype, b.floorDiv(b).dtype]).toEqual(['bool', 'int64', 'int8']);
    const mx = await i.sub(3).abs().max().compute(sync);
    expectTypeOf(mx).toEqualTypeOf<number>();
    expect(mx).toBe(2);
  });

  it('broadcasting takes the larger ndim', async () => {
    const row = da.fromArray([1, 2, 3]);
    const m = da.ones([2, 3]);
    expectTypeOf(row.add(m)).toEqualTypeOf<da.DaskArray<'float64', 2>>();
    const r = await row.add(m).sum({ axis: 0 }).compute(sync);
    expectTypeOf(r).toEqualTypeOf<NDArray<'float64'>>();
    expect(r.toArray()).toEqual([4, 6, 8]);
  });
});

describe('where the types cannot know, they give every possible answer', () => {
  it('a dtype only known at runtime: the union of values', async () => {
    const d: DType = 'int64' as DType;
    const x = da.ones([3], { dtype: d });
    const s = await x.max().compute(sync);
    expectTypeOf(s).toEqualTypeOf<number | bigint | boolean>();
    expect(typeof s).toBe('bigint');
    // mean is a float whatever the dtype
    expectTypeOf(await x.mean().compute(sync)).toEqualTypeOf<number>();
  });

  it('a shape only known at runtime: an NDArray or a plain value', async () => {
    const shape: number[] = [3];
    const x = da.zeros(shape);
    expectTypeOf(x).toEqualTypeOf<da.DaskArray<'float64', number>>();
    const r = await x.sum({ axis: 0 }).compute(sync);
    expectTypeOf(r).toEqualTypeOf<NDArray<'float64'> | number>();
    expect(typeof r).toBe('number');
    // no axis: a plain value whatever the ndim
    expectTypeOf(await x.sum().compute(sync)).toEqualTypeOf<number>();
  });

  it('options typed only as ReduceOptions', async () => {
    const opts: da.ReduceOptions = { axis: 0 };
    const r = await da.ones([2, 2]).sum(opts).compute(sync);
    expectTypeOf(r).toEqualTypeOf<NDArray<'float64'> | number>();
    expect(r).toBeInstanceOf(da.NDArray);
  });

  it('a plain DaskArray computes to ArrayResult, as before', () => {
    const x: da.DaskArray = da.ones([2]);
    expectTypeOf(x.compute(sync)).resolves.toEqualTypeOf<da.ArrayResult>();
    expectTypeOf<da.ArrayResult>().toEqualTypeOf<NDArray | number | bigint | boolean>();
  });

  it('a nested array typed only as boolean[] may be empty (then float64)', async () => {
    const flags: boolean[] = [];
    const x = da.fromArray(flags);
    expectTypeOf(x).toEqualTypeOf<da.DaskArray<'bool' | 'float64', 1>>();
    expect(x.dtype).toBe('float64');
    expectTypeOf(da.fromArray([true, false]).dtype).toEqualTypeOf<'bool'>();
    expect(da.fromArray([true, false]).dtype).toBe('bool');
  });
});

describe('creation functions know dtype and ndim', () => {
  it('from the options, the fill value, the TypedArray or the nesting', () => {
    expectTypeOf(da.zeros([2, 3, 4])).toEqualTypeOf<da.DaskArray<'float64', 3>>();
    expectTypeOf(da.ones([5], { dtype: 'uint8' })).toEqualTypeOf<da.DaskArray<'uint8', 1>>();
    expectTypeOf(da.full([2, 2], 7n)).toEqualTypeOf<da.DaskArray<'int64', 2>>();
    expect(da.full([2, 2], 7n).dtype).toBe('int64');
    expectTypeOf(da.full([2], true)).toEqualTypeOf<da.DaskArray<'bool', 1>>();
    expect(da.full([2], true).dtype).toBe('bool');
    expectTypeOf(da.fromArray(new Float32Array(6), { shape: [2, 3] })).toEqualTypeOf<da.DaskArray<'float32', 2>>();
    expectTypeOf(da.fromArray(new Int16Array(6))).toEqualTypeOf<da.DaskArray<'int16', 1>>();
    expect(da.fromArray(new Int16Array(6)).dtype).toBe('int16');
    expectTypeOf(da.fromArray([[[1]], [[2]]])).toEqualTypeOf<da.DaskArray<'float64', 3>>();
    expect(da.fromArray([[[1]], [[2]]]).ndim).toBe(3);
    expectTypeOf(da.arange(0, 1, 0.25)).toEqualTypeOf<da.DaskArray<'float64', 1>>();
    expect(da.arange(0, 1, 0.25).dtype).toBe('float64');
    expectTypeOf(da.linspace(0, 1, 5)).toEqualTypeOf<da.DaskArray<'float64', 1>>();
    expectTypeOf(da.eye(3, { dtype: 'int32' })).toEqualTypeOf<da.DaskArray<'int32', 2>>();
    expectTypeOf(da.random.randint(0, 9, [3, 3])).toEqualTypeOf<da.DaskArray<'int64', 2>>();
    expectTypeOf(da.ones([2, 3]).reshape([3, 2, 1])).toEqualTypeOf<da.DaskArray<'float64', 3>>();
  });

  it('an arange of a number only known at runtime may be int64 or float64', () => {
    const n: number = 4;
    expectTypeOf(da.arange(n)).toEqualTypeOf<da.DaskArray<'int64' | 'float64', 1>>();
    expect(da.arange(n).dtype).toBe('int64');
  });
});

/** Calls the types must refuse. Type-checked by tsc, never run. */
export function refused(x: da.DaskArray<'float64', 2>, i: da.DaskArray<'int64', 1>): void {
  void (async () => {
    // @ts-expect-error the sum of an int64 array is a bigint: no toFixed
    (await i.sum().compute()).toFixed(2);
    // @ts-expect-error a mean over one axis of a matrix is an NDArray, not a number
    (await x.mean({ axis: 0 }).compute()).toFixed(2);
    // @ts-expect-error any() is a boolean
    const n: number = await x.any().compute();
    void n;
    // @ts-expect-error with keepdims the result is still an NDArray
    (await x.max({ keepdims: true }).compute()).toFixed(2);
  })();
}
