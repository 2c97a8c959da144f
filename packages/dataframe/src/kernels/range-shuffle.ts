/**
 * The range shuffle of a global sort (sortValues, setIndex), after the boundaries are chosen
 * (range-ops.ts). Four task kinds; buffers are shared, so only small descriptors and one
 * string per dictionary cross threads:
 *   sortInput(p_i)       sample and packed dictionaries, in the batch that made p_i
 *                        (sort-input.ts).
 *   rangeSplit(in_i)     the bucket of every row by the first key; returns n RangePieces: the
 *                        rows of each bucket (stable), each in column buffers of its own and
 *                        without the string dictionaries, taken by the scheduler as pieces of
 *                        their own (shuffle.ts), so each can be spilled or freed alone.
 *   unifyDicts(in_0..)   one dictionary per string column over all inputs, and each input's
 *                        code map into it (unify-dicts.ts).
 *   rangeCollect(..)     bucket j: its piece of every split, in input order, copied end to end
 *                        (string codes mapped to the global dictionary on the way), sorted
 *                        (stable) and gathered; a string column keeps a dictionary of only
 *                        the entries it uses, in global order.
 * Gathering from one bucket's contiguous pieces (a few MB) rather than from whole input
 * partitions keeps the random reads of the gather within the cache.
 * Equal first keys always land in one bucket; nulls (and NaN) in the last.
 */
import { allocF64, allocI32, allocU8, takeColumn, type ColumnData, type DType, type Partition, type Values } from './columns.js';
import { sortByKeys, sortKeys } from './sort.js';
import { unpack, type Bound, type InputColumn, type SortInput } from './sort-input.js';
import type { UnifiedDicts } from './unify-dicts.js';
import { columnIndex } from './column-lookup.js';

/** The rows of one partition that fall in one output bucket, in buffers of their own. */
export interface RangePiece {
  names: string[];
  types: DType[];
  columns: { values: Values; valid?: Uint8Array | undefined }[];
  length: number;
}

