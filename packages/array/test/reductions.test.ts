import { describe, expect, it } from 'vitest';
import { compute } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { build, expectClose, flat, refReduce, SCHEDULERS, shapeOf, type N } from './support.js';

const X = build([5, 7, 4], (i) => ((i * 37) % 23) - 11 + (i % 3) * 0.25);
const sum = (v: number[]): number => v.reduce((p, q) => p + q, 0);
const mean = (v: number[]): number => sum(v) / v.length;
const variance =
  (ddof: number) =>
  (v: number[]): number => {
    const m = mean(v);
    return sum(v.map((x) => (x - m) ** 2)) / (v.length - ddof);
  };
const argmin = (v: number[]): number => v.indexOf(Math.min(...v));
const argmax = (v: number[]): number => v.indexOf(Math.max(...v));

/** Reference over several axes by reducing them one after another is wrong for mean/var, so reduce a transposed flat list instead. */
function refAxes(x: N, axes: number[], f: (v: number[]) => number): N | number {
  const shape = shapeOf(x);
  const keep = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const out = build(
    keep.map((d) => shape[d] as number),
    (_, kidx) => {
      const vals: number[] = [];
      const rec = (d: number, idx: number[]): void => {
        if (d === shape.length) {
          let v: N = x;
          for (const i of idx) v = (v as N[])[i] as N;
          vals.push(v as number);
          return;
        }
        if (keep.includes(d)) rec(d + 1, [...idx, kidx[keep.indexOf(d)] as number]);
        else for (let i = 0; i < (shape[d] as number); i++) rec(d + 1, [...idx, i]);
      };
      rec(0, []);
      return f(vals);
    },
  );
  return keep.length === 0 ? (flat(out)[0] as number) : out;
}

