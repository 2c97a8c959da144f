/**
 * Row order for sorting by columns: stable, nulls last (as pandas' na_position='last'), NaN
 * counted as null, -0 equal to 0. Keys are float64 numbers (string columns by dictionary
 * rank). One key is sorted by one of three stable kernels, chosen from a scan of its values:
 *   - integers spanning a small range (dictionary ranks, dates, most int columns): a counting
 *     sort, one pass;
 *   - a few rows: the engine's stable comparison sort;
 *   - otherwise: an LSD radix sort of the float64 bits mapped to unsigned integers that order
 *     like the numbers, 16 bits a pass, skipping passes whose digit is the same for all rows.
 * Several keys sort least significant first, each pass stable.
 */
import { type ColumnData, type Partition } from './columns.js';
import { columnOf } from './column-lookup.js';

/**
 * Numeric sort keys for the first n rows of a column: values, or dictionary ranks for strings;
 * NaN for null. Float64 values with no nulls are their own keys (NaN sorts as null either
 * way): returned as they are, so the caller must not write to the keys.
 */
export function sortKeys(c: Pick<ColumnData, 'values' | 'valid' | 'dict'>, n: number): Float64Array {
  if (c.values instanceof Float64Array && c.valid === undefined) return c.values.length === n ? c.values : c.values.subarray(0, n);
  const out = new Float64Array(n);
  const rank = c.dict !== undefined ? dictRanks(c.dict) : undefined;
  const v = c.values;
  for (let i = 0; i < n; i++) {
    if (c.valid !== undefined && c.valid[i] === 0) out[i] = NaN;
    else out[i] = rank === undefined ? (v[i] as number) : (rank[v[i] as number] as number);
  }
  return out;
}

