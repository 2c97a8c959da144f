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
import { toNode, type Expr, type ExprLike } from './expr.js';
import type {
  AnySchema,
  ColumnName,
  DTypeAt,
  Flat,
  Dropped,
  CheckColumns,
  CheckEach,
  MergedBy,
  Renamed,
  Row,
  SelectItem,
  Selected,
  Simplify,
  ValueCountsSchema,
  WithColumns,
} from './schema-types.js';
import { K, blockwise, partitionKeys, type Lowered, type PlanNode } from './plan/node.js';
import { appendSteps } from './plan/map.js';
import { cheapColumn } from './plan/groupby.js';
import { lowerPlan, planText } from './plan/kinds.js';
import { currentFlags, optimizePlan, type PlanOptimizeFlags } from './optimize/driver.js';
import { lowerForCompute, shuffleMethod } from './shuffle-method.js';
import { partitionToTable, partitionsToTable } from './arrow.js';
import { ColumnNotFoundError, DataFrameError, ExprTypeError } from './errors.js';
import { collectPartitions } from './collect.js';
import { displayable, frameHtml } from './repr-html.js';
import { GroupBy, type GroupByOptions } from './groupby.js';
import { Series } from './series.js';
import { countRows, describe, nuniqueAll } from './reductions.js';
import { sortValues, type SortOptions } from './sort-values.js';
import { merge, type MergeOptions } from './merge.js';
import { repartition } from './repartition.js';
import { mapPartitions } from './map-partitions.js';
import { dropDuplicates } from './drop-duplicates.js';
import { toCSV, toParquet, type ToCsvOptions, type ToParquetOptions } from './writers.js';

/** A frame as one of schema T, for the types (the verbs that call it say why T is right). */
function asSchema<T>(df: Collection<Table>): DataFrame<T> {
  return df as DataFrame<T>;
}

/** Options of explain(). */
export interface ExplainOptions {
  /** Also print the text (console.log). */
  print?: boolean;
  /** Rule switches for the optimized plan shown (default: the `dataframe.optimize` config). */
  optimize?: PlanOptimizeFlags;
}

/**
 * A lazy, partitioned table: `compute()` gives an Arrow Table. S is its schema as the types
 * know it (column name to dtype: schema-types.ts), from `readCSV(path, { dtypes })`,
 * `fromRecords`, `fromArrow` of a typed Table or `readParquet<S>()`: then column names are
 * checked at compile time and each verb gives the next S. Where it is not known, S is
 * `AnySchema` and every name is a string, checked at run time only.
 */
