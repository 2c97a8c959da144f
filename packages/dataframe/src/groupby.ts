/**
 * groupBy(keys).agg({ out: [column, fn] }): checks the keys and aggregations against the
 * schema and adds a groupby node (plan/groupby.ts: a tree reduction of partial aggregates, or
 * a shuffle of them into `splitOut` partitions). Only the key and aggregated columns are read
 * (projection pushdown, optimize/projection-pushdown.ts).
 */
import type { DType } from './kernels/columns.js';
import { AGG_FNS, type AggFn, type AggSpec } from './kernels/groupby.js';
import { isNumeric } from './kernels/columns.js';
import type { Frame } from './frame.js';
import type { DataFrame } from './dataframe.js';
import type { Aggregated, AggregatedAll, AggItem, AnySchema } from './schema-types.js';
import type { PlanNode } from './plan/node.js';
import { estimateDistinct, groupByNode } from './plan/groupby.js';
import { ColumnNotFoundError, DataFrameError, ExprTypeError } from './errors.js';

export interface GroupByOptions {
  /** How many partials one combine task merges (default 8). */
  splitEvery?: number;
  /**
   * Output partitions. 1 is a tree reduction into one partition, right for few groups; more
   * hash-shuffles the partial aggregates by key into that many partitions, for many groups
   * (each output partition is sorted by key; together they hold every group once). Default:
   * chosen from the source's sample (see autoSplitOut), else 1.
   */
  splitOut?: number;
  /** False keeps rows whose key is null as a group (default true: dropped, as in pandas). */
  dropna?: boolean;
}

/** The aggregation of `spec` over `df`: one partition (a tree reduction) or `splitOut` (a shuffle). */
export function aggregate<F extends Frame<F>>(df: F, spec: AggSpec, opts: GroupByOptions = {}): F {
  const splitEvery = Math.max(2, opts.splitEvery ?? 8);
  const splitOut = opts.splitOut ?? autoSplitOut(df.plan, spec.keys);
  return df.create(groupByNode(df.plan, spec, splitEvery, splitOut));
}

/**
 * splitOut when not given: 1 (a tree reduction into one partition) unless a sample of the
 * source shows that most rows have their own key (then the partials would hold about as many
 * rows as the input, and one task could not hold them all): then one output per 4 inputs.
 */
export function autoSplitOut(plan: PlanNode, keys: string[]): number {
  if (keys.length === 0 || plan.npartitions < 4) return 1;
  const est = estimateDistinct(plan, keys);
  if (est === undefined || est.distinct < est.rows / 2) return 1;
  return Math.ceil(plan.npartitions / 4);
}

/** A spec from `{ out: [column, fn] }`, checked against the frame's schema. */
export function makeSpec(df: Frame<unknown>, keys: readonly string[], aggs: Record<string, readonly [string, AggFn]>): AggSpec {
  for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'groupBy()');
  const list: [string, string, AggFn][] = [];
  const types: DType[] = [];
  for (const [out, spec] of Object.entries(aggs)) {
    const [c, fn] = spec;
    if (!AGG_FNS.includes(fn)) throw new DataFrameError(`agg(): unknown aggregation '${String(fn)}' for '${out}'; use one of ${AGG_FNS.join(', ')}.`);
    if (fn !== 'size' && !df.columns.includes(c)) throw new ColumnNotFoundError(c, df.columns, `agg() for '${out}'`);
    const t = fn === 'size' ? 'int64' : (df.dtypes[c] as DType);
    if ((fn === 'sum' || fn === 'mean' || fn === 'std' || fn === 'var') && !isNumeric(t) && t !== 'bool') {
      throw new ExprTypeError(fn, [t], `Column '${c}' is not numeric.`);
    }
    list.push([out, c, fn]);
    types.push(t);
  }
  return { keys: [...keys], aggs: list, types };
}

/**
 * Rows grouped by key columns; aggregate with `agg` or a shortcut. S is the frame's schema and
 * K the key names, for the types (schema-types.ts says the result's schema).
 */
export class GroupBy<S = AnySchema, K extends string = string> {
  constructor(
    private readonly df: DataFrame<S>,
    private readonly keys: K[],
    private readonly opts: GroupByOptions = {},
  ) {
    for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'groupBy()');
  }
  /** Aggregates: `agg({ meanDelay: ['delay', 'mean'], n: ['delay', 'size'] })`. */
  agg<const A extends Record<string, AggItem<S>>>(aggs: A): DataFrame<Aggregated<S, K, A>> {
    return this.run(aggs);
  }
  /** The aggregation of `aggs` over the groups; T is its schema for the types. */
  private run<T>(aggs: Record<string, readonly [string, AggFn]>): DataFrame<T> {
    const spec = makeSpec(this.df, this.keys, aggs);
    if (this.opts.dropna === false) spec.dropna = false;
    return aggregate<DataFrame>(this.df as DataFrame, spec, this.opts) as DataFrame<T>;
  }
  private all<T>(fn: AggFn, numericOnly: boolean): DataFrame<T> {
    const aggs: Record<string, [string, AggFn]> = {};
    for (const c of this.df.columns) {
      if ((this.keys as string[]).includes(c)) continue;
      if (numericOnly && !isNumeric(this.df.dtypes[c] as DType)) continue;
      aggs[c] = [c, fn];
    }
    return this.run(aggs);
  }
  /** The sum of every numeric column per group. */
  sum(): DataFrame<AggregatedAll<S, K, 'sum', true>> {
    return this.all('sum', true);
  }
  /** The mean of every numeric column per group. */
  mean(): DataFrame<AggregatedAll<S, K, 'mean', true>> {
    return this.all('mean', true);
  }
  /** The minimum of every column per group. */
  min(): DataFrame<AggregatedAll<S, K, 'min', false>> {
    return this.all('min', false);
  }
  /** The maximum of every column per group. */
  max(): DataFrame<AggregatedAll<S, K, 'max', false>> {
    return this.all('max', false);
  }
  /** The non-null count of every column per group. */
  count(): DataFrame<AggregatedAll<S, K, 'count', false>> {
    return this.all('count', false);
  }
  /** The number of rows per group, as column 'size'. */
  size(): DataFrame<Aggregated<S, K, { size: readonly [K, 'size'] }>> {
    return this.run({ size: [this.keys[0] ?? '', 'size'] });
  }
}
