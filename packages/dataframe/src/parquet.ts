/**
 * readParquet: one partition per row group. The footer is read on the calling thread for the
 * schema and the row-group statistics; filters pushed down from `filter()` steps (and the
 * `filters` option) mark row groups whose min/max rule out every row, and those are not read.
 */
import { statSync } from 'node:fs';
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DType, Schema } from './kernels/columns.js';
import type { Scalar } from './kernels/expr-node.js';
import { DataFrame } from './dataframe.js';
import type { AnySchema, SchemaShape } from './schema-types.js';
import { filesText, sourceNode } from './plan/source.js';
import type { Lowered, Source } from './plan/node.js';
import type { PushFilter } from './plan/push-filters.js';
import { readParquetMetadata, type ParquetPartSpec } from './io/parquet-read.js';
import { resolvePaths } from './io/paths.js';
import { col, type Expr } from './expr.js';
import { ColumnNotFoundError, DataFrameError } from './errors.js';

export interface ReadParquetOptions {
  /** Read only these columns. */
  columns?: string[];
  /** Row filters `[column, op, value]`, all of which must hold; also prune row groups. */
  filters?: PushFilter[];
  /**
   * Types to read numeric columns as, instead of theirs: 'utf8' keeps every digit of an int64
   * beyond 2^53 (ids, hashes) as text; 'float64' rounds them. Without it such a value is an
   * error naming the file, row group and column.
   */
  dtypes?: Record<string, 'utf8' | 'float64'>;
}

type Meta = ReturnType<typeof readParquetMetadata>;
interface FileMeta {
  path: string;
  size: number;
  mtime: number;
  groups: { min: Map<string, unknown>; max: Map<string, unknown> }[];
}

function dtypeOf(el: { name: string; type?: string; converted_type?: string; logical_type?: { type: string } }): DType | undefined {
  const logical = el.logical_type?.type;
  if (logical === 'TIMESTAMP' || el.converted_type === 'TIMESTAMP_MILLIS' || el.converted_type === 'TIMESTAMP_MICROS') return 'timestamp';
  if (logical === 'DATE' || el.converted_type === 'DATE') return 'date';
  switch (el.type) {
    case 'DOUBLE':
    case 'FLOAT':
      return 'float64';
    case 'INT64':
      return 'int64';
    case 'INT32':
      return 'int32';
    case 'BOOLEAN':
      return 'bool';
    case 'BYTE_ARRAY':
      return logical === 'STRING' || el.converted_type === 'UTF8' || logical === undefined ? 'utf8' : undefined;
  }
  return undefined;
}

function comparable(v: unknown): number | string | undefined {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return undefined;
}

/** True when no row with values in [min, max] can satisfy `op value`. */
export function rulesOut(op: PushFilter[1], value: Scalar, min: unknown, max: unknown): boolean {
  const lo = comparable(min);
  const hi = comparable(max);
  if (lo === undefined || hi === undefined || value === null || typeof value === 'boolean') return false;
  if (typeof lo !== typeof value || typeof hi !== typeof value) return false;
  switch (op) {
    case 'eq':
      return value < lo || value > hi;
    case 'ne':
      return lo === hi && lo === value;
    case 'lt':
      return lo >= value;
    case 'le':
      return lo > value;
    case 'gt':
      return hi <= value;
    case 'ge':
      return hi < value;
  }
}

class ParquetSource implements Source {
  readonly acceptsFilters = true;
  constructor(
    private readonly files: FileMeta[],
    readonly schema: Schema,
  ) {}
  get npartitions(): number {
    return this.files.reduce((n, f) => n + f.groups.length, 0);
  }
  describe(): string {
    return `ReadParquet ${filesText(this.files.map((f) => f.path))}`;
  }
  lower(columns: string[] | undefined, filters: PushFilter[]): Lowered {
    const names = columns === undefined ? this.schema.names : columns.length === 0 ? this.schema.names.slice(0, 1) : columns;
    const types = names.map((n) => this.schema.types[this.schema.names.indexOf(n)] as DType);
    const token = tokenize(
      this.files.map((f) => [f.path, f.mtime]),
      names,
      filters,
    );
    const name = `read-parquet-${token}`;
    const tasks = new Map<Key, Node>();
    let part = 0;
    for (const f of this.files) {
      f.groups.forEach((g, rowGroup) => {
        const pruned = filters.some(([c, op, v]) => rulesOut(op, v, g.min.get(c), g.max.get(c)));
        const spec: ParquetPartSpec = { file: f.path, size: f.size, mtime: f.mtime, rowGroup, columns: names, types, pruned };
        tasks.set(chunkKey(name, part++), { op: '@tsdask/dataframe/io#readParquetPart', args: [quote(spec)] });
      });
    }
    return { name, graph: new HighLevelGraph([new MaterializedLayer(name, tasks)]) };
  }
}

