/**
 * Series: one lazy column, `df.col('delay')`, a collection of its own (compute(df, s) computes
 * both on one graph) that computes to an Arrow Vector, with reductions that give lazy scalars.
 * Its second type parameter is the column's dtype where the types know it (value-types.ts
 * says what each reduction's value is then); `DType` where they do not. The third is its name.
 */
import type { Vector } from 'apache-arrow';
import { Collection, Delayed, op, type ComputeOptions, type HeldKeys, type HighLevelGraph, type Key } from '@tsdask/core-graph';
import { valueAt, type ColumnData, type DType, type Partition } from './kernels/columns.js';
import type { AggFn } from './kernels/groupby.js';
import { collectPartitions } from './collect.js';
import { lowerForCompute } from './shuffle-method.js';
import { frameHtml } from './repr-html.js';
import { taskSuffix, type AnyFrame, type Frame } from './frame.js';
import { aggregate, makeSpec } from './groupby.js';
import { countRows } from './reductions.js';
import type { ValueOf } from './value-types.js';
import type { DataFrame } from './dataframe.js';
import type { ValueCountsSchema } from './schema-types.js';
import { K, partitionKeys } from './plan/node.js';

const FIRST_VALUE = op(K, 'firstValue');

/** One lazy column of a DataFrame (of dtype D); its reductions are Delayed values (lazy scalars). */
export class Series<F extends Frame<F> = AnyFrame, out D extends DType = DType, N extends string = string> extends Collection<Vector> {
  /** `frame` holds this one column (`df.select(name)`). */
  constructor(
    readonly frame: F,
    readonly name: N,
  ) {
    super();
  }
  /** The dtype. */
  get dtype(): D {
    return this.frame.dtypes[this.name] as D;
  }
  /** One line: name, dtype, partitions and tasks (what util.inspect and the REPL show). */
  override toString(): string {
    return `tsdask.Series<${this.name}, dtype=${this.dtype}, npartitions=${this.frame.npartitions}${taskSuffix(this)}>`;
  }
  /** The notebook summary: the column, its dtype, the partition count, tasks and layers. */
  override toHTML(): string {
    return frameHtml(`tsdask Series structure: ${this.name}`, {
      columns: [this.name],
      dtypes: this.frame.dtypes,
      npartitions: this.frame.npartitions,
      graph: this.graph,
      outputKeys: this.outputKeys,
    });
  }
  get graph(): HighLevelGraph {
    return this.frame.graph;
  }
  get outputKeys(): readonly Key[] {
    return this.frame.outputKeys;
  }
  /** The column of the frame's table, as an Arrow Vector. */
  finalize(values: readonly unknown[]): Vector {
    return this.frame.finalize(values).getChild(this.name) as Vector;
  }
  /** The same series over computed values (what persist() returns). */
  override withHeld(handle: HeldKeys): this {
    return new Series<F, D, N>(this.frame.withHeld(handle), this.name) as this;
  }
  /** A one-value aggregation of this column, typed with what the aggregation's kernel gives (test/typed-results.test.ts checks). */
  private reduce<T>(fn: AggFn): Delayed<T> {
    const df = aggregate(this.frame, makeSpec(this.frame, [], { v: [this.name, fn] }));
    const l = df.lower();
    return Delayed.fromGraph<T>(l.graph, partitionKeys(l.name, 1)[0] as string, FIRST_VALUE);
  }
  /** The sum (nulls skipped; 0 when none): a number for numeric and bool columns. */
  sum(): Delayed<number> {
    return this.reduce('sum');
  }
  /** The mean (nulls skipped; null when none). */
  mean(): Delayed<number | null> {
    return this.reduce('mean');
  }
  /** The minimum (null when every value is null): a value of the column's type. */
  min(): Delayed<ValueOf<D> | null> {
    return this.reduce('min');
  }
  /** The maximum (null when every value is null): a value of the column's type. */
  max(): Delayed<ValueOf<D> | null> {
    return this.reduce('max');
  }
  /** The number of non-null values. */
  count(): Delayed<number> {
    return this.reduce('count');
  }
  /** The sample standard deviation (ddof 1; null under two values). */
  std(): Delayed<number | null> {
    return this.reduce('std');
  }
  /** The sample variance (ddof 1; null under two values). */
  var(): Delayed<number | null> {
    return this.reduce('var');
  }
  /** The number of distinct non-null values. */
  nunique(): Delayed<number> {
    return this.reduce('nunique');
  }
  /** The number of rows (nulls included), computed now, as `DataFrame.len()`. */
  async len(opts: ComputeOptions = {}): Promise<number> {
    return countRows<F>(this.frame).compute(opts);
  }
  /** Distinct values and their counts, most frequent first (column 'count'). */
  valueCounts(): DataFrame<ValueCountsSchema<N, D>> {
    return this.frame.valueCounts(this.name) as DataFrame<ValueCountsSchema<N, D>>;
  }
  /** The values as a plain array. */
  async toArray(opts: ComputeOptions = {}): Promise<(ValueOf<D> | null)[]> {
    const l = lowerForCompute(opts, () => this.frame.lower());
    const parts = (await collectPartitions(l.graph, partitionKeys(l.name, this.frame.npartitions), opts)) as Partition[];
    const out: (ValueOf<D> | null)[] = [];
    for (const p of parts) for (let i = 0; i < p.length; i++) out.push(valueAt(p.columns[p.names.indexOf(this.name)] as ColumnData, i) as ValueOf<D> | null);
    return out;
  }
}