export class DataFrame<S = AnySchema> extends Collection<Table> {
  /**
   * The schema as the types know it; never set at run time. The verbs read it from `this`
   * (`filter<T>(this: DataFrame<T>, ...)`), so S appears only here and DataFrame is covariant
   * in it: a frame of more columns, or of narrower dtypes, serves where fewer are asked, and
   * every frame serves as a `DataFrame` (AnySchema).
   */
  declare readonly schemaType?: S;
  /**
   * The optimized and lowered plan, by the rule flags and shuffle method it was made with (a compute
   * lowers for its own scheduler, and then reads outputKeys under the configured one: both stay).
   */
  private readonly cache = new Map<string, { optimized: PlanNode; lowered?: Lowered }>();
  constructor(readonly plan: PlanNode) {
    super();
  }
  /** A frame over another plan: how verbs make their result (arquero's table.create); T is its schema for the types. */
  create<T = AnySchema>(plan: PlanNode): DataFrame<T> {
    return new DataFrame<T>(plan);
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
  /** The notebook summary, as Dask's: each column with its dtype, the partition count, tasks and layers. */
  override toHTML(): string {
    return frameHtml('tsdask DataFrame structure:', this);
  }
  private cached(): { optimized: PlanNode; lowered?: Lowered } {
    const flags = currentFlags();
    // The shuffle method changes the lowered graph (not the plan): a lowering is kept per method.
    const key = JSON.stringify([flags, shuffleMethod()]);
    let c = this.cache.get(key);
    if (c === undefined) {
      if (this.cache.size >= 4) this.cache.clear(); // flags changed: the old ones go
      this.cache.set(key, (c = { optimized: optimizePlan(this.plan, flags) }));
    }
    return c;
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
    return displayable(t);
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

  /** This frame with its schema not known to the types (what the untyped helpers take). */
  private get wide(): DataFrame {
    return asSchema<AnySchema>(this);
  }

  /** The cheapest column to read when only the row count matters (numbers before strings). */
  cheapColumn(): string {
    return cheapColumn(this.schema);
  }

  /** Checks that every column an expression reads exists, and infers its type. */
  typeOf(e: ExprLike): DType {
    return typeOf(toNode(e), this.schema);
  }

  private withStep<T>(step: Step, schema: Schema): DataFrame<T> {
    return this.create<T>(appendSteps(this.plan, [step], schema));
  }

  /** The rows where `cond` is true. */
  filter<T, E extends ExprLike>(this: DataFrame<T>, cond: E & CheckColumns<E, T>): DataFrame<T> {
    const node = toNode(cond);
    const t = typeOf(node, this.schema);
    if (t !== 'bool') throw new ExprTypeError('filter', [t], 'A filter needs a bool expression.');
    return this.withStep({ k: 'filter', expr: node }, this.schema);
  }

  /** Adds or replaces columns: `withColumns({ gain: col('b').sub(col('a')) })`. */
  withColumns<T, const E extends Record<string, ExprLike>>(this: DataFrame<T>, exprs: E & CheckEach<E, T>): DataFrame<WithColumns<T, E>> {
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
  select<T, const I extends readonly SelectItem<T>[]>(this: DataFrame<T>, ...items: I & CheckEach<I, T>): DataFrame<Selected<T, Flat<I[number]>>> {
    const flat = (items as readonly SelectItem<T>[]).flat() as (string | Expr)[];
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
  drop<T, const N extends ColumnName<T>>(this: DataFrame<T>, ...names: (N | readonly N[])[]): DataFrame<Dropped<T, N>> {
    const list: string[] = names.flat();
    for (const n of list) if (!this.schema.names.includes(n)) throw new ColumnNotFoundError(n, this.schema.names, 'drop()');
    const keep = this.schema.names.map((n, i) => [n, i] as const).filter(([n]) => !list.includes(n));
    return this.withStep({ k: 'drop', names: list }, { names: keep.map(([n]) => n), types: keep.map(([, i]) => this.schema.types[i] as DType) });
  }

  /** Renames columns: `rename({ old: 'new' })`. */
  rename<T, const M extends { readonly [K in ColumnName<T>]?: string }>(this: DataFrame<T>, map: M): DataFrame<Renamed<T, M>> {
    const to = map as Record<string, string>;
    for (const n of Object.keys(map)) if (!this.schema.names.includes(n)) throw new ColumnNotFoundError(n, this.schema.names, 'rename()');
    const names = this.schema.names.map((n) => to[n] ?? n);
    if (new Set(names).size !== names.length) throw new DataFrameError(`rename() would give two columns one name: ${names.join(', ')}`);
    return this.withStep({ k: 'rename', map: Object.entries(to) }, { names, types: [...this.schema.types] });
  }

  /** The first n rows, computed now, reading only the partitions it needs (as in Dask). */
  async head(n = 5, opts: ComputeOptions = {}): Promise<Table> {
    const l = lowerForCompute(opts, () => this.lower());
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
    return displayable(partitionToTable(all.length > n ? slice(all, 0, n) : all));
  }

  /** The number of rows, computed now. */
  async len(opts: ComputeOptions = {}): Promise<number> {
    return countRows(this.wide).compute(opts);
  }

  /** The rows sorted by the columns `by` (stable, nulls last). */
  sortValues<T>(this: DataFrame<T>, by: ColumnName<T> | readonly ColumnName<T>[], opts: SortOptions = {}): DataFrame<T> {
    return asSchema(sortValues(this.wide, by, opts));
  }

  /**
   * Joins with another frame on key columns (inner, left, right or outer). The schema of the
   * result, for the types: keys named alike on both sides once, other names on both sides with
   * the suffixes (pandas' rule).
   */
  merge<T, R, const O extends MergeOptions<T, R> = Record<never, never>>(this: DataFrame<T>, other: DataFrame<R>, opts?: O): DataFrame<MergedBy<T, R, O>> {
    const left = this.wide;
    const right: DataFrame = asSchema(other);
    const options = (opts ?? {}) as MergeOptions;
    const joined: DataFrame = merge(left, right, options);
    return asSchema(joined);
  }

  /** The same rows in `npartitions` partitions. */
  repartition<T>(this: DataFrame<T>, opts: { npartitions: number }): DataFrame<T> {
    return asSchema(repartition(this.wide, opts.npartitions));
  }

  /** Applies a function from Arrow Table to Arrow Table to every partition (its output schema is known at run time only). */
  mapPartitions(fn: (t: Table) => Table): DataFrame {
    return asSchema(mapPartitions(this.wide, fn));
  }

  /** Sorts by `column` (range-partitioned on it) and keeps it as the index column. */
  setIndex<T>(this: DataFrame<T>, column: ColumnName<T>, opts: Omit<SortOptions, 'ascending'> = {}): DataFrame<T> {
    return asSchema(sortValues(this.wide, column, opts));
  }

  /** Partition i alone, as a one-partition frame. */
  getPartition<T>(this: DataFrame<T>, i: number): DataFrame<T> {
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
    return toCSV(this.wide, dir, opts);
  }

  /** Writes one Parquet file per partition into `dir`; resolves to the paths, or with `{ compute: false }` is a Delayed that writes when computed. */
  toParquet(dir: string, opts: ToParquetOptions & { compute: false }): Delayed<string[]>;
  toParquet(dir: string, opts?: ToParquetOptions & { compute?: true }): Promise<string[]>;
  toParquet(dir: string, opts?: ToParquetOptions): Promise<string[]> | Delayed<string[]>;
  toParquet(dir: string, opts: ToParquetOptions = {}): Promise<string[]> | Delayed<string[]> {
    return toParquet(this.wide, dir, opts);
  }

  /** One column as a lazy Series. */
  col<T, N extends ColumnName<T>>(this: DataFrame<T>, name: N): Series<DataFrame<Simplify<Pick<T, N>>>, DTypeAt<T, N>, N> {
    if (!this.schema.names.includes(name)) throw new ColumnNotFoundError(name, this.schema.names);
    return new Series(asSchema<Simplify<Pick<T, N>>>(this.select(name)), name);
  }

  /** One column as a lazy Series (the same as col). */
  get<T, N extends ColumnName<T>>(this: DataFrame<T>, name: N): Series<DataFrame<Simplify<Pick<T, N>>>, DTypeAt<T, N>, N> {
    return this.col(name);
  }

  /** Groups rows by the key columns; then `.agg({...})`, `.sum()`, `.mean()`, `.size()`. */
  groupBy<T, const K extends ColumnName<T>>(this: DataFrame<T>, keys: K | readonly K[], opts: GroupByOptions = {}): GroupBy<T, K> {
    return new GroupBy<T, K>(this, typeof keys === 'string' ? [keys] : [...(keys as readonly K[])], opts);
  }

  /** Distinct values of a column and their counts, most frequent first (column 'count'). */
  valueCounts<T, C extends ColumnName<T>>(this: DataFrame<T>, column: C): DataFrame<ValueCountsSchema<C, DTypeAt<T, C>>> {
    const counted = this.wide.groupBy(column).agg({ count: [column, 'size'] });
    return asSchema(counted.sortValues(['count', column], { ascending: [false, true] }));
  }

  /** The number of distinct non-null values per column (lazy). */
  nunique<T>(this: DataFrame<T>): Delayed<{ [K in ColumnName<T>]: number }> {
    return nuniqueAll(this.wide) as Delayed<{ [K in ColumnName<T>]: number }>;
  }

  /** count, mean, std, min, quartiles and max of each numeric column (lazy; computes to a Table). */
  describe(): Collection<Table> {
    return describe(this.wide);
  }

  /**
   * One row per distinct combination of `subset` (all columns by default): the first such row
   * whole, in the order the rows came in, nulls counting as values (pandas' keep='first').
   */
  dropDuplicates<T>(this: DataFrame<T>, subset?: ColumnName<T> | readonly ColumnName<T>[]): DataFrame<T> {
    return asSchema(dropDuplicates(this.wide, subset));
  }

  /** Computes and returns the rows as plain objects (dates as Date, strings, numbers, null), typed by the schema. */
  async toRecords<T>(this: DataFrame<T>, opts: ComputeOptions = {}): Promise<Row<T>[]> {
    const l = lowerForCompute(opts, () => this.lower());
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
    return out as Row<T>[];
  }
}