/** The rank of each dictionary entry among the entries, by JavaScript string order. */
export function dictRanks(dict: string[]): Int32Array {
  const order = dict
    .map((_, j) => j)
    .sort((a, b) => {
      const x = dict[a] as string;
      const y = dict[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const rank = new Int32Array(dict.length);
  for (let r = 0; r < order.length; r++) rank[order[r] as number] = r;
  return rank;
}

/** Integer keys spanning at most this many values take the counting sort. */
const COUNTING_MAX_RANGE = 1 << 20;
/** Fewer rows than this take the comparison sort. */
const SMALL = 256;

/**
 * Row numbers ordered stably by `key[row]`, ascending or descending, rows whose key is NaN last
 * in their current order. `perm` is the current order of the rows (null: 0 .. n - 1, and then
 * `key` is read in place). Returns a new array.
 */
export function stableSortBy(perm: Int32Array | null, key: Float64Array, ascending: boolean, n = perm?.length ?? key.length): Int32Array {
  // The keys in the current order (one random read each, unless already in order), and what
  // the kernels choose by.
  let k = key;
  if (perm !== null) {
    k = new Float64Array(n);
    for (let i = 0; i < n; i++) k[i] = key[perm[i] as number] as number;
  }
  let min = Infinity;
  let max = -Infinity;
  let ints = true;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const x = k[i] as number;
    if (x !== x) {
      nulls++;
      continue;
    }
    if (x < min) min = x;
    if (x > max) max = x;
    if (ints && (x | 0) !== x && Math.floor(x) !== x) ints = false;
  }
  const range = max - min;
  // The count array stays within a few times the rows (plus 64k for big inputs).
  if (nulls === n || (ints && range < COUNTING_MAX_RANGE && range <= 4 * n + (n < SMALL ? 0 : 65536))) {
    return countingSort(perm, k, n, nulls, min, max, ascending);
  }
  if (n < SMALL) return comparisonSort(perm, k, n, ascending);
  return radixSort(perm, k, n, nulls, ascending);
}

function countingSort(perm: Int32Array | null, k: Float64Array, n: number, nulls: number, min: number, max: number, ascending: boolean): Int32Array {
  const out = new Int32Array(n);
  if (nulls === n) {
    for (let i = 0; i < n; i++) out[i] = perm === null ? i : (perm[i] as number);
    return out;
  }
  const count = new Int32Array(max - min + 2);
  if (ascending) {
    for (let i = 0; i < n; i++) {
      const x = k[i] as number;
      if (x === x) count[((x - min) | 0) + 1]++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = k[i] as number;
      if (x === x) count[((max - x) | 0) + 1]++;
    }
  }
  const R = count.length - 1;
  for (let d = 0; d < R; d++) count[d + 1] += count[d] as number;
  let z = n - nulls;
  for (let i = 0; i < n; i++) {
    const x = k[i] as number;
    const r = perm === null ? i : (perm[i] as number);
    if (x !== x) out[z++] = r;
    else out[count[ascending ? (x - min) | 0 : (max - x) | 0]++] = r;
  }
  return out;
}

function comparisonSort(perm: Int32Array | null, k: Float64Array, n: number, ascending: boolean): Int32Array {
  const pos = Array.from({ length: n }, (_, i) => i);
  const sign = ascending ? 1 : -1;
  pos.sort((a, b) => {
    const x = k[a] as number;
    const y = k[b] as number;
    if (x !== x) return y !== y ? 0 : 1;
    if (y !== y) return -1;
    return x < y ? -sign : x > y ? sign : 0;
  });
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = perm === null ? (pos[i] as number) : (perm[pos[i] as number] as number);
  return out;
}

/** The six radix digits of a 64-bit key held as two words: 11, 11 and 10 bits of each. */
const SHIFT = [0, 11, 22, 0, 11, 22];
const MASK = [0x7ff, 0x7ff, 0x3ff, 0x7ff, 0x7ff, 0x3ff];
const RADIX = 2049;

function radixSort(perm: Int32Array | null, k: Float64Array, n: number, nulls: number, ascending: boolean): Int32Array {
  const m = n - nulls;
  // Keys as two 32-bit words that order like the numbers (descending: of the negated numbers;
  // `+ 0` makes -0 equal to 0); rows travel with their keys, so each pass reads sequentially.
  let order = new Int32Array(m);
  let hi = new Uint32Array(m);
  let lo = new Uint32Array(m);
  const out = new Int32Array(n);
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  let j = 0;
  let z = m;
  for (let i = 0; i < n; i++) {
    const x = k[i] as number;
    const r = perm === null ? i : (perm[i] as number);
    if (x !== x) {
      out[z++] = r;
      continue;
    }
    f[0] = ascending ? x + 0 : -x + 0;
    let h = w[1] as number;
    let l = w[0] as number;
    if (h >>> 31) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[j] = h;
    lo[j] = l;
    order[j++] = r;
  }
  // All six histograms in one read; a pass whose digit is the same for every row is skipped
  // (small integers leave most of the 64 bits constant).
  const counts = new Int32Array(6 * RADIX);
  for (let i = 0; i < m; i++) {
    const l = lo[i] as number;
    const h = hi[i] as number;
    counts[(l & 0x7ff) + 1]++;
    counts[RADIX + ((l >>> 11) & 0x7ff) + 1]++;
    counts[2 * RADIX + (l >>> 22) + 1]++;
    counts[3 * RADIX + (h & 0x7ff) + 1]++;
    counts[4 * RADIX + ((h >>> 11) & 0x7ff) + 1]++;
    counts[5 * RADIX + (h >>> 22) + 1]++;
  }
  const live: number[] = [];
  for (let p = 0; p < 6; p++) {
    const words = p < 3 ? lo : hi;
    if (counts[p * RADIX + (((words[0] as number) >>> (SHIFT[p] as number)) & (MASK[p] as number)) + 1] !== m) live.push(p);
  }
  let no = new Int32Array(m);
  let nh = new Uint32Array(m);
  let nl = new Uint32Array(m);
  for (let q = 0; q < live.length; q++) {
    const p = live[q] as number;
    const base = p * RADIX;
    const words = p < 3 ? lo : hi;
    const shift = SHIFT[p] as number;
    const mask = MASK[p] as number;
    for (let d = 0; d < RADIX - 1; d++) counts[base + d + 1] += counts[base + d] as number;
    const last = q === live.length - 1;
    if (last) {
      for (let i = 0; i < m; i++) no[counts[base + (((words[i] as number) >>> shift) & mask)]++] = order[i] as number;
    } else {
      for (let i = 0; i < m; i++) {
        const pos = counts[base + (((words[i] as number) >>> shift) & mask)]++;
        no[pos] = order[i] as number;
        nh[pos] = hi[i] as number;
        nl[pos] = lo[i] as number;
      }
      let t = hi;
      hi = nh;
      nh = t;
      t = lo;
      lo = nl;
      nl = t;
    }
    const o = order;
    order = no;
    no = o;
  }
  out.set(order);
  return out;
}

/** The row order that sorts `p` by the columns `by` (ascending per column; stable, nulls last). */
export function sortIndex(p: Partition, by: string[], ascending: boolean[]): Int32Array {
  const n = p.length;
  const keys = by.map((name) => {
    return sortKeys(columnOf(p, name, 'sort'), n);
  });
  return sortByKeys(keys, ascending, n);
}

/** The order of n rows sorted by numeric keys (most significant first; NaN last). */
export function sortByKeys(keys: Float64Array[], ascending: boolean[], n: number): Int32Array {
  // Least significant key first: each stable pass keeps the order of the later keys on ties.
  let perm: Int32Array | null = null;
  for (let k = keys.length - 1; k >= 0; k--) perm = stableSortBy(perm, keys[k] as Float64Array, ascending[k] !== false, n);
  if (perm === null) {
    perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
  }
  return perm;
}
