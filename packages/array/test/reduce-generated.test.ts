// Reductions of fresh uniform random arrays generate their blocks inside the partial step;
// they must give what reducing the materialized array gives (references: plain loops over
// the computed array's numbers).
import { describe, expect, it } from 'vitest';
import { graphOf } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import '@tsdask/scheduler-local';

describe.each(['sync', 'threads'])('reductions of generated random arrays (%s)', (scheduler) => {
  const x = da.random.random([203, 70], { chunks: [50, 30], seed: 7 });

  it('match plain loops over the same numbers', async () => {
    const nd = (await x.compute({ scheduler })) as da.NDArray;
    const v = Array.from(nd.data as Float64Array);
    const n = v.length;
    const sum = v.reduce((a, b) => a + b, 0);
    const mean = sum / n;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(await x.sum().compute({ scheduler })).toBeCloseTo(sum, 9);
    expect(await x.mean().compute({ scheduler })).toBeCloseTo(mean, 12);
    expect(await x.std().compute({ scheduler })).toBeCloseTo(std, 12);
    expect(await x.max().compute({ scheduler })).toBe(Math.max(...v));
    const col0 = ((await x.sum({ axis: 0 }).compute({ scheduler })) as da.NDArray).data as Float64Array;
    for (let j = 0; j < 70; j++) {
      let s = 0;
      for (let i = 0; i < 203; i++) s += v[i * 70 + j]!;
      expect(col0[j]).toBeCloseTo(s, 9);
    }
    const rows = ((await x.mean({ axis: 1 }).compute({ scheduler })) as da.NDArray).data as Float64Array;
    for (let i = 0; i < 203; i++) {
      let s = 0;
      for (let j = 0; j < 70; j++) s += v[i * 70 + j]!;
      expect(rows[i]).toBeCloseTo(s / 70, 12);
    }
  });

  it('match plain loops for every kind the generated path draws into accumulators', async () => {
    // a 3-d array with an uneven last block on every axis: axis 0 alone leaves the inner axis
    // unreduced (the column-accumulating loop), (0, 2) and all axes reduce it
    const y = da.random.random([23, 6, 11], { chunks: [10, 4, 5], seed: 11 });
    const v = Array.from(((await y.compute({ scheduler })) as da.NDArray).data as Float64Array);
    const at = (i: number, j: number, k: number): number => v[(i * 6 + j) * 11 + k]!;
    const all = (f: (a: number, b: number) => number, init: number): number => v.reduce(f, init);
    expect(await y.min().compute({ scheduler })).toBe(Math.min(...v));
    expect(await y.nanmax().compute({ scheduler })).toBe(Math.max(...v));
    expect(await y.all().compute({ scheduler })).toBe(v.every((a) => a !== 0));
    expect(await y.nanmean().compute({ scheduler })).toBeCloseTo(all((a, b) => a + b, 0) / v.length, 12);
    const s0 = (await y.sum({ axis: 0 }).compute({ scheduler })) as da.NDArray;
    const m02 = (await y.mean({ axis: [0, 2] }).compute({ scheduler })) as da.NDArray;
    const mx0 = (await y.max({ axis: 0, keepdims: true }).compute({ scheduler })) as da.NDArray;
    const p0 = (await y.prod({ axis: 0 }).compute({ scheduler })) as da.NDArray;
    expect(s0.shape).toEqual([6, 11]);
    expect(mx0.shape).toEqual([1, 6, 11]);
    for (let j = 0; j < 6; j++) {
      let sj = 0;
      for (let k = 0; k < 11; k++) {
        let s = 0;
        let m = -Infinity;
        let p = 1;
        for (let i = 0; i < 23; i++) {
          s += at(i, j, k);
          m = Math.max(m, at(i, j, k));
          p *= at(i, j, k);
        }
        expect(Math.abs((p0.get(j, k) as number) / p - 1)).toBeLessThan(1e-12);
        sj += s;
        expect(s0.get(j, k)).toBeCloseTo(s, 12);
        expect(mx0.get(0, j, k)).toBe(m);
      }
      expect(m02.get(j)).toBeCloseTo(sj / (23 * 11), 12);
    }
  });

  it('never build the random chunks when axis 0 is reduced', () => {
    const ops = (c: Parameters<typeof graphOf>[0][0]) => graphOf([c]).graph.nodes.map((n) => JSON.stringify(n));
    expect(ops(x.mean()).some((s) => s.includes('#randomUniform'))).toBe(false);
    expect(ops(x.mean()).filter((s) => s.includes('#reduceGenerated')).length).toBe(15);
    expect(ops(x.mean({ axis: 1 })).some((s) => s.includes('#randomUniform'))).toBe(true);
    expect(ops(x.max({ axis: 0 })).some((s) => s.includes('#randomUniform'))).toBe(false);
  });
});
