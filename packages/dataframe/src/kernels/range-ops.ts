/**
 * Range partitioning for a global sort: sample each partition's first sort key and pick n - 1
 * boundaries from the pooled sample; range-shuffle.ts then splits every partition by them and
 * sorts each output bucket.
 */
import type { Partition } from './columns.js';
import { columnOf } from './column-lookup.js';

type Val = number | string;

const cmp = (a: Val, b: Val): number => (a < b ? -1 : a > b ? 1 : 0);

/** Up to `k` quantiles of the column, from a sample of evenly spaced rows (at most 20k). */
export function sampleColumn(p: Partition, name: string, k: number): Val[] {
  const c = columnOf(p, name, 'sort');
  const step = Math.max(1, Math.floor(p.length / (20 * k)));
  const v: Val[] = [];
  for (let r = 0; r < p.length; r += step) {
    if (c.valid !== undefined && c.valid[r] === 0) continue;
    const x = c.values[r] as number;
    if (c.type === 'utf8') v.push((c.dict as string[])[x] as string);
    else if (x === x) v.push(x);
  }
  v.sort(cmp);
  if (v.length <= k) return v;
  const out: Val[] = [];
  for (let j = 0; j < k; j++) out.push(v[Math.floor(((j + 0.5) * v.length) / k)] as Val);
  return out;
}

/** n - 1 boundaries from pooled samples (ascending). */
export function boundaries(n: number, ...samples: Val[][]): Val[] {
  const all = samples.flat().sort(cmp);
  const out: Val[] = [];
  if (all.length === 0) return out;
  for (let j = 1; j < n; j++) out.push(all[Math.min(all.length - 1, Math.floor((j * all.length) / n))] as Val);
  return out;
}
