/**
 * Whole-frame reductions: row count and nunique per column (lazy scalars: core-graph Delayed
 * values), describe (a lazy Table, built where compute() returns: an Arrow Table cannot cross
 * threads as a task's result).
 */
import { Collection, Delayed, HighLevelGraph, MaterializedLayer, chunkKey, op, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import { combineQuantiles, type Sketch } from './kernels/quantiles.js';
import { Table, vectorFromArray, Float64, Utf8, type Vector } from 'apache-arrow';
import { isNumeric, valueAt, type ColumnData, type DType, type Partition } from './kernels/columns.js';
import type { AggFn } from './kernels/groupby.js';
import type { Frame } from './frame.js';
import { aggregate, makeSpec } from './groupby.js';
import { K, partitionKeys } from './plan/node.js';
import { currentFlags, optimizePlan } from './optimize/driver.js';

/**
 * The number of rows, lazily: where the reader can aggregate while it reads (readCSV's scanner),
 * a size aggregation with no keys, so each range's rows are counted as they are scanned (a last
 * filter counted, not applied) and no column is built; else one length task per partition and a sum.
 */
export function countRows<F extends Frame<F>>(df: F): Delayed<number> {
  if (df.columns.length > 0) {
    const counted = aggregate(df, makeSpec(df, [], { n: [df.cheapColumn(), 'size'] }));
    const plan = optimizePlan(counted.plan, currentFlags());
    if (plan.kind === 'groupby' && plan.scan === true) {
      const l = counted.lower();
      return Delayed.fromGraph<number>(l.graph, partitionKeys(l.name, 1)[0] as Key, op(K, 'firstValue'));
    }
  }
  // A frame with no columns still has rows (each partition knows its length).
  const input = (df.columns.length === 0 ? df : df.select(df.cheapColumn())).lower();
  const name = `len-${tokenize(input.name)}`;
  const tasks = new Map<Key, Node>();
  const parts: Node[] = [];
  for (let i = 0; i < df.npartitions; i++) {
    const k = chunkKey(`${name}-part`, i);
    tasks.set(k, { op: `${K}#length`, args: [{ ref: chunkKey(input.name, i) }] });
    parts.push({ ref: k });
  }
  tasks.set(name, { op: `${K}#total`, args: parts });
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph);
  return Delayed.fromGraph<number>(graph, name);
}

/** The number of distinct non-null values of each column. */
export function nuniqueAll<F extends Frame<F>>(df: F): Delayed<Record<string, number>> {
  const aggs: Record<string, [string, AggFn]> = {};
  for (const c of df.columns) aggs[c] = [c, 'nunique'];
  const l = aggregate(df, makeSpec(df, [], aggs)).lower();
  return Delayed.fromGraph<Record<string, number>>(l.graph, partitionKeys(l.name, 1)[0] as Key, op(K, 'firstRow'));
}

/** A lazy value whose last step runs where compute() returns (describe's Arrow Table). */
class LocalResult<T> extends Collection<T> {
  constructor(
    readonly graph: HighLevelGraph,
    readonly key: Key,
    private readonly fn: (v: unknown) => T,
  ) {
    super();
  }
  get outputKeys(): readonly Key[] {
    return [this.key];
  }
  finalize(values: readonly unknown[]): T {
    return this.fn(values[0]);
  }
}

const STATS: AggFn[] = ['count', 'mean', 'std', 'min', 'max'];
const ROWS = ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'];

/**
 * count, mean, std, min, 25%, 50%, 75% and max of each numeric column, as a table with a
 * 'statistic' column. The quartiles are approximate (from 1000 order statistics per
 * partition), as in Dask; the others are exact.
 */
export function describe<F extends Frame<F>>(df: F): Collection<Table> {
  const cols = df.columns.filter((c) => isNumeric(df.dtypes[c] as DType));
  const aggs: Record<string, [string, AggFn]> = {};
  for (const c of cols) for (const s of STATS) aggs[`${s}\u0000${c}`] = [c, s];
  const stats = aggregate(df, makeSpec(df, [], aggs)).lower();
  const input = df.select(cols.length > 0 ? cols : [df.cheapColumn()]).lower();
  const name = `describe-${tokenize(stats.name, input.name)}`;
  const tasks = new Map<Key, Node>();
  const sketches: Node[] = [];
  for (let i = 0; i < df.npartitions; i++) {
    const k = chunkKey(`${name}-sketch`, i);
    tasks.set(k, { op: `${K}#quantileSketch`, args: [{ ref: chunkKey(input.name, i) }, quote(cols), 1000] });
    sketches.push({ ref: k });
  }
  tasks.set(name, { op: `${K}#describeParts`, args: [{ ref: partitionKeys(stats.name, 1)[0] as Key }, ...sketches] });
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [stats.name, input.name]), stats.graph, input.graph);
  return new LocalResult(graph, name, (v) => {
    const { agg: p, sketches: sk } = v as { agg: Partition; sketches: Sketch[][] };
    const out: Record<string, Vector> = { statistic: vectorFromArray(ROWS, new Utf8()) };
    cols.forEach((c, ci) => {
      const exact = (s: string): number | null => {
        const x = valueAt(p.columns[p.names.indexOf(`${s}\u0000${c}`)] as ColumnData, 0);
        return x === null ? null : Number(x);
      };
      const [q1, q2, q3] = combineQuantiles(sk, ci, [0.25, 0.5, 0.75]);
      const vals = [exact('count'), exact('mean'), exact('std'), exact('min'), q1 ?? null, q2 ?? null, q3 ?? null, exact('max')];
      out[c] = vectorFromArray(vals, new Float64());
    });
    return new Table(out);
  });
}
