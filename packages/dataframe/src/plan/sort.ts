/**
 * The sort node and its lowering: a global sort. Each partition is sorted; with more than one
 * partition the output is range-partitioned on the first key by boundaries taken from a sample
 * (kernels/range-ops.ts, kernels/range-shuffle.ts), so partition i holds keys below those of
 * partition i + 1.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, pick, quote, tokenize, type Key, type Node, type Task } from '@tsdask/core-graph';
import { exchange } from '../shuffle.js';
import { appendSteps, project } from './map.js';
import { K, dropsSome, restrict, type Lowered, type NodeOps, type PlanNode, type SortNode } from './node.js';
import { chooses } from './steps.js';

/** The layers sorting `input` (`m` partitions, string columns `strings`) into `n` partitions. */
export function sortLayers(input: Lowered, m: number, strings: string[], keys: string[], asc: boolean[], n: number): Lowered {
  const token = tokenize(input.name, keys, asc, n);
  const name = `sort-values-${token}`;
  const packed = `sort-packed-${token}`;
  const tasks = new Map<Key, Node>();
  const refs: Node[] = [];
  for (let i = 0; i < m; i++) refs.push({ ref: chunkKey(input.name, i) });
  if (m === 1 && n === 1) {
    tasks.set(chunkKey(name, 0), { op: `${K}#concatSort`, args: [quote(keys), quote(asc), ...refs] });
    return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
  }
  // Per partition, a sample of the first key and the partition with packed dictionaries (in
  // the batch that made it); boundaries; one global dictionary per string column; the rows
  // of every partition grouped by bucket; each bucket gathered and sorted (range-shuffle.ts).
  // The samples and dictionaries are picks, so the two tasks that read all of them never
  // need every input partition in memory (under a memory limit the inputs wait on disk).
  const inputs: Node[] = [];
  const samples: Node[] = [];
  const inputDicts: Node[] = [];
  for (let i = 0; i < m; i++) {
    const k = chunkKey(`sort-input-${token}`, i);
    tasks.set(k, { op: `${K}#sortInput`, args: [refs[i] as Node, keys[0] as string, 100] });
    inputs.push({ ref: k });
    tasks.set(chunkKey(`sort-sample-${token}`, i), pick(k, 'sample'));
    samples.push({ ref: chunkKey(`sort-sample-${token}`, i) });
    if (strings.length > 0) {
      tasks.set(chunkKey(`sort-input-dicts-${token}`, i), pick(k, 'dicts'));
      inputDicts.push({ ref: chunkKey(`sort-input-dicts-${token}`, i) });
    }
  }
  const bounds = `sort-divisions-${token}`;
  tasks.set(bounds, { op: `${K}#sortBoundaries`, args: [n, ...samples] });
  const dicts = `sort-dicts-${token}`;
  if (strings.length > 0) tasks.set(dicts, { op: `${K}#unifyDicts`, args: [quote(strings), ...inputDicts] });
  const splits: Task[] = [];
  for (let i = 0; i < m; i++) splits.push({ op: `${K}#rangeSplit`, args: [inputs[i] as Node, keys[0] as string, { ref: bounds }, asc[0] as boolean, n] });
  // Buckets come packed (string dictionaries as UTF-8 only): compute() builds its Arrow
  // Table from them; every other reader gets them through unpackDicts.
  const dictArg: Node = strings.length > 0 ? { ref: dicts } : null;
  const combine = (pieces: Node[]): Task => ({ op: `${K}#rangeCollect`, args: [quote(keys), quote(asc), dictArg, ...pieces] });
  exchange(tasks, { split: `sort-split-${token}`, piece: `sort-piece-${token}`, splits, n, out: packed, combine });
  for (let j = 0; j < n; j++) tasks.set(chunkKey(name, j), { op: `${K}#unpackDicts`, args: [{ ref: chunkKey(packed, j) }] });
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph);
  return { name, graph, packed, divisions: bounds };
}

/** The sort keeping the columns `cols` and its keys; a select after it drops keys not in `cols`. */
function narrowSort(n: SortNode, cols: ReadonlySet<string>): PlanNode | undefined {
  const need = new Set([...cols, ...n.by]);
  if (!dropsSome(n.input, need)) return undefined;
  const input = project(n.input, need);
  const sorted: SortNode = { ...n, input, schema: input.schema };
  if (!dropsSome(sorted, cols)) return sorted;
  const out = restrict(sorted.schema, cols);
  return appendSteps(sorted, [chooses(out.names)], out);
}

export const sortOps: NodeOps<SortNode> = {
  describe: (n) =>
    `Sort by [${n.by.map((c, i) => `${c}${n.ascending[i] === false ? ' desc' : ''}`).join(', ')}] into ${n.npartitions} partition${n.npartitions === 1 ? '' : 's'}`,
  inputs: (n) => [n.input],
  withInputs: (n, [input]) => ({ ...n, input: input as PlanNode }),
  requires: () => undefined,
  narrow: narrowSort,
  lower(n, lowerInput) {
    const strings = n.input.schema.names.filter((_, i) => n.input.schema.types[i] === 'utf8');
    return sortLayers(lowerInput(n.input), n.input.npartitions, strings, n.by, n.ascending, n.npartitions);
  },
};
