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

/**
 * A stable LSD radix sort of `perm` (row numbers) by numeric keys: the float64 bits are mapped
 * to unsigned integers that order like the numbers, then four passes of 16 bits each. Rows
 * whose key is NaN (null) go last, in their current order.
 */
function radixByKey(perm: Int32Array, key: Float64Array, ascending: boolean): Int32Array {
  const n = perm.length;
  const live = new Int32Array(n);
  const nulls = new Int32Array(n);
  let m = 0;
  let z = 0;
  for (let i = 0; i < n; i++) {
    const r = perm[i] as number;
    if ((key[r] as number) !== (key[r] as number)) nulls[z++] = r;
    else live[m++] = r;
  }
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  for (let i = 0; i < m; i++) {
    const x = key[live[i] as number] as number;
    f[0] = ascending ? x + 0 : -x + 0;
    let h = w[1] as number;
    let l = w[0] as number;
    if (h >>> 31) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
  }
  // Keys travel with the rows, so each pass reads sequentially; a pass whose digit is the
  // same for every row is skipped (small integers leave most of the 64 bits constant).
  let order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = live[i] as number;
  let kh = hi;
  let kl = lo;
  let no = new Int32Array(m);
  let nh = new Uint32Array(m);
  let nl = new Uint32Array(m);
  const count = new Int32Array(65537);
  for (let pass = 0; pass < 4 && m > 1; pass++) {
    const words = pass < 2 ? kl : kh;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < m; i++) count[(((words[i] as number) >>> shift) & 0xffff) + 1]++;
    if (count[(((words[0] as number) >>> shift) & 0xffff) + 1] === m) continue;
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d] as number;
    for (let i = 0; i < m; i++) {
      const pos = count[((words[i] as number) >>> shift) & 0xffff]++;
      no[pos] = order[i] as number;
      nh[pos] = kh[i] as number;
      nl[pos] = kl[i] as number;
    }
    [order, no] = [no, order];
    [kh, nh] = [nh, kh];
    [kl, nl] = [nl, kl];
  }
  const out = allocI32(n);
  for (let i = 0; i < m; i++) out[i] = order[i] as number;
  for (let i = 0; i < z; i++) out[m + i] = nulls[i] as number;
  return out;
}

/** The row order that sorts `p` by the columns `by` (ascending per column; stable, nulls last). */
export function sortIndex(p: Partition, by: string[], ascending: boolean[]): Int32Array {
  const n = p.length;
  const keys = by.map((name) => {
    const i = p.names.indexOf(name);
    if (i < 0) throw new ColumnNotFoundError(name, p.names, 'sort');
    return sortKeys(p.columns[i] as ColumnData, n);
  });
  let perm = allocI32(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  // Least significant key first: each stable pass keeps the order of the later keys on ties.
  for (let k = keys.length - 1; k >= 0; k--) perm = radixByKey(perm, keys[k] as Float64Array, ascending[k] !== false);
  return perm;
}
