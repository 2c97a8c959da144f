/** Series: one lazy column, `df.col('delay')`, with reductions that give lazy scalars. */
import type { Vector } from 'apache-arrow';
import { Delayed, op, type ComputeOptions } from '@tsdask/core-graph';
import { valueAt, type ColumnData, type DType, type Partition } from './kernels/columns.js';
import type { AggFn } from './kernels/groupby.js';
import { collectPartitions } from './collect.js';
import type { DataFrame } from './dataframe.js';
import { aggregate, makeSpec } from './groupby.js';
import { K, partitionKeys } from './plan.js';

const FIRST_VALUE = op(K, 'firstValue');

/** One lazy column of a DataFrame; its reductions are Delayed values (lazy scalars). */
export class Series {
  constructor(readonly frame: DataFrame, readonly name: string) {}
  /** The dtype. */
  get dtype(): DType {
    return this.frame.dtypes[this.name] as DType;
  }
  private reduce(fn: AggFn): Delayed<number | string | Date | null> {
    const df = aggregate(this.frame, makeSpec(this.frame, [], { v: [this.name, fn] }));
    const l = df.lower();
    return Delayed.fromGraph<number | string | Date | null>(l.graph, partitionKeys(l.name, 1)[0] as string, FIRST_VALUE);
  }
  /** The sum (nulls skipped). */
  sum(): Delayed<number> { return this.reduce('sum') as Delayed<number>; }
  /** The mean (nulls skipped). */
  mean(): Delayed<number | null> { return this.reduce('mean') as Delayed<number | null>; }
  /** The minimum. */
  min(): Delayed<number | string | Date | null> { return this.reduce('min'); }
  /** The maximum. */
  max(): Delayed<number | string | Date | null> { return this.reduce('max'); }
  /** The number of non-null values. */
  count(): Delayed<number> { return this.reduce('count') as Delayed<number>; }
  /** The sample standard deviation (ddof 1). */
  std(): Delayed<number | null> { return this.reduce('std') as Delayed<number | null>; }
  /** The sample variance (ddof 1). */
  var(): Delayed<number | null> { return this.reduce('var') as Delayed<number | null>; }
  /** The number of distinct non-null values. */
  nunique(): Delayed<number> { return this.reduce('nunique') as Delayed<number>; }
  /** Distinct values and their counts, most frequent first (column 'count'). */
  valueCounts(): DataFrame {
    return this.frame.valueCounts(this.name);
  }
  /** The values as an Arrow Vector. */
  async compute(opts: ComputeOptions = {}): Promise<Vector> {
    const t = await this.frame.select(this.name).compute(opts);
    return t.getChild(this.name) as Vector;
  }
  /** The values as a plain array. */
  async toArray(opts: ComputeOptions = {}): Promise<unknown[]> {
    const l = this.frame.select(this.name).lower();
    const parts = (await collectPartitions(l.graph, partitionKeys(l.name, this.frame.npartitions), opts)) as Partition[];
    const out: unknown[] = [];
    for (const p of parts) for (let i = 0; i < p.length; i++) out.push(valueAt(p.columns[0] as ColumnData, i));
    return out;
  }
}
