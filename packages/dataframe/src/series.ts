/** Series: one lazy column, `df.col('delay')`, with reductions that give lazy scalars. */
import type { Vector } from 'apache-arrow';
import type { ComputeOptions } from '@tsdask/core-graph';
import { valueAt, type ColumnData, type DType, type Partition } from './kernels/columns.js';
import type { AggFn } from './kernels/groupby.js';
import { Scalar, collectPartitions } from './collect.js';
import type { DataFrame } from './dataframe.js';
import { aggregate, makeSpec } from './groupby.js';
import { partitionKeys } from './plan.js';

/** One lazy column of a DataFrame. */
export class Series {
  constructor(readonly frame: DataFrame, readonly name: string) {}
  /** The dtype. */
  get dtype(): DType {
    return this.frame.dtypes[this.name] as DType;
  }
  private reduce(fn: AggFn): Scalar<number | string | Date | null> {
    const df = aggregate(this.frame, makeSpec(this.frame, [], { v: [this.name, fn] }));
    const l = df.lower();
    return new Scalar(l.graph, partitionKeys(l.name, 1)[0] as string, (p) => valueAt((p as Partition).columns[0] as ColumnData, 0) as number);
  }
  /** The sum (nulls skipped). */
  sum(): Scalar<number> { return this.reduce('sum') as Scalar<number>; }
  /** The mean (nulls skipped). */
  mean(): Scalar<number | null> { return this.reduce('mean') as Scalar<number | null>; }
  /** The minimum. */
  min(): Scalar<number | string | Date | null> { return this.reduce('min'); }
  /** The maximum. */
  max(): Scalar<number | string | Date | null> { return this.reduce('max'); }
  /** The number of non-null values. */
  count(): Scalar<number> { return this.reduce('count') as Scalar<number>; }
  /** The sample standard deviation (ddof 1). */
  std(): Scalar<number | null> { return this.reduce('std') as Scalar<number | null>; }
  /** The sample variance (ddof 1). */
  var(): Scalar<number | null> { return this.reduce('var') as Scalar<number | null>; }
  /** The number of distinct non-null values. */
  nunique(): Scalar<number> { return this.reduce('nunique') as Scalar<number>; }
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
