/**
 * DataFrame: a lazy, partitioned table over a logical plan (plan/). Each method validates
 * against the schema at once (unknown columns and type mismatches fail here, not in a worker)
 * and returns a new frame with one more plan node; consecutive row-wise steps share one node,
 * so they run as one task per partition. The plan is optimized (optimize/driver.ts) and
 * lowered to graph layers once, when the graph is asked for (at compute).
 */
import { taskSuffix } from './frame.js';
import { Collection, Delayed, computeSignal, validateOptions, type ComputeOptions, type HighLevelGraph, type Key } from '@tsdask/core-graph';
import type { Table } from 'apache-arrow';
import { concatPartitions, emptyPartition, valueAt, type DType, type Partition, type Schema } from './kernels/columns.js';
import { nameOf, type ExprNode } from './kernels/expr-node.js';
import { typeOf } from './kernels/expr-types.js';
import type { Step } from './kernels/steps.js';
import { Expr, toNode, type ExprLike } from './expr.js';
import { K, blockwise, partitionKeys, type Lowered, type PlanNode } from './plan/node.js';
import { appendSteps } from './plan/map.js';
import { cheapColumn } from './plan/groupby.js';
import { lowerPlan, planText } from './plan/kinds.js';
import { currentFlags, optimizePlan, type PlanOptimizeFlags } from './optimize/driver.js';
import { shuffleMethod } from './shuffle-method.js';
import { partitionToTable, partitionsToTable } from './arrow.js';
import { ColumnNotFoundError, DataFrameError, ExprTypeError } from './errors.js';
import { collectPartitions } from './collect.js';
import { GroupBy, type GroupByOptions } from './groupby.js';
import { Series } from './series.js';
import { countRows, describe, nuniqueAll } from './reductions.js';
import { sortValues, type SortOptions } from './sort-values.js';
import { merge, type MergeOptions } from './merge.js';
import { repartition } from './repartition.js';
import { mapPartitions } from './map-partitions.js';
import { dropDuplicates } from './drop-duplicates.js';
import { toCSV, toParquet, type ToCsvOptions, type ToParquetOptions } from './writers.js';

/** Options of explain(). */
export interface ExplainOptions {
  /** Also print the text (console.log). */
  print?: boolean;
  /** Rule switches for the optimized plan shown (default: the `dataframe.optimize` config). */
  optimize?: PlanOptimizeFlags;
}

