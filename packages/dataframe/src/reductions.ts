/** Whole-frame reductions: row count, nunique per column, describe. */
import { HighLevelGraph, MaterializedLayer, chunkKey, tokenize, type Key, type Node } from '@tsdask/core-graph';
import { Table, vectorFromArray, Float64, Utf8, type Vector } from 'apache-arrow';
import { isNumeric, valueAt, type ColumnData, type DType, type Partition } from './kernels/columns.js';
import type { AggFn } from './kernels/groupby.js';
import { Scalar } from './collect.js';
import type { DataFrame } from './dataframe.js';
import { aggregate, makeSpec } from './groupby.js';
import { K, partitionKeys } from './plan.js';

/** The number of rows, lazily: one length task per partition and a sum. */
export function countRows(df: DataFrame): Scalar<number> {
  const input = df.select(df.cheapColumn()).lower();
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
  return new Scalar(graph, name, (v) => v as number);
}

function statsScalar<T>(df: DataFrame, aggs: Record<string, [string, AggFn]>, fn: (p: Partition) => T): Scalar<T> {
  const out = aggregate(df, makeSpec(df, [], aggs));
  const l = out.lower();
  return new Scalar(l.graph, partitionKeys(l.name, 1)[0] as Key, (p) => fn(p as Partition));
}

/** The number of distinct non-null values of each column. */
export function nuniqueAll(df: DataFrame): Scalar<Record<string, number>> {
  const aggs: Record<string, [string, AggFn]> = {};
  for (const c of df.columns) aggs[c] = [c, 'nunique'];
  return statsScalar(df, aggs, (p) => {
    const r: Record<string, number> = {};
    p.names.forEach((n, j) => (r[n] = valueAt(p.columns[j] as ColumnData, 0) as number));
    return r;
  });
}

const STATS: AggFn[] = ['count', 'mean', 'std', 'min', 'max'];

/** count, mean, std, min and max of each numeric column, as a table with a 'statistic' column. */
export function describe(df: DataFrame): Scalar<Table> {
  const cols = df.columns.filter((c) => isNumeric(df.dtypes[c] as DType));
  const aggs: Record<string, [string, AggFn]> = {};
  for (const c of cols) for (const s of STATS) aggs[`${s}\u0000${c}`] = [c, s];
  return statsScalar(df, aggs, (p) => {
    const out: Record<string, Vector> = { statistic: vectorFromArray(STATS, new Utf8()) };
    for (const c of cols) {
      const vals = STATS.map((s) => {
        const j = p.names.indexOf(`${s}\u0000${c}`);
        const v = valueAt(p.columns[j] as ColumnData, 0);
        return v === null ? null : Number(v);
      });
      out[c] = vectorFromArray(vals, new Float64());
    }
    return new Table(out);
  });
}
