/**
 * The merge node and its lowering: a broadcast join (one side whole, joined to every
 * partition of the other) or a hash shuffle join (both sides split by the hash of their keys
 * into the same number of buckets, an all-to-all exchange; bucket i of the left joins bucket i
 * of the right). The node keeps, per side, the input columns it reads and their output names;
 * the inputs always output exactly those columns, so the join kernel maps them by position.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node, type Task } from '@tsdask/core-graph';
import type { DType, Schema } from '../kernels/columns.js';
import type { JoinSpec } from '../kernels/join.js';
import { exchange } from '../shuffle.js';
import { appendSteps, project } from './map.js';
import { K, dropsSome, restrict, type Lowered, type MergeMode, type MergeNode, type NodeOps, type PlanNode } from './node.js';
import { chooses } from './steps.js';

/** What a merge joins on and how (checked by the verb). */
export interface MergeParams {
  how: MergeNode['how'];
  leftOn: string[];
  rightOn: string[];
  suffixes: [string, string];
  nullsEqual: boolean;
  mode: MergeMode;
  npartitions: number;
}

/** The node joining `left` and `right`; column names that clash get the suffixes (pandas' rule). */
export function mergeNode(left: PlanNode, right: PlanNode, p: MergeParams): MergeNode {
  const [sx, sy] = p.suffixes;
  const shared = p.leftOn.filter((c, k) => p.rightOn[k] === c);
  const rightKept = right.schema.names.map((c) => (shared.includes(c) ? null : c));
  const clash = new Set(left.schema.names.filter((c) => rightKept.includes(c)));
  const leftKeep = left.schema.names.map((c): [string, string] => [c, clash.has(c) ? c + sx : c]);
  const rightKeep = right.schema.names.map((c, i): [string, string | null] => {
    const o = rightKept[i] as string | null;
    return [c, o === null ? null : clash.has(o) ? o + sy : o];
  });
  const base = { kind: 'merge' as const, left, right, how: p.how, leftOn: p.leftOn, rightOn: p.rightOn, nullsEqual: p.nullsEqual, mode: p.mode };
  return { ...base, leftKeep, rightKeep, schema: mergeSchema(left.schema, right.schema, leftKeep, rightKeep), npartitions: p.npartitions };
}

function mergeSchema(l: Schema, r: Schema, leftKeep: [string, string][], rightKeep: [string, string | null][]): Schema {
  const typeIn = (s: Schema, c: string): DType => s.types[s.names.indexOf(c)] as DType;
  const right = rightKeep.filter((x): x is [string, string] => x[1] !== null);
  return {
    names: [...leftKeep.map(([, o]) => o), ...right.map(([, o]) => o)],
    types: [...leftKeep.map(([c]) => typeIn(l, c)), ...right.map(([c]) => typeIn(r, c))],
  };
}

/** Shuffles a frame into n buckets by the hash of its key columns (an exchange: see shuffle.ts). */
export function hashShuffle(input: Lowered, nparts: number, keys: string[], n: number): Lowered {
  const token = tokenize(input.name, keys, n);
  const name = `shuffle-${token}`;
  const tasks = new Map<Key, Node>();
  const splits: Task[] = [];
  for (let i = 0; i < nparts; i++) splits.push({ op: `${K}#hashSplit`, args: [{ ref: chunkKey(input.name, i) }, quote(keys), n] });
  exchange(tasks, {
    split: `shuffle-split-${token}`,
    piece: `shuffle-piece-${token}`,
    splits,
    n,
    out: name,
    combine: (pieces) => ({ op: `${K}#concat`, args: pieces }),
  });
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}

function lowerMerge(node: MergeNode, lowerInput: (p: PlanNode) => Lowered): Lowered {
  const L = lowerInput(node.left);
  const R = lowerInput(node.right);
  const spec: JoinSpec = {
    how: node.how,
    leftOn: node.leftOn,
    rightOn: node.rightOn,
    leftNames: node.leftKeep.map(([, o]) => o),
    rightNames: node.rightKeep.map(([, o]) => o),
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
    for (let i = 0; i < n; i++)
      tasks.set(chunkKey(name, i), { op: `${K}#joinPartitions`, args: [{ ref: chunkKey(ls.name, i) }, { ref: chunkKey(rs.name, i) }, q] });
    graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [ls.name, rs.name]), ls.graph, rs.graph);
  }
  return { name, graph };
}

/** The merge keeping only the output columns `cols` and the keys; a select after it drops keys not in `cols`. */
function narrowMerge(n: MergeNode, cols: ReadonlySet<string>): PlanNode | undefined {
  const leftKeep = n.leftKeep.filter(([c, o]) => cols.has(o) || n.leftOn.includes(c));
  const rightKeep = n.rightKeep.filter(([c, o]) => (o !== null && cols.has(o)) || n.rightOn.includes(c));
  if (leftKeep.length === n.leftKeep.length && rightKeep.length === n.rightKeep.length) return undefined;
  const left = project(n.left, new Set(leftKeep.map(([c]) => c)));
  const right = project(n.right, new Set(rightKeep.map(([c]) => c)));
  const schema = mergeSchema(left.schema, right.schema, leftKeep, rightKeep);
  const narrowed: MergeNode = { ...n, left, right, leftKeep, rightKeep, schema };
  if (!dropsSome(narrowed, cols)) return narrowed;
  const out = restrict(schema, cols);
  return appendSteps(narrowed, [chooses(out.names)], out);
}

function describeMerge(n: MergeNode): string {
  const on = n.leftOn.every((c, k) => n.rightOn[k] === c) ? `on [${n.leftOn.join(', ')}]` : `on [${n.leftOn.join(', ')}] = [${n.rightOn.join(', ')}]`;
  const mode = n.mode === 'shuffle' ? `hash shuffle into ${n.npartitions}` : n.mode.replace('-', ' ');
  return `Merge ${n.how} ${on}; ${mode}${n.nullsEqual ? '' : '; nulls match nothing'}`;
}

export const mergeOps: NodeOps<MergeNode> = {
  describe: describeMerge,
  inputs: (n) => [n.left, n.right],
  withInputs: (n, [left, right]) => ({ ...n, left: left as PlanNode, right: right as PlanNode }),
  requires: (n, i) => new Set(i === 0 ? n.leftKeep.map(([c]) => c) : n.rightKeep.map(([c]) => c)),
  narrow: narrowMerge,
  lower: lowerMerge,
};
