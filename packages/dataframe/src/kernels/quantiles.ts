/**
 * Approximate quantiles for describe(), as Dask's are approximate: each partition gives up to
 * k evenly spaced order statistics of a column with its count; the combined sample weighs each
 * value by count / samples of its partition, and a quantile is read off the weighted CDF.
 */
import type { Partition } from './columns.js';
import { columnOf } from './column-lookup.js';

export interface Sketch {
  n: number;
  values: number[];
}

/** Up to k order statistics of each numeric column (nulls and NaN skipped). */
export function quantileSketch(p: Partition, columns: string[], k: number): Sketch[] {
  return columns.map((name) => {
    const c = columnOf(p, name, 'describe()');
    const vals: number[] = [];
    for (let i = 0; i < p.length; i++) {
      if (c.valid !== undefined && c.valid[i] === 0) continue;
      const x = c.values[i] as number;
      if (x === x) vals.push(x);
    }
    vals.sort((a, b) => a - b);
    if (vals.length <= k) return { n: vals.length, values: vals };
    const out: number[] = [];
    for (let j = 0; j < k; j++) out.push(vals[Math.round((j * (vals.length - 1)) / (k - 1))] as number);
    return { n: vals.length, values: out };
  });
}

/** The q-quantiles (0..1) of column `col` from every partition's sketches. */
export function combineQuantiles(sketches: Sketch[][], col: number, qs: number[]): (number | null)[] {
  const pts: [number, number][] = [];
  let total = 0;
  for (const s of sketches) {
    const sk = s[col] as Sketch;
    if (sk.values.length === 0) continue;
    const w = sk.n / sk.values.length;
    for (const v of sk.values) pts.push([v, w]);
    total += sk.n;
  }
  if (total === 0) return qs.map(() => null);
  pts.sort((a, b) => a[0] - b[0]);
  return qs.map((q) => {
    // Linear interpolation between the order statistics at positions floor and ceil of q (n - 1).
    const pos = q * (total - 1);
    const at = (r: number): number => {
      let acc = 0;
      for (const [v, w] of pts) {
        acc += w;
        if (acc > r + 1e-9) return v;
      }
      return (pts[pts.length - 1] as [number, number])[0];
    };
    const lo = Math.floor(pos);
    const frac = pos - lo;
    const a = at(lo);
    return frac === 0 ? a : a + (at(Math.min(total - 1, lo + 1)) - a) * frac;
  });
}

/** Passes the aggregate partition and the sketches on together (one task for describe). */
export function describeParts(agg: Partition, ...sketches: Sketch[][]): { agg: Partition; sketches: Sketch[][] } {
  return { agg, sketches };
}
