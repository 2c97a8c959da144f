/**
 * DataFrame: a lazy, partitioned table. Each method validates against the schema at once
 * (unknown columns and type mismatches fail here, not in a worker) and returns a new frame;
 * consecutive row-wise steps share one plan node, so they run as one task per partition.
 */
import { Collection, HighLevelGraph, MaterializedLayer, chunkKey, computeSignal, validateOptions, type ComputeOptions, type Key } from '@tsdask/core-graph';
import type { Table } from 'apache-arrow';
import { concatPartitions, emptyPartition, valueAt, type DType, type Partition, type Schema } from './kernels/columns.js';
import { nameOf, type ExprNode } from './kernels/expr-node.js';
import { typeOf } from './kernels/expr-types.js';
import type { Step } from './kernels/steps.js';
import { Expr, toNode, type ExprLike } from './expr.js';
import { K, blockwise, lowerPlan, partitionKeys, type Lowered, type PlanNode } from './plan.js';
import { partitionToTable, partitionsToTable } from './arrow.js';
import { ColumnNotFoundError, DataFrameError, ExprTypeError } from './errors.js';
import { collectPartitions, Scalar as ScalarImpl, type Scalar } from './collect.js';
import { GroupBy, type GroupByOptions } from './groupby.js';
import { Series } from './series.js';
import { countRows, describe, nuniqueAll } from './reductions.js';
import { sortValues, type SortOptions } from './sort-values.js';
import { merge, type MergeOptions } from './merge.js';
import { repartition } from './repartition.js';
import { mapPartitions } from './map-partitions.js';
import { dropDuplicates } from './drop-duplicates.js';
import { toCSV, toParquet } from './writers.js';

/** A lazy, partitioned table: `compute()` gives an Arrow Table. */
export class DataFrame extends Collection<Table> {
  private lowered: Lowered | undefined;
  constructor(readonly plan: PlanNode) {
    super();
  }
  /** The output schema. */
  get schema(): Schema {
    return this.plan.schema;
  }
  /** Column names, in order. */
  get columns(): string[] {
    return [...this.plan.schema.names];
  }
  /** Column dtypes by name. */
  get dtypes(): Record<string, DType> {
    const out: Record<string, DType> = {};
    this.schema.names.forEach((n, i) => (out[n] = this.schema.types[i] as DType));
    return out;
  }
  /** The number of partitions. */
  get npartitions(): number {
    return this.plan.npartitions;
  }
  /** The plan lowered to layers (projection and predicate pushdown applied). */
  lower(): Lowered {
    this.lowered ??= lowerPlan(this.plan);
    return this.lowered;
  }
  get graph(): HighLevelGraph {
    return this.lower().graph;
  }
  get outputKeys(): readonly Key[] {
    const p = this.plan;
    return partitionKeys(p.kind === 'graph' && p.packed !== undefined ? p.packed : this.lower().name, this.npartitions);
  }
  finalize(values: readonly unknown[]): Table {
    const all = values as Partition[];
    const parts = all.filter((p) => p.length > 0);
    const t = parts.length === 0 ? partitionToTable(this.concatValues(values)) : partitionsToTable(parts);
    const skipped = all.reduce((k, p) => k + (p.skipped ?? 0), 0);
    if (skipped > 0) t.schema.metadata.set('tsdask.skippedRows', String(skipped));
    return t;
  }
  protected override withGraph(graph: HighLevelGraph): this {
    const l = this.lower();
    const p = this.plan;
    if (p.kind === 'graph' && p.packed !== undefined) {
      // `graph` holds the packed partitions (outputKeys): readers get them unpacked.
      const unpacked = blockwise({ name: p.packed, graph }, this.npartitions, 'unpack-dicts', `${K}#unpackDicts`, []);
      return new DataFrame({ kind: 'graph', name: unpacked.name, graph: unpacked.graph, schema: this.schema, npartitions: this.npartitions, packed: p.packed }) as this;
    }
    return new DataFrame({ kind: 'graph', name: l.name, graph, schema: this.schema, npartitions: this.npartitions }) as this;
  }
  private concatValues(values: readonly unknown[]): Partition {
    return values.length === 0 ? emptyPartition(this.schema) : concatPartitions(values as Partition[]);
  }

  /** The cheapest column to read when only the row count matters (numbers before strings). */
  cheapColumn(): string {
    const i = this.schema.types.findIndex((t) => t !== 'utf8');
    return this.schema.names[i < 0 ? 0 : i] as string;
  }

  /** Checks that every column an expression reads exists, and infers its type. */
  typeOf(e: ExprLike): DType {
    return typeOf(toNode(e), this.schema);
  }