const OPS: Record<PushFilter[1], (e: Expr, v: Scalar) => Expr> = {
  eq: (e, v) => e.eq(v),
  ne: (e, v) => e.ne(v),
  lt: (e, v) => e.lt(v),
  le: (e, v) => e.le(v),
  gt: (e, v) => e.gt(v),
  ge: (e, v) => e.ge(v),
};

/** The file's schema with the types asked for in `dtypes` (numeric columns as utf8 or float64). */
function withDtypes(schema: Schema, dtypes: Record<string, string>): Schema {
  const types = [...schema.types];
  for (const [name, t] of Object.entries(dtypes)) {
    const i = schema.names.indexOf(name);
    if (i < 0) throw new ColumnNotFoundError(name, schema.names, 'readParquet() dtypes');
    const from = types[i] as DType;
    if ((t !== 'utf8' && t !== 'float64') || !['int64', 'int32', 'float64'].includes(from)) {
      throw new DataFrameError(
        `readParquet(): dtypes reads numeric columns (int64, int32, float64) as 'utf8' or 'float64'; column '${name}' is ${from}, asked '${t}'.`,
      );
    }
    types[i] = t;
  }
  return { names: schema.names, types };
}

/**
 * Reads Parquet files (a path, a glob, or a list) lazily, one partition per row group. Its
 * schema for the types is S when given (`readParquet<{ delay: 'int32' }>(path)`: the caller's
 * word, not checked against the file's), else `AnySchema`.
 */
export function readParquet<S extends SchemaShape = AnySchema>(paths: string | string[], opts: ReadParquetOptions = {}): DataFrame<S> {
  const files: FileMeta[] = [];
  let schema: Schema | undefined;
  for (const path of resolvePaths(paths)) {
    // Size and mtime as planned: each part checks them again (a file rewritten since is a FileChangedError).
    const st = statSync(path);
    const md: Meta = readParquetMetadata(path);
    if (schema === undefined) {
      const names: string[] = [];
      const types: DType[] = [];
      for (const el of md.schema.slice(1)) {
        if (el.num_children !== undefined && el.num_children > 0) continue;
        const t = dtypeOf(el as never);
        if (t === undefined) continue;
        names.push(el.name);
        types.push(t);
      }
      schema = { names, types };
    }
    const groups = md.row_groups.map((rg) => {
      const min = new Map<string, unknown>();
      const max = new Map<string, unknown>();
      for (const c of rg.columns) {
        const st = c.meta_data?.statistics;
        const name = c.meta_data?.path_in_schema[0];
        if (st === undefined || name === undefined) continue;
        min.set(name, st.min_value ?? st.min);
        max.set(name, st.max_value ?? st.max);
      }
      return { min, max };
    });
    files.push({ path, size: st.size, mtime: st.mtimeMs, groups });
  }
  const s = withDtypes(schema as Schema, opts.dtypes ?? {});
  const src = new ParquetSource(files, s);
  let df = new DataFrame(sourceNode(src));
  for (const [c, op, v] of opts.filters ?? []) {
    if (!s.names.includes(c)) throw new ColumnNotFoundError(c, s.names, 'readParquet() filters');
    const f = OPS[op];
    if (f === undefined) throw new DataFrameError(`readParquet(): unknown filter op '${op}'; use eq, ne, lt, le, gt, ge.`);
    df = df.filter(f(col(c), v));
  }
  return (opts.columns === undefined ? df : df.select(opts.columns)) as DataFrame<S>;
}
