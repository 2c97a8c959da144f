/** Row order for sorting by columns: stable, nulls last (as pandas' na_position='last'). */
import { allocF64, allocI32, type ColumnData, type Partition } from './columns.js';
import { ColumnNotFoundError } from '../errors.js';

/** Numeric sort keys for a column: values, or dictionary ranks for strings; NaN for null. */
export function sortKeys(c: ColumnData, n: number): Float64Array {
  const out = allocF64(n);
  let rank: Float64Array | undefined;
  if (c.type === 'utf8') {
    const dict = c.dict as string[];
    const order = dict.map((_, j) => j).sort((a, b) => {
      const x = dict[a] as string;
      const y = dict[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    rank = new Float64Array(dict.length);
    order.forEach((j, r) => ((rank as Float64Array)[j] = r));
  }
  const v = c.values;
  for (let i = 0; i < n; i++) {
    if (c.valid !== undefined && c.valid[i] === 0) out[i] = NaN;
    else out[i] = rank === undefined ? (v[i] as number) : (rank[v[i] as number] as number);
  }
  return out;
}

/** The row order that sorts `p` by the columns `by` (ascending per column). */
export function sortIndex(p: Partition, by: string[], ascending: boolean[]): Int32Array {
  const n = p.length;
  const keys = by.map((name) => {
    const i = p.names.indexOf(name);
    if (i < 0) throw new ColumnNotFoundError(name, p.names, 'sort');
    return sortKeys(p.columns[i] as ColumnData, n);
  });
  const idx = allocI32(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const asc = by.map((_, k) => (ascending[k] === false ? -1 : 1));
  if (keys.length === 1) {
    const a = keys[0] as Float64Array;
    const s = asc[0] as number;
    idx.sort((i, j) => {
      const x = a[i] as number;
      const y = a[j] as number;
      if (x !== x) return y !== y ? i - j : 1;
      if (y !== y) return -1;
      return x < y ? -s : x > y ? s : i - j;
    });
    return idx;
  }
  idx.sort((i, j) => {
    for (let k = 0; k < keys.length; k++) {
      const a = keys[k] as Float64Array;
      const x = a[i] as number;
      const y = a[j] as number;
      if (x !== x) {
        if (y !== y) continue;
        return 1;
      }
      if (y !== y) return -1;
      if (x < y) return -(asc[k] as number);
      if (x > y) return asc[k] as number;
    }
    return i - j;
  });
  return idx;
}
