/**
 * merge(left, right, { on | leftOn + rightOn, how }): a broadcast join when one side has a
 * single partition (or `broadcast: true`) and the join keeps the other side's rows apart;
 * otherwise a hash shuffle join: both sides are split by the hash of their keys into the same
 * number of buckets (an all-to-all exchange), and bucket i of the left joins bucket i of the
 * right. Column names that clash get suffixes ('_x', '_y'), as in pandas.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DType } from './kernels/columns.js';
import type { JoinSpec } from './kernels/join.js';
import { DataFrame } from './dataframe.js';
import { K, type Lowered } from './plan.js';
import { ColumnNotFoundError, DataFrameError, ExprTypeError } from './errors.js';
import { commonType } from './kernels/expr-types.js';

export interface MergeOptions {
  on?: string | string[];
  leftOn?: string | string[];
  rightOn?: string | string[];
  how?: 'inner' | 'left' | 'right' | 'outer';
  suffixes?: [string, string];
  /** Force (true) or forbid (false) a broadcast join; by default one-partition sides broadcast. */
  broadcast?: boolean;
  /** Buckets of a shuffle join (default: the larger partition count). */
  npartitions?: number;
}

function list(x: string | string[] | undefined): string[] | undefined {
  return x === undefined ? undefined : typeof x === 'string' ? [x] : [...x];
}

/** Shuffles a frame into n buckets by the hash of its key columns. */
export function hashShuffle(input: Lowered, nparts: number, keys: string[], n: number): Lowered {
  const token = tokenize(input.name, keys, n);
  const split = `shuffle-split-${token}`;
  const name = `shuffle-${token}`;
  const tasks = new Map<Key, Node>();
  const refs: Node[] = [];
  for (let i = 0; i < nparts; i++) {
    tasks.set(chunkKey(split, i), { op: `${K}#hashSplit`, args: [{ ref: chunkKey(input.name, i) }, quote(keys), n] });
    refs.push({ ref: chunkKey(split, i) });
  }
  for (let j = 0; j < n; j++) tasks.set(chunkKey(name, j), { op: `${K}#collect`, args: [j, ...refs] });
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}

/** Joins two frames. */
export function merge(left: DataFrame, right: DataFrame, opts: MergeOptions = {}): DataFrame {
  const how = opts.how ?? 'inner';
  if (!['inner', 'left', 'right', 'outer'].includes(how)) throw new DataFrameError(`merge(): unknown how '${how}'.`);
  const on = list(opts.on);
  const leftOn = on ?? list(opts.leftOn) ?? left.columns.filter((c) => right.columns.includes(c));
  const rightOn = on ?? list(opts.rightOn) ?? leftOn;
  if (leftOn.length === 0 || leftOn.length !== rightOn.length) {
    throw new DataFrameError('merge(): give `on`, or `leftOn` and `rightOn` of the same length.');
  }
  for (const c of leftOn) if (!left.columns.includes(c)) throw new ColumnNotFoundError(c, left.columns, 'merge() left side');
  for (const c of rightOn) if (!right.columns.includes(c)) throw new ColumnNotFoundError(c, right.columns, 'merge() right side');
  leftOn.forEach((c, k) => {
    const a = left.dtypes[c] as DType;
    const b = right.dtypes[rightOn[k] as string] as DType;
    if (commonType(a, b) === undefined || (a === 'utf8') !== (b === 'utf8')) throw new ExprTypeError('merge', [a, b], `Keys '${c}' and '${rightOn[k]}' differ in type.`);
  });
  const [sx, sy] = opts.suffixes ?? ['_x', '_y'];
  const shared = leftOn.filter((c, k) => rightOn[k] === c);
  const rightKept = right.columns.map((c) => (shared.includes(c) ? null : c));
  const clash = new Set(left.columns.filter((c) => rightKept.includes(c)));
  const leftNames = left.columns.map((c) => (clash.has(c) ? c + sx : c));
  const rightNames = rightKept.map((c) => (c === null ? null : clash.has(c) ? c + sy : c));
  const spec: JoinSpec = { how, leftOn, rightOn, leftNames, rightNames };
  const types: DType[] = [...left.schema.types, ...right.schema.types.filter((_, i) => rightNames[i] !== null)];
  const names = [...leftNames, ...(rightNames.filter((n) => n !== null) as string[])];

  const L = left.lower();
  const R = right.lower();
  const token = tokenize(L.name, R.name, spec, opts.broadcast, opts.npartitions);
  const name = `merge-${token}`;
  const tasks = new Map<Key, Node>();
  const q = quote(spec);
  const allowed = (side: DataFrame): boolean => opts.broadcast === true || (opts.broadcast !== false && side.npartitions === 1);
  let graph: HighLevelGraph;
  let n: number;
  const whole = (side: Lowered, count: number, tag: string): Node => {
    const k = `merge-broadcast-${tag}-${token}`;
    const refs: Node[] = [];
    for (let j = 0; j < count; j++) refs.push({ ref: chunkKey(side.name, j) });
    tasks.set(k, { op: `${K}#concat`, args: refs });
    return { ref: k };
  };
  if ((how === 'inner' || how === 'left') && allowed(right)) {
    // Every left partition joins the whole right side.
    const all = whole(R, right.npartitions, 'right');
    n = left.npartitions;
    for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op: `${K}#joinPartitions`, args: [{ ref: chunkKey(L.name, i) }, all, q] });
    graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [L.name, R.name]), L.graph, R.graph);
  } else if ((how === 'inner' || how === 'right') && allowed(left)) {
    // The whole left side joins each right partition.
    const all = whole(L, left.npartitions, 'left');
    n = right.npartitions;
    for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op: `${K}#joinPartitions`, args: [all, { ref: chunkKey(R.name, i) }, q] });
    graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [L.name, R.name]), L.graph, R.graph);
  } else {
    n = opts.npartitions ?? Math.max(left.npartitions, right.npartitions);
    const ls = hashShuffle(L, left.npartitions, leftOn, n);
    const rs = hashShuffle(R, right.npartitions, rightOn, n);
    for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op: `${K}#joinPartitions`, args: [{ ref: chunkKey(ls.name, i) }, { ref: chunkKey(rs.name, i) }, q] });
    graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [ls.name, rs.name]), ls.graph, rs.graph);
  }
  return new DataFrame({ kind: 'graph', name, graph, schema: { names, types }, npartitions: n });
}
