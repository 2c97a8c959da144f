/**
 * Series: one lazy column, `df.col('delay')`, a collection of its own (compute(df, s) computes
 * both on one graph) that computes to an Arrow Vector, with reductions that give lazy scalars.
 */
import type { Vector } from 'apache-arrow';
import { Collection, Delayed, op, type ComputeOptions, type HeldKeys, type HighLevelGraph, type Key } from '@tsdask/core-graph';
import { valueAt, type ColumnData, type DType, type Partition } from './kernels/columns.js';
import type { AggFn } from './kernels/groupby.js';
import { collectPartitions } from './collect.js';
import type { AnyFrame, Frame } from './frame.js';
import { aggregate, makeSpec } from './groupby.js';
import { K, partitionKeys } from './plan/node.js';

const FIRST_VALUE = op(K, 'firstValue');

/** One lazy column of a DataFrame; its reductions are Delayed values (lazy scalars). */
export class Series<F extends Frame<F> = AnyFrame> extends Collection<Vector> {
  /** `frame` holds this one column (`df.select(name)`). */
  constructor(
    readonly frame: F,
    readonly name: string,
  ) {
    super();
  }
  /** The dtype. */
  get dtype(): DType {
    return this.frame.dtypes[this.name] as DType;
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
    return new Series(this.frame.withHeld(handle), this.name) as this;
  }
  private reduce(fn: AggFn): Delayed<number | string | Date | null> {
    const df = aggregate(this.frame, makeSpec(this.frame, [], { v: [this.name, fn] }));
    const l = df.lower();
    return Delayed.fromGraph<number | string | Date | null>(l.graph, partitionKeys(l.name, 1)[0] as string, FIRST_VALUE);
  }
  /** The sum (nulls skipped). */
  sum(): Delayed<number> {
    return this.reduce('sum') as Delayed<number>;
  }
  /** The mean (nulls skipped). */
  mean(): Delayed<number | null> {
    return this.reduce('mean') as Delayed<number | null>;
  }
  /** The minimum. */
  min(): Delayed<number | string | Date | null> {
    return this.reduce('min');
  }
  /** The maximum. */
  max(): Delayed<number | string | Date | null> {
    return this.reduce('max');
  }
  /** The number of non-null values. */
  count(): Delayed<number> {
    return this.reduce('count') as Delayed<number>;
  }
  /** The sample standard deviation (ddof 1). */
  std(): Delayed<number | null> {
    return this.reduce('std') as Delayed<number | null>;
  }
  /** The sample variance (ddof 1). */
  var(): Delayed<number | null> {
    return this.reduce('var') as Delayed<number | null>;
  }
  /** The number of distinct non-null values. */
  nunique(): Delayed<number> {
    return this.reduce('nunique') as Delayed<number>;
  }
  /** Distinct values and their counts, most frequent first (column 'count'). */
  valueCounts(): F {
    return this.frame.valueCounts(this.name);
  }
  /** The values as a plain array. */
  async toArray(opts: ComputeOptions = {}): Promise<unknown[]> {
    const l = this.frame.lower();
    const parts = (await collectPartitions(l.graph, partitionKeys(l.name, this.frame.npartitions), opts)) as Partition[];
    const out: unknown[] = [];
    for (const p of parts) for (let i = 0; i < p.length; i++) out.push(valueAt(p.columns[p.names.indexOf(this.name)] as ColumnData, i));
    return out;
  }
}