describe.each(SCHEDULERS)('reductions on %s', (scheduler) => {
  it('sum, prod, min, max, mean, var, std over axes with uneven chunks and keepdims', async () => {
    const x = da.fromArray(X, { chunks: [2, 3, 3] });
    const cases: [da.DaskArray, N | number, number?][] = [];
    for (const axis of [undefined, 0, 1, 2, [0, 2]] as (number | number[] | undefined)[]) {
      const axes = axis === undefined ? [0, 1, 2] : typeof axis === 'number' ? [axis] : axis;
      cases.push([x.sum({ axis }), refAxes(X, axes, sum)]);
      cases.push([x.min({ axis }), refAxes(X, axes, (v) => Math.min(...v))]);
      cases.push([x.max({ axis }), refAxes(X, axes, (v) => Math.max(...v))]);
      cases.push([x.mean({ axis }), refAxes(X, axes, mean)]);
      cases.push([x.var({ axis }), refAxes(X, axes, variance(0))]);
      cases.push([x.std({ axis, ddof: 1 }), refAxes(X, axes, (v) => Math.sqrt(variance(1)(v)))]);
    }
    const small = da.fromArray(
      build([6, 4], (i) => 1 + (i % 3) * 0.5),
      { chunks: [4, 3] },
    );
    cases.push([
      small.prod({ axis: 0 }),
      refReduce(
        build([6, 4], (i) => 1 + (i % 3) * 0.5),
        0,
        (v) => v.reduce((p, q) => p * q, 1),
      ),
    ]);
    const got = await compute(...cases.map((c) => c[0]), { scheduler });
    got.forEach((g, i) => expectClose(g as da.NDArray, cases[i]![1], 1e-12));
    const kd = (await x.sum({ axis: 1, keepdims: true }).compute({ scheduler })) as da.NDArray;
    expect(kd.shape).toEqual([5, 1, 4]);
  });

  it('float64 sums over long contiguous rows (the multi-stream kernel) for every tail length', async () => {
    // one block per array, so each length reaches the kernel whole: lengths 0..19 exercise
    // every remainder of the four-stream split, 64..80 the per-row path of axis -1 and (0, 2)
    for (let n = 0; n < 20; n++) {
      const v = build([n], (i) => ((i * 7919) % 101) * 0.37 - 9);
      expect(
        await da
          .fromArray(v, { chunks: Math.max(1, n) })
          .sum()
          .compute({ scheduler }),
      ).toBeCloseTo(sum(v as number[]), 9);
    }
    for (const inner of [64, 71, 80]) {
      const M = build([3, 2, inner], (i) => ((i * 37) % 23) - 11 + (i % 5) * 0.125);
      const x = da.fromArray(M, { chunks: [2, 2, inner] });
      const [last, outer] = await compute(x.sum({ axis: -1 }), x.sum({ axis: [0, 2] }), { scheduler });
      expectClose(last as da.NDArray, refAxes(M, [2], sum), 1e-12);
      expectClose(outer as da.NDArray, refAxes(M, [0, 2], sum), 1e-12);
    }
  });

  it('tree reduction with splitEvery and chunks of size 1 gives the same answer', async () => {
    const v = build([40], (i) => (i * 7919) % 101);
    const x = da.fromArray(v, { chunks: 1 });
    const [a, b, c] = await compute(x.sum({ splitEvery: 2 }), x.mean({ splitEvery: 3 }), x.var({ splitEvery: 4 }), { scheduler });
    expect(a).toBe(sum(v as number[]));
    expect(b).toBeCloseTo(mean(v as number[]), 12);
    expect(c).toBeCloseTo(variance(0)(v as number[]), 9);
    expect(x.sum({ splitEvery: 2 }).graph.layers.size).toBeGreaterThan(4);
  });

  it('argmin / argmax along an axis and flattened, ties keep the first', async () => {
    const A = build([6, 5], (i) => (i * 13) % 7);
    const x = da.fromArray(A, { chunks: [4, 2] });
    const [a0, a1, am, aM] = await compute(x.argmin({ axis: 0 }), x.argmax({ axis: 1 }), x.argmin(), x.argmax(), { scheduler });
    expect((a0 as da.NDArray).toArray()).toEqual((refReduce(A, 0, argmin) as number[]).map(BigInt));
    expect((a1 as da.NDArray).toArray()).toEqual((refReduce(A, 1, argmax) as number[]).map(BigInt));
    expect(am).toBe(BigInt(argmin(flat(A))));
    expect(aM).toBe(BigInt(argmax(flat(A))));
  });

  it('any, all, nan-variants and NaN propagation', async () => {
    const V = [1, NaN, 3, -2, NaN, 0.5, 4];
    const x = da.fromArray(V, { chunks: 3 });
    const allNan = da.fromArray([NaN, NaN, 1], { chunks: 2 }).slice({ stop: 2 });
    const clean = V.filter((v) => !Number.isNaN(v));
    const [s, ns, nm, nmin, nmax, mx, anyv, allv, allNanMin, gtAny] = await compute(
      x.sum(),
      x.nansum(),
      x.nanmean(),
      x.nanmin(),
      x.nanmax(),
      x.max(),
      x.any(),
      x.all(),
      allNan.nanmin(),
      x.gt(3.5).any(),
      { scheduler },
    );
    expect(s).toBeNaN();
    expect(ns).toBe(sum(clean));
    expect(nm).toBeCloseTo(mean(clean), 14);
    expect(nmin).toBe(-2);
    expect(nmax).toBe(4);
    expect(mx).toBeNaN();
    expect(anyv).toBe(true);
    expect(allv).toBe(true);
    expect(allNanMin).toBeNaN();
    expect(gtAny).toBe(true);
    const z = da.fromArray([1, 0, 2], { chunks: 2 });
    expect(await z.all().compute({ scheduler })).toBe(false);
  });

  it('integer sums are int64 (bigint), empty reductions follow NumPy', async () => {
    const i = da.fromArray(new Int32Array([2147483647, 2147483647, 5]), { chunks: 2 });
    const e = da.zeros([0, 3], { chunks: 2 });
    const [s, es, em] = await compute(i.sum(), e.sum({ axis: 0 }), e.mean(), { scheduler });
    expect(s).toBe(4294967299n);
    expect((es as da.NDArray).toArray()).toEqual([0, 0, 0]);
    expect(em).toBeNaN();
    expect(() => e.max()).toThrow(da.ShapeError);
  });

  it('var of values with a large offset stays accurate (stable combination)', async () => {
    const v = Array.from({ length: 1000 }, (_, k) => 1e9 + (k % 10));
    const x = da.fromArray(v, { chunks: 37 });
    const want = variance(0)(v.map((t) => t - 1e9));
    expect(await x.var().compute({ scheduler })).toBeCloseTo(want, 6);
  });

  it('cumsum and cumprod along axes and flattened', async () => {
    const A = build([5, 4], (i) => (i % 4) - 1.5);
    const x = da.fromArray(A, { chunks: [2, 3] });
    const cum = (v: number[], f: (a: number, b: number) => number): number[] => v.map((_, k) => v.slice(0, k + 1).reduce(f));
    const [c0, c1, cf, p1] = await compute(x.cumsum({ axis: 0 }), x.cumsum({ axis: 1 }), x.cumsum(), x.cumprod({ axis: 1 }), { scheduler });
    const T = (A as number[][])[0]!.map((_, j) => (A as number[][]).map((r) => r[j]!));
    const c0ref = (() => {
      const cols = T.map((c) => cum(c, (a, b) => a + b));
      return (A as number[][]).map((r, i) => r.map((_, j) => cols[j]![i]!));
    })();
    expectClose(c0 as da.NDArray, c0ref);
    expectClose(
      c1 as da.NDArray,
      (A as number[][]).map((r) => cum(r, (a, b) => a + b)),
    );
    expectClose(
      cf as da.NDArray,
      cum(flat(A), (a, b) => a + b),
    );
    expectClose(
      p1 as da.NDArray,
      (A as number[][]).map((r) => cum(r, (a, b) => a * b)),
    );
    const ints = (await da.arange(1, 7, 1, { chunks: 4 }).cumsum().compute({ scheduler })) as da.NDArray;
    expect(ints.toArray()).toEqual([1n, 3n, 6n, 10n, 15n, 21n]);
  });

  it('bad axes raise AxisError naming the axis', () => {
    const x = da.zeros([3, 4]);
    expect(() => x.sum({ axis: 2 })).toThrow(da.AxisError);
    expect(() => x.sum({ axis: [0, 0] })).toThrow(/axis \[0,0\]/);
    expect(() => x.argmin({ axis: -3 })).toThrow(da.AxisError);
  });
});