/** The number of bounds below x (binary search); x equal to a bound goes below it. */
function lowerCount(bounds: Bound[], x: Bound): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((bounds[mid] as Bound) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * For integer keys spanning a small range, the bucket of every value from min to max (a table
 * lookup per row instead of a binary search, whose branches a CPU cannot predict).
 */
function bucketTable(
  v: Values,
  valid: Uint8Array | undefined,
  len: number,
  bounds: number[],
  ascending: boolean,
  n: number,
): { table: Uint16Array; min: number } | undefined {
  if (n > 65535) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < len; r++) {
    const x = v[r] as number;
    if (x !== x || (valid !== undefined && valid[r] === 0)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
    if ((x | 0) !== x) return undefined;
  }
  if (!(max >= min && max - min < Math.max(65536, len))) return undefined;
  const table = new Uint16Array(max - min + 1);
  for (let y = min; y <= max; y++) {
    const lo = lowerCount(bounds, y);
    table[y - min] = ascending ? lo : n - 1 - lo;
  }
  return { table, min };
}

/**
 * Groups the rows of `p` into n buckets by the first sort key (bounds holds n - 1 boundaries,
 * or none when the sample found no values: then every row goes to the first bucket, or to the
 * last when descending, with the nulls).
 */
export function rangeSplit(p: SortInput, name: string, bounds: Bound[], ascending: boolean, n: number): RangePiece[] {
  const c = p.columns[columnIndex(p, name, 'sort')] as InputColumn;
  const len = p.length;
  const bucket = new Int32Array(len);
  const counts = new Int32Array(n + 1);
  const valid = c.valid;
  const v = c.values;
  if (c.type === 'utf8') {
    // A string's bucket depends on its dictionary entry only: one search per entry.
    const dict = unpack(c);
    const of = new Int32Array(dict.length);
    for (let e = 0; e < dict.length; e++) {
      const lo = lowerCount(bounds, dict[e] as string);
      of[e] = ascending ? lo : n - 1 - lo;
    }
    for (let r = 0; r < len; r++) {
      const b = valid !== undefined && valid[r] === 0 ? n - 1 : (of[v[r] as number] as number);
      bucket[r] = b;
      counts[b + 1]++;
    }
  } else {
    const table = bucketTable(v, valid, len, bounds as number[], ascending, n);
    const t = table?.table;
    const min = table?.min ?? 0;
    for (let r = 0; r < len; r++) {
      const x = v[r] as number;
      let b: number;
      if (x !== x || (valid !== undefined && valid[r] === 0)) b = n - 1;
      else if (t !== undefined) b = t[x - min] as number;
      else {
        const lo = lowerCount(bounds, x);
        b = ascending ? lo : n - 1 - lo;
      }
      bucket[r] = b;
      counts[b + 1]++;
    }
  }
  for (let b = 0; b < n; b++) counts[b + 1] += counts[b] as number;
  const offsets = counts.slice();
  const order = new Int32Array(len);
  for (let r = 0; r < len; r++) order[counts[bucket[r] as number]++] = r;
  const types = p.columns.map((col) => col.type);
  return Array.from({ length: n }, (_, b): RangePiece => {
    const rows = order.subarray(offsets[b] as number, offsets[b + 1] as number);
    return {
      names: p.names,
      types,
      columns: p.columns.map((col) => {
        const t = takeColumn(col, rows);
        return { values: t.values, valid: t.valid };
      }),
      length: rows.length,
    };
  });
}

type Run = RangePiece['columns'][number];

/** Values storage for a dtype on ordinary memory (a temporary within one task). */
function scratch(t: DType, n: number): Values {
  if (t === 'float64' || t === 'int64' || t === 'timestamp') return new Float64Array(n);
  return t === 'bool' ? new Uint8Array(n) : new Int32Array(n);
}

/** Validity of column `col` over a bucket's pieces end to end, or undefined when none is null. */
function concatValid(pieces: RangePiece[], col: number, n: number): Uint8Array | undefined {
  if (!pieces.some((r) => (r.columns[col] as Run).valid !== undefined)) return undefined;
  const valid = new Uint8Array(n);
  let off = 0;
  for (const r of pieces) {
    const v = (r.columns[col] as Run).valid;
    if (v === undefined) valid.fill(1, off, off + r.length);
    else valid.set(v, off);
    off += r.length;
  }
  return valid;
}

/** Numeric column `col` of a bucket: its pieces end to end. */
function concatValues(pieces: RangePiece[], col: number, n: number): Values {
  const values = scratch((pieces[0] as RangePiece).types[col] as DType, n);
  let off = 0;
  for (const r of pieces) {
    values.set((r.columns[col] as Run).values as never, off);
    off += r.length;
  }
  return values;
}

/**
 * String column `col` of bucket j, end to end, as codes into a dictionary of only the entries
 * the bucket uses (in global order; null rows get code 0). The entries used are found per
 * input dictionary first, so each row is read twice and each lookup table is small.
 */
function concatStrings(
  pieces: RangePiece[],
  col: number,
  n: number,
  dicts: UnifiedDicts,
  name: string,
  strings: boolean,
): { values: Int32Array; dict: string[] | undefined; dictUtf8: { data: Uint8Array; offsets: Int32Array } } {
  const d = dicts.names.indexOf(name);
  const joined = dicts.joined[d] as string;
  const offs = dicts.offsets[d] as Int32Array;
  const remaps = dicts.remaps[d] as Int32Array[];
  const G = offs.length - 1;
  const map = new Int32Array(G);
  const local = pieces.map((r, s) => {
    const c = r.columns[col] as Run;
    const remap = remaps[s] as Int32Array;
    const used = new Int32Array(remap.length);
    const codes = c.values;
    const v = c.valid;
    for (let i = 0; i < r.length; i++) if (v === undefined || v[i] === 1) used[codes[i] as number] = 1;
    for (let e = 0; e < used.length; e++) if (used[e] === 1) map[remap[e] as number] = 1;
    return used;
  });
  const dict: string[] = [];
  const usedG: number[] = [];
  for (let g = 0; g < G; g++) {
    if (map[g] === 0) continue;
    map[g] = usedG.length;
    if (strings) dict.push(joined.slice(offs[g] as number, offs[g + 1] as number));
    usedG.push(g);
  }
  // The compact dictionary's UTF-8 too, copied from the global encoding (see arrow.ts).
  const enc = dicts.utf8[d] as { data: Uint8Array; offsets: Int32Array };
  const boffs = allocI32(usedG.length + 1);
  for (let k = 0; k < usedG.length; k++) {
    const g = usedG[k] as number;
    boffs[k + 1] = (boffs[k] as number) + (enc.offsets[g + 1] as number) - (enc.offsets[g] as number);
  }
  const data = allocU8(boffs[usedG.length] as number);
  // Runs of consecutive entries are consecutive bytes: one copy per run.
  for (let k = 0; k < usedG.length;) {
    const g0 = usedG[k] as number;
    let e = k + 1;
    while (e < usedG.length && usedG[e] === g0 + e - k) e++;
    data.set(enc.data.subarray(enc.offsets[g0] as number, enc.offsets[g0 + e - k] as number), boffs[k] as number);
    k = e;
  }
  const values = new Int32Array(n);
  let off = 0;
  pieces.forEach((r, s) => {
    const c = r.columns[col] as Run;
    const remap = remaps[s] as Int32Array;
    const toCompact = local[s] as Int32Array;
    for (let e = 0; e < toCompact.length; e++) toCompact[e] = toCompact[e] === 1 ? (map[remap[e] as number] as number) : 0;
    const codes = c.values;
    const v = c.valid;
    if (v === undefined) for (let i = 0; i < r.length; i++) values[off + i] = toCompact[codes[i] as number] as number;
    else for (let i = 0; i < r.length; i++) values[off + i] = v[i] === 0 ? 0 : (toCompact[codes[i] as number] as number);
    off += r.length;
  });
  return { values, dict: strings ? dict : undefined, dictUtf8: { data, offsets: boffs } };
}

/** `values[perm[i]]` for every i, into shared memory (one loop per storage type). */
function gather(values: Values, perm: Int32Array): Values {
  const n = perm.length;
  if (values instanceof Float64Array) {
    const out = allocF64(n);
    for (let i = 0; i < n; i++) out[i] = values[perm[i] as number] as number;
    return out;
  }
  if (values instanceof Int32Array) {
    const out = allocI32(n);
    for (let i = 0; i < n; i++) out[i] = values[perm[i] as number] as number;
    return out;
  }
  const out = allocU8(n);
  for (let i = 0; i < n; i++) out[i] = values[perm[i] as number] as number;
  return out;
}

/**
 * An output bucket: its piece of every split (in split order), sorted by `by` (stable, nulls
 * last), as a packed partition: string columns carry their dictionary as UTF-8 only
 * (`dictUtf8`, no `dict`). The Arrow Table is built from that directly; anything else reads the partition
 * through unpackDicts (sort-values.ts puts that task after this one). Hundreds of thousands
 * of dictionary strings per partition (timestamps as text) would otherwise be made here,
 * cloned to the main thread and collected there, for nothing.
 */
export function rangeCollect(by: string[], ascending: boolean[], dicts: UnifiedDicts | null, ...pieces: RangePiece[]): Partition {
  const first = pieces[0] as RangePiece;
  const { names, types } = first;
  let n = 0;
  for (const r of pieces) n += r.length;
  // Each column of the bucket end to end, strings with compact dictionaries (as strings only
  // for sort keys: the output carries them as UTF-8, see the note on rangeCollect).
  const cat = names.map((name, col) => {
    const valid = concatValid(pieces, col, n);
    if (types[col] !== 'utf8') return { values: concatValues(pieces, col, n), valid, dict: undefined, dictUtf8: undefined };
    return { ...concatStrings(pieces, col, n, dicts as UnifiedDicts, name, by.includes(name)), valid };
  });
  const keys = by.map((name) => sortKeys(cat[columnIndex(first, name, 'sort')] as (typeof cat)[number], n));
  const perm = sortByKeys(keys, ascending, n);
  const columns = cat.map((c, col): ColumnData => {
    const out: ColumnData = { type: types[col] as DType, values: gather(c.values, perm) };
    if (c.dictUtf8 !== undefined) out.dictUtf8 = c.dictUtf8;
    if (c.valid !== undefined) {
      const valid = gather(c.valid, perm) as Uint8Array;
      if (valid.indexOf(0) >= 0) out.valid = valid;
    }
    return out;
  });
  return { names, columns, length: n };
}