/** A lazy, partitioned table: `compute()` gives an Arrow Table. */
export class DataFrame extends Collection<Table> {
  /** The optimized and lowered plan, for the rule flags it was made with. */
  private cache: { flags: string; optimized: PlanNode; lowered?: Lowered } | undefined;
  constructor(readonly plan: PlanNode) {
    super();
  }
  /** A frame over another plan: how verbs make their result (arquero's table.create). */
  create(plan: PlanNode): DataFrame {
    return new DataFrame(plan);
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
  /** One line: partitions, columns with their dtypes (the first 8), and tasks (what util.inspect and the REPL show). */
  override toString(): string {
    const cols = this.columns;
    const shown = cols.slice(0, 8).map((c) => `${c} ${this.dtypes[c]}`);
    if (cols.length > 8) shown.push(`... ${cols.length - 8} more`);
    return `tsdask.DataFrame<npartitions=${this.npartitions}, columns=${cols.length} (${shown.join(', ')})${taskSuffix(this)}>`;
  }
  private cached(): { flags: string; optimized: PlanNode; lowered?: Lowered } {
    const flags = currentFlags();
    // The shuffle method changes the lowered graph (not the plan): a lowering is kept per method.
    const key = JSON.stringify([flags, shuffleMethod()]);
    if (this.cache?.flags !== key) this.cache = { flags: key, optimized: optimizePlan(this.plan, flags) };
    return this.cache;
  }
  /** The plan after the optimizer's rules (those the `dataframe.optimize` config leaves on). */
  optimizedPlan(): PlanNode {
    return this.cached().optimized;
  }
  /** The optimized plan lowered to layers. */
  lower(): Lowered {
    const c = this.cached();
    c.lowered ??= lowerPlan(c.optimized);
    return c.lowered;
  }
  /**
   * The plan before and after optimization, as indented trees (one line per node, inputs
   * below): what is read, with the columns and filters pushed into each reader.
   */
  explain(opts: ExplainOptions = {}): string {
    const optimized = opts.optimize === undefined ? this.optimizedPlan() : optimizePlan(this.plan, { ...currentFlags(), ...opts.optimize });
    const text = `== Logical plan ==\n${planText(this.plan)}\n\n== Optimized plan ==\n${planText(optimized)}\n`;
    if (opts.print === true) console.log(text);
    return text;
  }
  get graph(): HighLevelGraph {
    return this.lower().graph;
  }
  get outputKeys(): readonly Key[] {
    const l = this.lower();
    return partitionKeys(l.packed ?? l.name, this.npartitions);
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
    const shape = { kind: 'persisted' as const, schema: this.schema, npartitions: this.npartitions };
    if (l.packed !== undefined) {
      // `graph` holds the packed partitions (outputKeys): readers get them unpacked.
      const unpacked = blockwise({ name: l.packed, graph }, this.npartitions, 'unpack-dicts', `${K}#unpackDicts`, []);
      return this.create({ ...shape, lowered: { ...unpacked, packed: l.packed } }) as this;
    }
    return this.create({ ...shape, lowered: { name: l.name, graph } }) as this;
  }
  private concatValues(values: readonly unknown[]): Partition {
    return values.length === 0 ? emptyPartition(this.schema) : concatPartitions(values as Partition[]);
  }

  /** The cheapest column to read when only the row count matters (numbers before strings). */
  cheapColumn(): string {
    return cheapColumn(this.schema);
  }

  /** Checks that every column an expression reads exists, and infers its type. */
  typeOf(e: ExprLike): DType {
    return typeOf(toNode(e), this.schema);
  }

  private withStep(step: Step, schema: Schema): DataFrame {
    return this.create(appendSteps(this.plan, [step], schema));
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
    return this.withStep({ k: 'drop', names: list }, { names: keep.map(([n]) => n), types: keep.map(([, i]) => this.schema.types[i] as DType) });
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
    return countRows<DataFrame>(this).compute(opts);
  }

  /** The rows sorted by the columns `by` (stable, nulls last). */
  sortValues(by: string | string[], opts: SortOptions = {}): DataFrame {
    return sortValues<DataFrame>(this, by, opts);
  }

  /** Joins with another frame on key columns (inner, left, right or outer). */
  merge(other: DataFrame, opts: MergeOptions = {}): DataFrame {
    return merge<DataFrame>(this, other, opts);
  }

  /** The same rows in `npartitions` partitions. */
  repartition(opts: { npartitions: number }): DataFrame {
    return repartition<DataFrame>(this, opts.npartitions);
  }

  /** Applies a function from Arrow Table to Arrow Table to every partition. */
  mapPartitions(fn: (t: Table) => Table): DataFrame {
    return mapPartitions<DataFrame>(this, fn);
  }

  /** Sorts by `column` (range-partitioned on it) and keeps it as the index column. */
  setIndex(column: string, opts: Omit<SortOptions, 'ascending'> = {}): DataFrame {
    return sortValues<DataFrame>(this, column, opts);
  }

  /** Partition i alone, as a one-partition frame. */
  getPartition(i: number): DataFrame {
    if (!Number.isInteger(i) || i < 0 || i >= this.npartitions) {
      throw new DataFrameError(`getPartition(${i}): the frame has ${this.npartitions} partitions.`);
    }
    return this.create({ kind: 'partition', input: this.plan, index: i, schema: this.schema, npartitions: 1 });
  }

  /**
   * After sortValues / setIndex: the boundaries between partitions on the sort column (lazy;
   * partition i holds the keys from boundary i - 1 to boundary i). Undefined when not known.
   */
  divisions(): Delayed<(number | string)[]> | undefined {
    const l = this.lower();
    if (l.divisions === undefined) return undefined;
    return Delayed.fromGraph<(number | string)[]>(l.graph, l.divisions);
  }

  /** Writes one CSV file per partition into `dir`; resolves to the paths, or with `{ compute: false }` is a Delayed that writes when computed. */
  toCSV(dir: string, opts: ToCsvOptions & { compute: false }): Delayed<string[]>;
  toCSV(dir: string, opts?: ToCsvOptions & { compute?: true }): Promise<string[]>;
  toCSV(dir: string, opts?: ToCsvOptions): Promise<string[]> | Delayed<string[]>;
  toCSV(dir: string, opts: ToCsvOptions = {}): Promise<string[]> | Delayed<string[]> {
    return toCSV(this, dir, opts);
  }

  /** Writes one Parquet file per partition into `dir`; resolves to the paths, or with `{ compute: false }` is a Delayed that writes when computed. */
  toParquet(dir: string, opts: ToParquetOptions & { compute: false }): Delayed<string[]>;
  toParquet(dir: string, opts?: ToParquetOptions & { compute?: true }): Promise<string[]>;
  toParquet(dir: string, opts?: ToParquetOptions): Promise<string[]> | Delayed<string[]>;
  toParquet(dir: string, opts: ToParquetOptions = {}): Promise<string[]> | Delayed<string[]> {
    return toParquet(this, dir, opts);
  }

  /** One column as a lazy Series. */
  col(name: string): Series<DataFrame> {
    if (!this.schema.names.includes(name)) throw new ColumnNotFoundError(name, this.schema.names);
    return new Series(this.select(name), name);
  }

  /** One column as a lazy Series (the same as col). */
  get(name: string): Series<DataFrame> {
    return this.col(name);
  }

  /** Groups rows by the key columns; then `.agg({...})`, `.sum()`, `.mean()`, `.size()`. */
  groupBy(keys: string | string[], opts: GroupByOptions = {}): GroupBy<DataFrame> {
    return new GroupBy<DataFrame>(this, typeof keys === 'string' ? [keys] : [...keys], opts);
  }

  /** Distinct values of a column and their counts, most frequent first (column 'count'). */
  valueCounts(column: string): DataFrame {
    const counted = this.groupBy(column).agg({ count: [column, 'size'] });
    return counted.sortValues(['count', column], { ascending: [false, true] });
  }

  /** The number of distinct non-null values per column (lazy). */
  nunique(): Delayed<Record<string, number>> {
    return nuniqueAll<DataFrame>(this);
  }

  /** count, mean, std, min, quartiles and max of each numeric column (lazy; computes to a Table). */
  describe(): Collection<Table> {
    return describe<DataFrame>(this);
  }

  /**
   * One row per distinct combination of `subset` (all columns by default): the first such row
   * whole, in the order the rows came in, nulls counting as values (pandas' keep='first').
   */
  dropDuplicates(subset?: string | string[]): DataFrame {
    return dropDuplicates<DataFrame>(this, subset);
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
