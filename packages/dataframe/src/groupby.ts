/**
 * groupBy(keys).agg({ out: [column, fn] }): checks the keys and aggregations against the
 * schema and adds a groupby node (plan/groupby.ts: a tree reduction of partial aggregates, or
 * a shuffle of them into `splitOut` partitions). Only the key and aggregated columns are read
 * (projection pushdown, optimize/projection-pushdown.ts).
 */
import type { DType } from './kernels/columns.js';
import { AGG_FNS, type AggFn, type AggSpec } from './kernels/groupby.js';
import { isNumeric } from './kernels/columns.js';
import type { AnyFrame, Frame } from './frame.js';
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
export function makeSpec(df: Frame<unknown>, keys: string[], aggs: Record<string, [string, AggFn]>): AggSpec {
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
  return { keys, aggs: list, types };
}

/** Rows grouped by key columns; aggregate with `agg` or a shortcut. */
export class GroupBy<F extends Frame<F> = AnyFrame> {
  constructor(
    private readonly df: F,
    private readonly keys: string[],
    private readonly opts: GroupByOptions = {},
  ) {
    for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'groupBy()');
  }
  /** Aggregates: `agg({ meanDelay: ['delay', 'mean'], n: ['delay', 'size'] })`. */
  agg(aggs: Record<string, [string, AggFn]>): F {
    const spec = makeSpec(this.df, this.keys, aggs);
    if (this.opts.dropna === false) spec.dropna = false;
    return aggregate(this.df, spec, this.opts);
  }
  private all(fn: AggFn, numericOnly: boolean): F {
    const aggs: Record<string, [string, AggFn]> = {};
    for (const c of this.df.columns) {
      if (this.keys.includes(c)) continue;
      if (numericOnly && !isNumeric(this.df.dtypes[c] as DType)) continue;
      aggs[c] = [c, fn];
    }
    return this.agg(aggs);
  }
  /** The sum of every numeric column per group. */
  sum(): F {
    return this.all('sum', true);
  }
  /** The mean of every numeric column per group. */
  mean(): F {
    return this.all('mean', true);
  }
  /** The minimum of every column per group. */
  min(): F {
    return this.all('min', false);
  }
  /** The maximum of every column per group. */
  max(): F {
    return this.all('max', false);
  }
  /** The non-null count of every column per group. */
  count(): F {
    return this.all('count', false);
  }
  /** The number of rows per group, as column 'size'. */
  size(): F {
    return this.agg({ size: [this.keys[0] ?? '', 'size'] });
  }
}
