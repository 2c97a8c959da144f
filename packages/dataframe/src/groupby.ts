/**
 * groupBy(keys).agg({ out: [column, fn] }): a tree reduction of partial aggregates. Each
 * partition is aggregated to one row per group (partialAgg), partials are merged
 * `splitEvery` at a time (combineAgg) until one remains, and finalAgg builds the result.
 * Only the key and aggregated columns are read (the select below is pushed into readers).
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DType } from './kernels/columns.js';
import { AGG_FNS, aggType, type AggFn, type AggSpec } from './kernels/groupby.js';
import { isNumeric } from './kernels/columns.js';
import { DataFrame } from './dataframe.js';
import { K, estimateDistinct } from './plan.js';
import { ColumnNotFoundError, DataFrameError, ExprTypeError } from './errors.js';
import { fuseScanAggregate } from './optimize/scan-aggregate.js';
import { pieceRefs } from './shuffle.js';

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

/** Builds the tree reduction of `spec` over `df`; the result has one partition. */
export function aggregate(df: DataFrame, spec: AggSpec, opts: GroupByOptions = {}): DataFrame {
  const splitEvery = Math.max(2, opts.splitEvery ?? 8);
  const cols = [...new Set([...spec.keys, ...spec.aggs.filter(([, , f]) => f !== 'size').map(([, c]) => c)])];
  const narrowed = df.select(cols.length === 0 ? [df.cheapColumn()] : cols);
  // Partial aggregates read and aggregated by one task per partition where the source can
  // (optimize/scan-aggregate.ts), else a partialAgg task over each partition.
  const fused = fuseScanAggregate(narrowed.plan, spec);
  const input = fused ?? narrowed.lower();
  const token = tokenize(input.name, spec, splitEvery);
  const tasks = new Map<Key, Node>();
  const q = quote(spec);
  const pname = `groupby-partial-${token}`;
  let level: Key[] = [];
  for (let i = 0; i < df.npartitions; i++) {
    if (fused !== undefined) {
      level.push(chunkKey(input.name, i));
      continue;
    }
    const k = chunkKey(pname, i);
    tasks.set(k, { op: `${K}#partialAgg`, args: [{ ref: chunkKey(input.name, i) }, q] });
    level.push(k);
  }
  const splitOut = opts.splitOut ?? autoSplitOut(df, spec.keys);
  if (splitOut > 1) return shuffled(df, spec, input.name, input.graph, tasks, level, token, splitOut);
  let depth = 0;
  while (level.length > 1) {
    const next: Key[] = [];
    const cname = `groupby-combine-${token}-${depth}`;
    for (let j = 0; j * splitEvery < level.length; j++) {
      const k = chunkKey(cname, j);
      const group = level.slice(j * splitEvery, (j + 1) * splitEvery);
      tasks.set(k, { op: `${K}#combineAgg`, args: [q, ...group.map((g) => ({ ref: g }))] });
      next.push(k);
    }
    level = next;
    depth++;
  }
  const name = `groupby-agg-${token}`;
  if (level.length === 0) {
    // No partitions: aggregate an empty partition of the right schema.
    throw new DataFrameError('groupBy() on a frame with no partitions.');
  }
  tasks.set(chunkKey(name, 0), { op: `${K}#finalAgg`, args: [{ ref: level[0] as Key }, q] });
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph);
  const names = [...spec.keys, ...spec.aggs.map(([o]) => o)];
  const types: DType[] = [
    ...spec.keys.map((k) => df.dtypes[k] as DType),
    ...spec.aggs.map(([, , fn], a) => aggType(fn, spec.types[a] as DType)),
  ];
  return new DataFrame({ kind: 'graph', name, graph, schema: { names, types }, npartitions: 1 });
}

function outputSchema(df: DataFrame, spec: AggSpec): { names: string[]; types: DType[] } {
  return {
    names: [...spec.keys, ...spec.aggs.map(([o]) => o)],
    types: [...spec.keys.map((k) => df.dtypes[k] as DType), ...spec.aggs.map(([, , fn], a) => aggType(fn, spec.types[a] as DType))],
  };
}

/** The splitOut path: partials split by key hash, piece j of each (its own result) combined into output j. */
function shuffled(df: DataFrame, spec: AggSpec, inName: string, inGraph: HighLevelGraph, tasks: Map<Key, Node>, partials: Key[], token: string, n: number): DataFrame {
  const name = `groupby-agg-${token}-${n}`;
  const splits: Key[] = partials.map((k, i) => {
    const sk = chunkKey(`groupby-split-${token}`, i);
    tasks.set(sk, { op: `${K}#splitPartial`, args: [{ ref: k }, n] });
    return sk;
  });
  const pieces = pieceRefs(tasks, `groupby-piece-${token}-${n}`, splits, n);
  for (let j = 0; j < n; j++) tasks.set(chunkKey(name, j), { op: `${K}#combinePieces`, args: [quote(spec), ...(pieces[j] as Node[])] });
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [inName]), inGraph);
  return new DataFrame({ kind: 'graph', name, graph, schema: outputSchema(df, spec), npartitions: n });
}

/**
 * splitOut when not given: 1 (a tree reduction into one partition) unless a sample of the
 * source shows that most rows have their own key (then the partials would hold about as many
 * rows as the input, and one task could not hold them all): then one output per 4 inputs.
 */
export function autoSplitOut(df: DataFrame, keys: string[]): number {
  if (keys.length === 0 || df.npartitions < 4) return 1;
  const est = estimateDistinct(df.plan, keys);
  if (est === undefined || est.distinct < est.rows / 2) return 1;
  return Math.ceil(df.npartitions / 4);
}

/** A spec from `{ out: [column, fn] }`, checked against the frame's schema. */
export function makeSpec(df: DataFrame, keys: string[], aggs: Record<string, [string, AggFn]>): AggSpec {
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
export class GroupBy {
  constructor(private readonly df: DataFrame, private readonly keys: string[], private readonly opts: GroupByOptions = {}) {
    for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'groupBy()');
  }
  /** Aggregates: `agg({ meanDelay: ['delay', 'mean'], n: ['delay', 'size'] })`. */
  agg(aggs: Record<string, [string, AggFn]>): DataFrame {
    const spec = makeSpec(this.df, this.keys, aggs);
    if (this.opts.dropna === false) spec.dropna = false;
    return aggregate(this.df, spec, this.opts);
  }
  private all(fn: AggFn, numericOnly: boolean): DataFrame {
    const aggs: Record<string, [string, AggFn]> = {};
    for (const c of this.df.columns) {
      if (this.keys.includes(c)) continue;
      if (numericOnly && !isNumeric(this.df.dtypes[c] as DType)) continue;
      aggs[c] = [c, fn];
    }
    return this.agg(aggs);
  }
  /** The sum of every numeric column per group. */
  sum(): DataFrame { return this.all('sum', true); }
  /** The mean of every numeric column per group. */
  mean(): DataFrame { return this.all('mean', true); }
  /** The minimum of every column per group. */
  min(): DataFrame { return this.all('min', false); }
  /** The maximum of every column per group. */
  max(): DataFrame { return this.all('max', false); }
  /** The non-null count of every column per group. */
  count(): DataFrame { return this.all('count', false); }
  /** The number of rows per group, as column 'size'. */
  size(): DataFrame { return this.agg({ size: [this.keys[0] ?? '', 'size'] }); }
}
