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
    const nd = await x.compute({ scheduler });
    const v = Array.from(nd.data as Float64Array);
    const n = v.length;
    const sum = v.reduce((a, b) => a + b, 0);
    const mean = sum / n;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(await x.sum().compute({ scheduler })).toBeCloseTo(sum, 9);
    expect(await x.mean().compute({ scheduler })).toBeCloseTo(mean, 12);
    expect(await x.std().compute({ scheduler })).toBeCloseTo(std, 12);
    expect(await x.max().compute({ scheduler })).toBe(Math.max(...v));
    const col0 = (await x.sum({ axis: 0 }).compute({ scheduler })).data as Float64Array;
    for (let j = 0; j < 70; j++) {
      let s = 0;
      for (let i = 0; i < 203; i++) s += v[i * 70 + j]!;
      expect(col0[j]).toBeCloseTo(s, 9);
    }
    const rows = (await x.mean({ axis: 1 }).compute({ scheduler })).data as Float64Array;
    for (let i = 0; i < 203; i++) {
      let s = 0;
      for (let j = 0; j < 70; j++) s += v[i * 70 + j]!;
      expect(rows[i]).toBeCloseTo(s / 70, 12);
    }
  });

  it('never build the random chunks when axis 0 is reduced', () => {
    const ops = (c: Parameters<typeof graphOf>[0][0]) => graphOf([c]).graph.nodes.map((n) => JSON.stringify(n));
    expect(ops(x.mean()).some((s) => s.includes('#randomUniform'))).toBe(false);
    expect(ops(x.mean()).filter((s) => s.includes('#reduceGenerated')).length).toBe(15);
    expect(ops(x.mean({ axis: 1 })).some((s) => s.includes('#randomUniform'))).toBe(true);
  });
});