  private withStep(step: Step, schema: Schema): DataFrame {
    const p = this.plan;
    if (p.kind === 'map') return new DataFrame({ ...p, steps: [...p.steps, step], schema });
    return new DataFrame({ kind: 'map', input: p, steps: [step], schema, npartitions: p.npartitions });
  }

  /** The rows where `cond` is true. */
  filter(cond: ExprLike): DataFrame {
    const node = toNode(cond);
    const t = typeOf(node, this.schema);
    if (t !== 'bool') throw new ExprTypeError('filter', [t], 'A filter needs a bool expression.');
    return this.withStep({ k: 'filter', expr: node }, this.schema);
  }

  /** Adds or replaces columns: `withColumns({ gain: col('b').sub(col('a')) })`. */
  withColumns(exprs: Record<string, ExprLike>): DataFrame {
    const names = [...this.schema.names];
    const types = [...this.schema.types];
    const list: [string, ExprNode][] = [];
    for (const [name, e] of Object.entries(exprs)) {
      const node = toNode(e);
      const t = typeOf(node, this.schema);
      list.push([name, node]);
      const i = names.indexOf(name);
      if (i >= 0) types[i] = t;
      else {
        names.push(name);
        types.push(t);
      }
    }
    return this.withStep({ k: 'with', exprs: list }, { names, types });
  }

  /** Keeps (or computes) these columns, in this order: names or expressions. */
  select(...items: (string | Expr | (string | Expr)[])[]): DataFrame {
    const flat = items.flat();
    const exprs: [string, ExprNode][] = flat.map((x) => {
      const node = typeof x === 'string' ? ({ e: 'col', name: x } as ExprNode) : x.node;
      return [nameOf(node), node];
    });
    const seen = new Set<string>();
    for (const [n] of exprs) {
      if (seen.has(n)) throw new DataFrameError(`select(): column '${n}' appears twice; give one of them an alias().`);
      seen.add(n);
    }
    const types = exprs.map(([, node]) => typeOf(node, this.schema));
    return this.withStep({ k: 'select', exprs }, { names: exprs.map(([n]) => n), types });
  }

  /** Removes columns. */
  drop(...names: (string | string[])[]): DataFrame {
    const list = names.flat();
    for (const n of list) if (!this.schema.names.includes(n)) throw new ColumnNotFoundError(n, this.schema.names, 'drop()');
    const keep = this.schema.names.map((n, i) => [n, i] as const).filter(([n]) => !list.includes(n));
    return this.withStep(
      { k: 'drop', names: list },
      { names: keep.map(([n]) => n), types: keep.map(([, i]) => this.schema.types[i] as DType) },
    );
  }

  /** Renames columns: `rename({ old: 'new' })`. */
  rename(map: Record<string, string>): DataFrame {
    for (const n of Object.keys(map)) if (!this.schema.names.includes(n)) throw new ColumnNotFoundError(n, this.schema.names, 'rename()');
    const names = this.schema.names.map((n) => map[n] ?? n);
    if (new Set(names).size !== names.length) throw new DataFrameError(`rename() would give two columns one name: ${names.join(', ')}`);
    return this.withStep({ k: 'rename', map: Object.entries(map) }, { names, types: [...this.schema.types] });
  }

  /** The first n rows, computed now, reading only the partitions it needs (as in Dask). */
  async head(n = 5, opts: ComputeOptions = {}): Promise<Table> {
    const l = this.lower();
    const keys = partitionKeys(l.name, this.npartitions);
    const got: Partition[] = [];
    let rows = 0;
    // One signal for the whole call: `timeout` bounds all its computes together, not each one.
    validateOptions(opts, 'compute');
    const cancel = computeSignal(opts.signal, opts.timeout);
    const each: ComputeOptions = { ...opts, timeout: undefined, signal: cancel.signal };
    try {
      for (let i = 0; i < keys.length && rows < n; i++) {
        const [p] = await collectPartitions(l.graph, [keys[i] as Key], each);
        got.push(p as Partition);
        rows += (p as Partition).length;
      }
    } finally {
      cancel.dispose();
    }
    const all = this.concatValues(got);
    const { slice } = await import('./kernels/columns.js');
    return partitionToTable(all.length > n ? slice(all, 0, n) : all);
  }

  /** The number of rows, computed now. */
  async len(opts: ComputeOptions = {}): Promise<number> {
    return countRows(this).compute(opts);
  }

  /** The rows sorted by the columns `by` (stable, nulls last). */
  sortValues(by: string | string[], opts: SortOptions = {}): DataFrame {
    return sortValues(this, by, opts);
  }

