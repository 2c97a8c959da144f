/** fromArrow and fromRecords: in-memory data as a partitioned DataFrame. */
import type { Table, TypeMap } from 'apache-arrow';
import { DTYPES, type ColumnData, type DType } from './kernels/columns.js';
import { buildColumn } from './kernels/build.js';
import { DataFrame } from './dataframe.js';
import { MemorySource } from './memory-source.js';
import { sourceNode } from './plan/source.js';
import { splitColumns, tableToPartitions } from './arrow.js';
import { DataFrameError } from './errors.js';
import { exactInt64, int64Error } from './int64.js';
import type { ArrowSchemaOf, RecordsSchema } from './schema-types.js';

export interface FromOptions {
  /** How many partitions to split the rows into (default 1). */
  npartitions?: number;
  /** Column dtypes, where inference from values is not wanted. */
  dtypes?: Record<string, DType>;
}

/** A DataFrame over an Arrow Table, split into `npartitions` partitions (its schema typed from the Table's, where that is known). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- apache-arrow's own default: a Table whose columns are not known
export function fromArrow<T extends TypeMap = any>(table: Table<T>, opts: FromOptions = {}): DataFrame<ArrowSchemaOf<T>> {
  const parts = tableToPartitions(table, opts.npartitions ?? 1);
  const src = new MemorySource(parts);
  return new DataFrame<ArrowSchemaOf<T>>(sourceNode(src));
}

function inferType(values: unknown[], name: string): DType {
  let t: DType | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const vt: DType =
      typeof v === 'number'
        ? Number.isInteger(v)
          ? 'int64'
          : 'float64'
        : typeof v === 'string'
          ? 'utf8'
          : typeof v === 'boolean'
            ? 'bool'
            : v instanceof Date
              ? 'timestamp'
              : typeof v === 'bigint'
                ? 'int64'
                : 'utf8';
    if (t === undefined || t === vt) t = vt;
    else if ((t === 'int64' && vt === 'float64') || (t === 'float64' && vt === 'int64')) t = 'float64';
    else throw new DataFrameError(`fromRecords(): column '${name}' mixes ${t} and ${vt} values; pass dtypes.`);
  }
  return t ?? 'float64';
}

/**
 * A DataFrame from plain objects (columns from the keys of all rows, in first-seen order). Its
 * schema is typed from the rows' type and `dtypes` (a number column is 'int64' | 'float64' for
 * the types: which one depends on the values).
 */
export function fromRecords<R extends Record<string, unknown>, const D extends Record<string, DType> = Record<never, never>>(
  rows: readonly R[],
  opts: FromOptions & { dtypes?: D } = {},
): DataFrame<RecordsSchema<R, D>> {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), names.push(k));
  for (const [k, t] of Object.entries(opts.dtypes ?? {})) {
    if (!DTYPES.includes(t)) throw new DataFrameError(`fromRecords(): unknown dtype '${t}' for '${k}'.`);
    if (seen.has(k)) continue;
    // No rows: dtypes is the schema. With rows, a dtype for a column no row has is a typo.
    if (rows.length > 0) {
      throw new DataFrameError(`fromRecords(): dtypes names column '${k}', which no row has. Columns are: ${names.map((c) => `'${c}'`).join(', ')}.`);
    }
    seen.add(k);
    names.push(k);
  }
  const columns: ColumnData[] = names.map((name) => {
    const vals = rows.map((r) => r[name]);
    const type = opts.dtypes?.[name] ?? inferType(vals, name);
    return buildColumn(type, rows.length, (i) => {
      const v = vals[i];
      if (v === null || v === undefined) return null;
      if (v instanceof Date) return type === 'date' ? Math.floor(v.getTime() / 86_400_000) : v.getTime();
      if (type === 'utf8') return String(v);
      if (typeof v === 'bigint') {
        if (type === 'int64' && !exactInt64(v))
          throw int64Error(`fromRecords(): row ${i}, column '${name}'`, v, `Give it as a string (or dtypes: { '${name}': 'utf8' }) to keep every digit.`);
        return Number(v);
      }
      return v;
    });
  });
  const parts = splitColumns(names, columns, rows.length, opts.npartitions ?? 1);
  const src = new MemorySource(parts, { names, types: columns.map((c) => c.type) });
  return new DataFrame<RecordsSchema<R, D>>(sourceNode(src));
}
