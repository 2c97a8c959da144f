/**
 * Arrow in and out (main thread only): partitions are plain column data (see kernels/columns);
 * here they become Arrow Tables for the user, and Arrow Tables become partitions.
 */
import {
  Bool,
  DataType,
  DateDay,
  Dictionary,
  Float64,
  Int32,
  Int64,
  Table,
  TimestampMillisecond,
  Utf8,
  Field,
  Struct,
  RecordBatch,
  Schema as ArrowSchema,
  type Data,
  makeData,
  makeVector,
  type Vector,
} from 'apache-arrow';
import { allocF64, allocU8, allocValues, nullCount, type ColumnData, type DType, type Partition } from './kernels/columns.js';
import { buildColumn } from './kernels/build.js';
import { DataFrameError } from './errors.js';
import { exactInt64, int64Error } from './int64.js';

function bitmap(valid: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (valid[i] === 1) out[i >> 3] |= 1 << (i & 7);
  return out;
}

const encoder = new TextEncoder();

/** Strings as an Arrow Utf8 vector, encoded in one call (not one builder step per string). */
export function utf8Vector(strings: string[]): Vector {
  const joined = strings.join('');
  const data = encoder.encode(joined);
  const offsets = new Int32Array(strings.length + 1);
  if (data.length === joined.length) {
    // All ASCII: byte lengths are string lengths.
    for (let i = 0; i < strings.length; i++) offsets[i + 1] = (offsets[i] as number) + (strings[i] as string).length;
  } else {
    for (let i = 0; i < strings.length; i++) offsets[i + 1] = (offsets[i] as number) + encoder.encode(strings[i] as string).length;
  }
  return makeVector(makeData({ type: new Utf8(), length: strings.length, nullCount: 0, valueOffsets: offsets, data }));
}

/** A string column's dictionary from its UTF-8 encoding, when a kernel left one that fits. */
function encodedVector(c: ColumnData): Vector | undefined {
  const e = c.dictUtf8;
  if (e === undefined) return undefined;
  const n = c.dict === undefined ? e.offsets.length - 1 : c.dict.length;
  if (e.offsets.length !== n + 1 || e.offsets[n] !== e.data.length) return undefined;
  return makeVector(makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: e.offsets, data: e.data }));
}

/** Integral numbers as little-endian 64-bit words (no BigInt per value). */
function int64Words(v: Float64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const y = v[i] as number;
    const s = y | 0;
    if (s === y) {
      // A 32-bit integer (most values): the high word is its sign.
      words[2 * i] = s;
      words[2 * i + 1] = s >> 31;
      continue;
    }
    const x = Math.trunc(y) || 0;
    const hi = Math.floor(x / 4294967296);
    words[2 * i] = x - hi * 4294967296;
    words[2 * i + 1] = hi;
  }
  return out;
}

/** One column as an Arrow Vector (`dictId` names the dictionary of a utf8 column). */
export function columnToVector(c: ColumnData, n: number, dictId = 0): Vector {
  const nulls = nullCount(c, n);
  const nullBitmap = nulls > 0 ? bitmap(c.valid as Uint8Array, n) : undefined;
  const base = { length: n, nullCount: nulls, ...(nullBitmap ? { nullBitmap } : {}) };
  const vals = c.values.subarray(0, n);
  switch (c.type) {
    case 'float64':
      return makeVector(makeData({ type: new Float64(), data: vals as Float64Array, ...base }));
    case 'int32':
      return makeVector(makeData({ type: new Int32(), data: vals as Int32Array, ...base }));
    case 'int64':
      return makeVector(makeData({ type: new Int64(), data: int64Words(vals as Float64Array, n) as never, ...base }));
    case 'bool':
      return makeVector(makeData({ type: new Bool(), data: bitmap(vals as Uint8Array, n), ...base }));
    case 'date':
      return makeVector(makeData({ type: new DateDay(), data: vals as Int32Array, ...base }));
    case 'timestamp':
      return makeVector(makeData({ type: new TimestampMillisecond(), data: int64Words(vals as Float64Array, n) as never, ...base }));
    case 'utf8': {
      const dict = encodedVector(c) ?? utf8Vector(c.dict as string[]);
      return makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32(), dictId), data: vals as Int32Array, dictionary: dict, ...base }));
    }
  }
}

/**
 * Partitions as one Arrow Table of one record batch per partition: nothing is concatenated,
 * and each batch keeps its own string dictionaries.
 */
