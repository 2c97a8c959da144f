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
import { K, lowerPlan, type Lowered, type MergeNode } from './plan.js';
import { ColumnNotFoundError, DataFrameError, ExprTypeError } from './errors.js';
import { commonType } from './kernels/expr-types.js';
import { pieceRefs } from './shuffle.js';

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
  /**
   * Whether rows whose keys are null (or NaN) match each other: true by default, as pandas'
   * (and so Dask's) merge does; false for SQL's rule (Polars' default), where they match
   * nothing.
   */
  nullsEqual?: boolean;
}

function list(x: string | string[] | undefined): string[] | undefined {
  return x === undefined ? undefined : typeof x === 'string' ? [x] : [...x];
}

/** Shuffles a frame into n buckets by the hash of its key columns (through pieces: see shuffle.ts). */
export function hashShuffle(input: Lowered, nparts: number, keys: string[], n: number): Lowered {
  const token = tokenize(input.name, keys, n);
  const split = `shuffle-split-${token}`;
  const name = `shuffle-${token}`;
  const tasks = new Map<Key, Node>();
  const splits: Key[] = [];
  for (let i = 0; i < nparts; i++) {
    tasks.set(chunkKey(split, i), { op: `${K}#hashSplit`, args: [{ ref: chunkKey(input.name, i) }, quote(keys), n] });
    splits.push(chunkKey(split, i));
  }
  const pieces = pieceRefs(tasks, `shuffle-piece-${token}`, splits, n);
  for (let j = 0; j < n; j++) tasks.set(chunkKey(name, j), { op: `${K}#concat`, args: pieces[j] as Node[] });
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
  const node: MergeNode = {
    kind: 'merge', left: left.plan, right: right.plan, how, leftOn, rightOn, suffixes: [sx, sy],
    nullsEqual: opts.nullsEqual !== false, mode: 'shuffle', schema: { names: [], types: [] }, npartitions: 0,
  };
  const out = outputNames(node, left.columns, right.columns);
  node.schema = {
    names: [...out.left, ...(out.right.filter((x) => x !== null) as string[])],
    types: [...left.schema.types, ...right.schema.types.filter((_, i) => out.right[i] !== null)],
  };
  const allowed = (side: DataFrame): boolean => opts.broadcast === true || (opts.broadcast !== false && side.npartitions === 1);
  if ((how === 'inner' || how === 'left') && allowed(right)) {
    node.mode = 'broadcast-right';
    node.npartitions = left.npartitions;
  } else if ((how === 'inner' || how === 'right') && allowed(left)) {
    node.mode = 'broadcast-left';
    node.npartitions = right.npartitions;
  } else {
    node.npartitions = opts.npartitions ?? Math.max(left.npartitions, right.npartitions);
  }
  return new DataFrame(node);
}

/** Output names of the left columns and of the right ones (null: a shared key, dropped). */
function outputNames(node: MergeNode, leftCols: string[], rightCols: string[]): { left: string[]; right: (string | null)[] } {
  const [sx, sy] = node.suffixes;
  const shared = node.leftOn.filter((c, k) => node.rightOn[k] === c);
  const rightKept = rightCols.map((c) => (shared.includes(c) ? null : c));
  const clash = new Set(leftCols.filter((c) => rightKept.includes(c)));
  return {
    left: leftCols.map((c) => (clash.has(c) ? c + sx : c)),
    right: rightKept.map((c) => (c === null ? null : clash.has(c) ? c + sy : c)),
  };
}

/**
 * Lowers a merge, reading from each side only the key columns and the columns whose output
 * is `needed` downstream (projection pushdown through the join).
 */
export function lowerMerge(node: MergeNode, needed: Set<string> | undefined): Lowered {
  const full = outputNames(node, node.left.schema.names, node.right.schema.names);
  const leftCols = node.left.schema.names.filter((c, i) => needed === undefined || needed.has(full.left[i] as string) || node.leftOn.includes(c));
  const rightCols = node.right.schema.names.filter((c, i) => {
    const o = full.right[i];
    return needed === undefined || (o !== null && o !== undefined && needed.has(o)) || node.rightOn.includes(c);
  });
  const L = lowerPlan(node.left, needed === undefined ? undefined : new Set(leftCols));
  const R = lowerPlan(node.right, needed === undefined ? undefined : new Set(rightCols));
  const spec: JoinSpec = {
    how: node.how,
    leftOn: node.leftOn,
    rightOn: node.rightOn,
    leftNames: leftCols.map((c) => full.left[node.left.schema.names.indexOf(c)] as string),
    rightNames: rightCols.map((c) => full.right[node.right.schema.names.indexOf(c)] ?? null),
    nullsEqual: node.nullsEqual,
  };
  const token = tokenize(L.name, R.name, spec, node.mode, node.npartitions);
  const name = `merge-${token}`;
  const tasks = new Map<Key, Node>();
  const q = quote(spec);
  const n = node.npartitions;
  const whole = (side: Lowered, count: number, tag: string): Node => {
    const k = `merge-broadcast-${tag}-${token}`;
    const refs: Node[] = [];
    for (let j = 0; j < count; j++) refs.push({ ref: chunkKey(side.name, j) });
    tasks.set(k, { op: `${K}#concat`, args: refs });
    return { ref: k };
  };
  let graph: HighLevelGraph;
  if (node.mode === 'broadcast-right') {
    // Every left partition joins the whole right side.
    const all = whole(R, node.right.npartitions, 'right');
    for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op: `${K}#joinPartitions`, args: [{ ref: chunkKey(L.name, i) }, all, q] });
    graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [L.name, R.name]), L.graph, R.graph);
  } else if (node.mode === 'broadcast-left') {
    // The whole left side joins each right partition.
    const all = whole(L, node.left.npartitions, 'left');
    for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op: `${K}#joinPartitions`, args: [all, { ref: chunkKey(R.name, i) }, q] });
    graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [L.name, R.name]), L.graph, R.graph);
  } else {
    const ls = hashShuffle(L, node.left.npartitions, node.leftOn, n);
    const rs = hashShuffle(R, node.right.npartitions, node.rightOn, n);
    for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op: `${K}#joinPartitions`, args: [{ ref: chunkKey(ls.name, i) }, { ref: chunkKey(rs.name, i) }, q] });
    graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [ls.name, rs.name]), ls.graph, rs.graph);
  }
  return { name, graph };
}
