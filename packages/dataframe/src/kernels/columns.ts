/**
 * The partition format that kernels exchange between threads: plain, structured-clonable data
 * (structured clone drops prototypes, so no Arrow classes cross a thread boundary). Big buffers
 * live on SharedArrayBuffer, so a partition crosses threads without copying its values.
 *
 * Storage per dtype (one value per row in `values`):
 *   float64, int64  Float64Array (int64 is exact up to 2^53, as in JavaScript numbers)
 *   int32           Int32Array
 *   bool            Uint8Array of 0/1
 *   date            Int32Array, days since 1970-01-01
 *   timestamp       Float64Array, milliseconds since the epoch (UTC)
 *   utf8            Int32Array of codes into `dict` (dictionary-encoded strings)
 * `valid` is a Uint8Array with 1 for a present value, or absent when no value is null.
 */

/** A column data type. */
export type DType = 'float64' | 'int32' | 'int64' | 'bool' | 'utf8' | 'date' | 'timestamp';

/** Every dtype, for validation. */
export const DTYPES: readonly DType[] = ['float64', 'int32', 'int64', 'bool', 'utf8', 'date', 'timestamp'];

export type Values = Float64Array | Int32Array | Uint8Array;

/** One column of a partition. */
export interface ColumnData {
  type: DType;
  values: Values;
  valid?: Uint8Array | undefined;
  dict?: string[] | undefined;
  /**
   * Optional: `dict` already encoded as UTF-8 (entry i is data[offsets[i] .. offsets[i + 1]]),
   * so the Arrow Table is built without encoding the strings on the main thread. A kernel
   * that changes `dict` must not copy this field along. Without `dict`, the partition is
   * packed (a sort's output on its way to compute()): read it through unpackDicts.
   */
  dictUtf8?: { data: Uint8Array; offsets: Int32Array } | undefined;
}

/** One partition: named columns of equal length. */
export interface Partition {
  names: string[];
  columns: ColumnData[];
  length: number;
  /** Rows a reader skipped as malformed (onBadLines: 'skip' or 'warn'). */
  skipped?: number;
}

/** An output schema: column names and their dtypes, in order. */
export interface Schema {
  names: string[];
  types: DType[];
}

/** True when `t` is numeric (arithmetic applies). */
export function isNumeric(t: DType): boolean {
  return t === 'float64' || t === 'int32' || t === 'int64';
}

const SHARED_MIN = 4096;

function buffer(bytes: number): ArrayBuffer | SharedArrayBuffer {
  return bytes >= SHARED_MIN ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** A Float64Array of n zeros, on shared memory when it is big. */
export function allocF64(n: number): Float64Array {
  return new Float64Array(buffer(n * 8), 0, n);
}
/** An Int32Array of n zeros, on shared memory when it is big. */
export function allocI32(n: number): Int32Array {
  return new Int32Array(buffer(n * 4), 0, n);
}
/** A Uint8Array of n zeros, on shared memory when it is big. */
export function allocU8(n: number): Uint8Array {
  return new Uint8Array(buffer(n), 0, n);
}

/** The storage kind for a dtype. */
export function allocValues(t: DType, n: number): Values {
  switch (t) {
    case 'float64':
    case 'int64':
    case 'timestamp':
      return allocF64(n);
    case 'int32':
    case 'date':
    case 'utf8':
      return allocI32(n);
    case 'bool':
      return allocU8(n);
  }
}

/** A copy of a typed array, trimmed to n items, on shared memory when big. */
export function trimmed<T extends Values>(v: T, n: number): T {
  const out = allocValues(v instanceof Float64Array ? 'float64' : v instanceof Int32Array ? 'int32' : 'bool', n) as T;
  out.set(v.subarray(0, n) as never);
  return out;
}

/** True when row i of the column holds a value. */
export function isValid(c: ColumnData, i: number): boolean {
  return c.valid === undefined || c.valid[i] === 1;
}

/** The number of null rows. */
export function nullCount(c: ColumnData, n: number): number {
  if (c.valid === undefined) return 0;
  let k = 0;
  for (let i = 0; i < n; i++) if (c.valid[i] === 0) k++;
  return k;
}

/** The JavaScript value of row i (null for a missing value; dates as Date). */
export function valueAt(c: ColumnData, i: number): unknown {
  if (c.valid !== undefined && c.valid[i] === 0) return null;
  const v = c.values[i] as number;
  switch (c.type) {
    case 'utf8':
      return (c.dict as string[])[v];
    case 'bool':
      return v === 1;
    case 'date':
      return new Date(v * 86_400_000);
    case 'timestamp':
      return new Date(v);
    default:
      return v;
  }
}

/** An empty partition with the given schema. */
export function emptyPartition(schema: Schema): Partition {
  return {
    names: [...schema.names],
    columns: schema.types.map((t) => ({ type: t, values: allocValues(t, 0), ...(t === 'utf8' ? { dict: [] } : {}) })),
    length: 0,
  };
}

/** The schema of a partition. */
export function schemaOf(p: Partition): Schema {
  return { names: [...p.names], types: p.columns.map((c) => c.type) };
}

/** The rows at `idx` (in that order) of one column. */
export function takeColumn(c: ColumnData, idx: Int32Array | number[], n = idx.length): ColumnData {
  const values = allocValues(c.type, n);
  const src = c.values;
  for (let i = 0; i < n; i++) values[i] = src[idx[i] as number] as number;
  const out: ColumnData = { type: c.type, values };
  if (c.dict !== undefined) out.dict = c.dict;
  if (c.valid !== undefined) {
    const valid = allocU8(n);
    const sv = c.valid;
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const ok = sv[idx[i] as number] as number;
      valid[i] = ok;
      nulls += 1 - ok;
    }
    if (nulls > 0) out.valid = valid;
  }
  return out;
}