  /** Joins with another frame on key columns (inner, left, right or outer). */
  merge(other: DataFrame, opts: MergeOptions = {}): DataFrame {
    return merge(this, other, opts);
  }

  /** The same rows in `npartitions` partitions. */
  repartition(opts: { npartitions: number }): DataFrame {
    return repartition(this, opts.npartitions);
  }

  /** Applies a function from Arrow Table to Arrow Table to every partition. */
  mapPartitions(fn: (t: Table) => Table): DataFrame {
    return mapPartitions(this, fn);
  }

  /** Sorts by `column` (range-partitioned on it) and keeps it as the index column. */
  setIndex(column: string, opts: Omit<SortOptions, 'ascending'> = {}): DataFrame {
    return sortValues(this, column, opts);
  }

  /** Partition i alone, as a one-partition frame. */
  getPartition(i: number): DataFrame {
    if (!Number.isInteger(i) || i < 0 || i >= this.npartitions) {
      throw new DataFrameError(`getPartition(${i}): the frame has ${this.npartitions} partitions.`);
    }
    const l = this.lower();
    const name = `partition-${i}-${l.name}`;
    const layer = new MaterializedLayer(name, new Map([[chunkKey(name, 0), { op: '@tsdask/core-graph/ops#identity', args: [{ ref: chunkKey(l.name, i) }] }]]), [l.name]);
    return new DataFrame({ kind: 'graph', name, graph: HighLevelGraph.fromLayer(layer, l.graph), schema: this.schema, npartitions: 1 });
  }

  /**
   * After sortValues / setIndex: the boundaries between partitions on the sort column (lazy;
   * partition i holds the keys from boundary i - 1 to boundary i). Undefined when not known.
   */
  divisions(): Scalar<(number | string)[]> | undefined {
    const p = this.plan;
    if (p.kind !== 'graph' || p.divisions === undefined) return undefined;
    return new ScalarImpl(p.graph, p.divisions.key, (v) => v as (number | string)[]);
  }

  /** Writes one CSV file per partition into `dir` (computes now); resolves to the paths. */
  toCSV(dir: string, opts: ComputeOptions & { sep?: string } = {}): Promise<string[]> {
    return toCSV(this, dir, opts);
  }

  /** Writes one Parquet file per partition into `dir` (computes now); resolves to the paths. */
  toParquet(dir: string, opts: ComputeOptions = {}): Promise<string[]> {
    return toParquet(this, dir, opts);
  }

  /** One column as a lazy Series. */
  col(name: string): Series {
    if (!this.schema.names.includes(name)) throw new ColumnNotFoundError(name, this.schema.names);
    return new Series(this.select(name), name);
  }

  /** One column as a lazy Series (the same as col). */
  get(name: string): Series {
    return this.col(name);
  }

  /** Groups rows by the key columns; then `.agg({...})`, `.sum()`, `.mean()`, `.size()`. */
  groupBy(keys: string | string[], opts: GroupByOptions = {}): GroupBy {
    return new GroupBy(this, typeof keys === 'string' ? [keys] : [...keys], opts);
  }

  /** Distinct values of a column and their counts, most frequent first (column 'count'). */
  valueCounts(column: string): DataFrame {
    const counted = this.groupBy(column).agg({ count: [column, 'size'] });
    return counted.sortValues(['count', column], { ascending: [false, true] });
  }

  /** The number of distinct non-null values per column (lazy). */
  nunique(): Scalar<Record<string, number>> {
    return nuniqueAll(this);
  }

  /** count, mean, std, min, quartiles and max of each numeric column (lazy; computes to a Table). */
  describe(): Scalar<Table> {
    return describe(this);
  }

  /**
   * One row per distinct combination of `subset` (all columns by default): the first such row
   * whole, in the order the rows came in, nulls counting as values (pandas' keep='first').
   */
  dropDuplicates(subset?: string | string[]): DataFrame {
    return dropDuplicates(this, subset);
  }

  /** Computes and returns the rows as plain objects (dates as Date, strings, numbers, null). */
  async toRecords(opts: ComputeOptions = {}): Promise<Record<string, unknown>[]> {
    const l = this.lower();
    const parts = (await collectPartitions(l.graph, partitionKeys(l.name, this.npartitions), opts)) as Partition[];
    const out: Record<string, unknown>[] = [];
    for (const p of parts) {
      for (let i = 0; i < p.length; i++) {
        const row: Record<string, unknown> = {};
        for (let j = 0; j < p.names.length; j++) {
          const c = p.columns[j];
          row[p.names[j] as string] = c === undefined ? null : valueAt(c, i);
        }
        out.push(row);
      }
    }
    return out;
  }
}