export function partitionsToTable(parts: Partition[]): Table {
  const batches = parts.map((p) => {
    const vectors = p.columns.map((c, j) => columnToVector(c, p.length, j));
    const fields = p.names.map((name, j) => new Field(name, (vectors[j] as Vector).type, true));
    const data = makeData({ type: new Struct(fields), length: p.length, nullCount: 0, children: vectors.map((v) => v.data[0] as Data) });
    return new RecordBatch(new ArrowSchema(fields), data);
  });
  return new Table(batches);
}

/** A partition as an Arrow Table. */
export function partitionToTable(p: Partition): Table {
  const cols: Record<string, Vector> = {};
  for (let j = 0; j < p.names.length; j++) cols[p.names[j] as string] = columnToVector(p.columns[j] as ColumnData, p.length, j);
  const t = new Table(cols);
  if (p.skipped !== undefined && p.skipped > 0) t.schema.metadata.set('tsdask.skippedRows', String(p.skipped));
  return t;
}

/** The dtype we store an Arrow type as. */
export function dtypeOfArrow(t: DataType, name: string): DType {
  if (DataType.isDictionary(t)) return 'utf8';
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return 'utf8';
  if (DataType.isFloat(t)) return 'float64';
  if (DataType.isInt(t)) return t.bitWidth === 64 || (t.bitWidth === 32 && !t.isSigned) ? 'int64' : 'int32';
  if (DataType.isBool(t)) return 'bool';
  if (DataType.isDate(t)) return 'date';
  if (DataType.isTimestamp(t)) return 'timestamp';
  throw new DataFrameError(`Column '${name}' has Arrow type ${String(t)}, which tsdask dataframes do not hold yet.`);
}

/** A 64-bit Arrow integer as the number an int64 column holds, or an error naming it. */
function exactFromArrow(x: bigint, name: string, row: number): number {
  if (exactInt64(x)) return Number(x);
  throw int64Error(`fromArrow(): row ${row}, column '${name}'`, x, 'Cast the column to utf8 (every digit kept) or float64 (rounded) first.');
}

/** One Arrow column as column data. */
export function vectorToColumn(v: Vector, name: string): ColumnData {
  const type = dtypeOfArrow(v.type as DataType, name);
  const n = v.length;
  if (type === 'utf8' || type === 'date' || v.nullCount > 0 || DataType.isTimestamp(v.type as DataType)) {
    return buildColumn(type, n, (i) => {
      const x = v.get(i) as unknown;
      if (x === null || x === undefined) return null;
      if (type === 'date') return Math.floor(Number(x instanceof Date ? x.getTime() : x) / 86_400_000);
      if (type === 'timestamp') return x instanceof Date ? x.getTime() : Number(x);
      if (typeof x === 'bigint') return exactFromArrow(x, name, i);
      return x;
    });
  }
  const values = allocValues(type, n);
  const arr = v.toArray() as ArrayLike<number | bigint | boolean>;
  if (arr instanceof BigInt64Array || arr instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) values[i] = exactFromArrow(arr[i] as bigint, name, i);
    return { type, values };
  }
  for (let i = 0; i < n; i++) {
    const x = arr[i];
    values[i] = typeof x === 'boolean' ? (x ? 1 : 0) : (x as number);
  }
  return { type, values };
}

/** Splits an Arrow Table into `npartitions` partitions of near-equal row counts. */
export function tableToPartitions(table: Table, npartitions: number): Partition[] {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((name) => vectorToColumn(table.getChild(name) as Vector, name));
  return splitColumns(names, columns, table.numRows, npartitions);
}

/** Splits whole columns into partitions of near-equal row counts. */
export function splitColumns(names: string[], columns: ColumnData[], n: number, npartitions: number): Partition[] {
  const k = Math.max(1, Math.min(npartitions, Math.max(1, n)));
  const parts: Partition[] = [];
  for (let j = 0; j < k; j++) {
    const s = Math.floor((j * n) / k);
    const e = Math.floor(((j + 1) * n) / k);
    parts.push({
      names,
      length: e - s,
      columns: columns.map((c) => {
        const out: ColumnData = { type: c.type, values: copy(c.values.subarray(s, e)) };
        if (c.dict !== undefined) out.dict = c.dict;
        if (c.valid !== undefined) out.valid = copyU8(c.valid.subarray(s, e));
        return out;
      }),
    });
  }
  return parts;
}

function copy<T extends Float64Array | Int32Array | Uint8Array>(v: T): T {
  const out = (v instanceof Float64Array ? allocF64(v.length) : v instanceof Int32Array ? allocValues('int32', v.length) : allocU8(v.length)) as T;
  out.set(v as never);
  return out;
}

function copyU8(v: Uint8Array): Uint8Array {
  const out = allocU8(v.length);
  out.set(v);
  return out;
}