/** The rows at `idx` of a partition. */
export function take(p: Partition, idx: Int32Array | number[], n = idx.length): Partition {
  return { names: p.names, columns: p.columns.map((c) => takeColumn(c, idx, n)), length: n };
}

/** Rows [start, end) of a partition (copies). */
export function slice(p: Partition, start: number, end: number): Partition {
  const s = Math.max(0, Math.min(start, p.length));
  const e = Math.max(s, Math.min(end, p.length));
  const columns = p.columns.map((c) => {
    const out: ColumnData = { type: c.type, values: trimmed(c.values.subarray(s, e), e - s) };
    if (c.dict !== undefined) out.dict = c.dict;
    if (c.valid !== undefined) out.valid = trimmed(c.valid.subarray(s, e), e - s);
    return out;
  });
  return { names: p.names, columns, length: e - s };
}

/** Concatenates columns of one dtype, merging string dictionaries. */
export function concatColumns(cols: ColumnData[], lengths: number[]): ColumnData {
  const type = (cols[0] as ColumnData).type;
  let n = 0;
  for (const l of lengths) n += l;
  const values = allocValues(type, n);
  const anyNull = cols.some((c) => c.valid !== undefined);
  const valid = anyNull ? allocU8(n) : undefined;
  let dict: string[] | undefined;
  let lookup: Map<string, number> | undefined;
  // Pieces of one partition share its dictionary: one remap table per dictionary.
  const remaps = new Map<string[], Int32Array>();
  if (type === 'utf8') {
    dict = [];
    lookup = new Map();
  }
  let off = 0;
  for (let k = 0; k < cols.length; k++) {
    const c = cols[k] as ColumnData;
    const len = lengths[k] as number;
    if (dict !== undefined && lookup !== undefined) {
      // Remap only the codes the rows use: a piece of a partition keeps the whole dictionary.
      const src = c.dict as string[];
      let remap = remaps.get(src) as Int32Array;
      if (remap === undefined) remaps.set(src, (remap = new Int32Array(src.length).fill(-1)));
      const cv = c.values;
      for (let i = 0; i < len; i++) {
        if (c.valid !== undefined && c.valid[i] === 0) continue;
        const j = cv[i] as number;
        let code = remap[j] as number;
        if (code < 0) {
          remap[j] = code = intern(dict, lookup, src[j] as string);
        }
        values[off + i] = code;
      }
    } else {
      values.set(c.values.subarray(0, len) as never, off);
    }
    if (valid !== undefined) {
      if (c.valid === undefined) valid.fill(1, off, off + len);
      else valid.set(c.valid.subarray(0, len), off);
    }
    off += len;
  }
  const out: ColumnData = { type, values };
  if (dict !== undefined) out.dict = dict;
  if (valid !== undefined) out.valid = valid;
  return out;
}

/** The code of `s` in a dictionary being built (`dict` and its `lookup`), added when new. */
export function intern(dict: string[], lookup: Map<string, number>, s: string): number {
  let code = lookup.get(s);
  if (code === undefined) {
    code = dict.push(s) - 1;
    lookup.set(s, code);
  }
  return code;
}

/** Concatenates partitions with the same columns (by name, in the first one's order). */
export function concatPartitions(parts: Partition[]): Partition {
  const nonEmpty = parts.filter((p) => p.length > 0);
  const first = parts[0];
  if (first === undefined) throw new RangeError('concatPartitions needs at least one partition');
  if (nonEmpty.length === 0) return { ...first, skipped: sumSkipped(parts) };
  if (nonEmpty.length === 1) return { ...(nonEmpty[0] as Partition), skipped: sumSkipped(parts) };
  const lengths = nonEmpty.map((p) => p.length);
  const columns = first.names.map((name) =>
    concatColumns(
      nonEmpty.map((p) => p.columns[p.names.indexOf(name)] as ColumnData),
      lengths,
    ),
  );
  return { names: first.names, columns, length: lengths.reduce((a, b) => a + b, 0), skipped: sumSkipped(parts) };
}

function sumSkipped(parts: Partition[]): number {
  let s = 0;
  for (const p of parts) s += p.skipped ?? 0;
  return s;
}
