/**
 * Range partitioning for a global sort: sample each partition's first sort key, pick n - 1
 * boundaries from the pooled sample, split every partition by them, then each output bucket
 * is concatenated and sorted. Equal keys always land in the same bucket; nulls in the last.
 */
import { allocI32, take, type ColumnData, type Partition } from './columns.js';
import { ColumnNotFoundError } from '../errors.js';

type Val = number | string;

function values(p: Partition, name: string): (Val | null)[] {
  const i = p.names.indexOf(name);
  if (i < 0) throw new ColumnNotFoundError(name, p.names, 'sort');
  const c = p.columns[i] as ColumnData;
  const out: (Val | null)[] = new Array(p.length);
  for (let r = 0; r < p.length; r++) {
    if (c.valid !== undefined && c.valid[r] === 0) out[r] = null;
    else {
      const v = c.values[r] as number;
      out[r] = c.type === 'utf8' ? ((c.dict as string[])[v] as string) : v !== v ? null : v;
    }
  }
  return out;
}

const cmp = (a: Val, b: Val): number => (a < b ? -1 : a > b ? 1 : 0);

/** Up to `k` quantiles of the column, from a sample of evenly spaced rows (at most 20k). */
export function sampleColumn(p: Partition, name: string, k: number): Val[] {
  const i = p.names.indexOf(name);
  if (i < 0) throw new ColumnNotFoundError(name, p.names, 'sort');
  const c = p.columns[i] as ColumnData;
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

/** Splits a partition into bounds.length + 1 pieces by the first sort key. */
export function rangeSplit(p: Partition, name: string, bounds: Val[], ascending: boolean): Partition[] {
  const v = values(p, name);
  const n = bounds.length + 1;
  const bucket = allocI32(p.length);
  const counts = new Int32Array(n);
  for (let r = 0; r < p.length; r++) {
    const x = v[r];
    let b: number;
    if (x === null || x === undefined) b = n - 1;
    else {
      let lo = 0;
      let hi = bounds.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmp(bounds[mid] as Val, x) < 0) lo = mid + 1;
        else hi = mid;
      }
      b = ascending ? lo : n - 1 - lo;
    }
    bucket[r] = b;
    counts[b]++;
  }
  const idx = Array.from({ length: n }, (_, b) => allocI32(counts[b] as number));
  const fill = new Int32Array(n);
  for (let r = 0; r < p.length; r++) {
    const b = bucket[r] as number;
    (idx[b] as Int32Array)[fill[b]++] = r;
  }
  return idx.map((ix) => take(p, ix));
}
