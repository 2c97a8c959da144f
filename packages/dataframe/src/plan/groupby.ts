/**
 * The groupby node: a tree reduction of partial aggregates. Each partition is aggregated to
 * one row per group (partialAgg, or the reader itself where the scan-aggregate rule fused
 * them), partials are merged `splitEvery` at a time (combineAgg) until one remains, and
 * finalAgg builds the result; with splitOut > 1 the partials are hash-shuffled by key instead.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node, type Task } from '@tsdask/core-graph';
import type { DType, Schema } from '../kernels/columns.js';
import { aggType, type AggSpec } from '../kernels/groupby.js';
import { DataFrameError } from '../errors.js';
import { exchange } from '../shuffle.js';
import { K, dropsSome, restrict, type GroupByNode, type Lowered, type NodeOps, type PlanNode } from './node.js';
import { appendSteps } from './map.js';
import { readSteps } from './source.js';
import { chooses, onlyChooses, pruneSteps } from './steps.js';

/** The output schema of `spec` over an input of schema `input`: keys, then one column per aggregation. */
export function aggSchema(input: Schema, spec: AggSpec): Schema {
  const typeOf = (c: string): DType => input.types[input.names.indexOf(c)] as DType;
  return {
    names: [...spec.keys, ...spec.aggs.map(([o]) => o)],
    types: [...spec.keys.map(typeOf), ...spec.aggs.map(([, , fn], a) => aggType(fn, spec.types[a] as DType))],
  };
}

/** The node aggregating `input` by `spec`. */
export function groupByNode(input: PlanNode, spec: AggSpec, splitEvery: number, splitOut: number): GroupByNode {
  return { kind: 'groupby', input, spec, splitEvery, splitOut, schema: aggSchema(input.schema, spec), npartitions: splitOut };
}

/** The sample estimate of distinct key combinations, through steps that keep those columns. */
export function estimateDistinct(node: PlanNode, columns: string[]): { distinct: number; rows: number } | undefined {
  if (node.kind === 'source') return node.source.sampleDistinct?.(columns);
  if (node.kind !== 'map') return undefined;
  const touched = node.steps.some(
    (s) =>
      s.k === 'rename' ||
      (s.k === 'with' && s.exprs.some(([n]) => columns.includes(n))) ||
      (s.k === 'select' && s.exprs.some(([n, e]) => columns.includes(n) && !(e.e === 'col' && e.name === n))),
  );
  return touched ? undefined : estimateDistinct(node.input, columns);
}

/** The columns an aggregation reads: its keys and aggregated columns (`fallback` when none). */
export function aggColumns(spec: AggSpec, fallback: string): Set<string> {
  const cols = new Set([...spec.keys, ...spec.aggs.filter(([, , f]) => f !== 'size').map(([, c]) => c)]);
  return cols.size === 0 ? new Set([fallback]) : cols;
}

/** The cheapest column to read when only the row count matters (numbers before strings). */
export function cheapColumn(schema: Schema): string {
  const i = schema.types.findIndex((t) => t !== 'utf8');
  return schema.names[i < 0 ? 0 : i] as string;
}

/**
 * The partial aggregates of `spec` over `input` (a source, or row-wise steps over one), one
 * per partition, read and aggregated by fused tasks (io/ops.ts readCsvAggregate); undefined
 * where the source cannot. Steps that only choose columns are skipped (the aggregator finds
 * columns by name).
 */
export function lowerScanAggregate(input: PlanNode, spec: AggSpec): Lowered | undefined {
  const src = input.kind === 'map' ? input.input : input;
  if (src.kind !== 'source' || src.source.lowerAggregate === undefined) return undefined;
  const all = [...readSteps(src), ...(input.kind === 'map' ? input.steps : [])];
  const pruned = pruneSteps(all, new Set(input.schema.names));
  const needed = pruned.needed as Set<string>;
  const columns = src.source.schema.names.filter((n) => needed.has(n));
  const steps = pruned.steps.every(onlyChooses) ? [] : pruned.steps;
  const keyTypes = spec.keys.map((k) => input.schema.types[input.schema.names.indexOf(k)] as DType);
  return src.source.lowerAggregate(columns, spec, steps, keyTypes);
}

/**
 * The layers of an aggregation over `input` (`nparts` partitions; already partial aggregates
 * when `partials`): a tree reduction into one partition, or a shuffle into `splitOut`.
 */
export function aggregateLayers(input: Lowered, partials: boolean, nparts: number, spec: AggSpec, splitEvery: number, splitOut: number): Lowered {
  if (nparts === 0) throw new DataFrameError('groupBy() on a frame with no partitions.');
  const token = tokenize(input.name, spec, splitEvery);
  const tasks = new Map<Key, Node>();
  const q = quote(spec);
  const pname = `groupby-partial-${token}`;
  let level: Key[] = [];
  for (let i = 0; i < nparts; i++) {
    if (partials) {
      level.push(chunkKey(input.name, i));
      continue;
    }
    const k = chunkKey(pname, i);
    tasks.set(k, { op: `${K}#partialAgg`, args: [{ ref: chunkKey(input.name, i) }, q] });
    level.push(k);
  }
  if (splitOut > 1) return shuffled(spec, input, tasks, level, token, splitOut);
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
  tasks.set(chunkKey(name, 0), { op: `${K}#finalAgg`, args: [{ ref: level[0] as Key }, q] });
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}

/** The splitOut path: partials split by key hash, piece j of each (its own result) combined into output j. */
function shuffled(spec: AggSpec, input: Lowered, tasks: Map<Key, Node>, partials: Key[], token: string, n: number): Lowered {
  const name = `groupby-agg-${token}-${n}`;
  const splits: Task[] = partials.map((k) => ({ op: `${K}#splitPartial`, args: [{ ref: k }, n] }));
  exchange(tasks, {
    split: `groupby-split-${token}`,
    piece: `groupby-piece-${token}-${n}`,
    splits,
    n,
    out: name,
    combine: (pieces) => ({ op: `${K}#combinePieces`, args: [quote(spec), ...pieces] }),
  });
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}

/** An aggregation as text: `n = size(), d = mean(delay)`. */
export function aggText(spec: AggSpec): string {
  return spec.aggs.map(([o, c, fn]) => `${o} = ${fn}(${fn === 'size' ? '' : c})`).join(', ');
}

/**
 * The groupBy computing only the aggregations whose outputs are in `cols` (so it reads fewer
 * columns); a select after it drops keys not in `cols`. Undefined when it would drop none, or
 * all (a groupBy keeps at least one aggregation).
 */
function narrowGroupBy(n: GroupByNode, cols: ReadonlySet<string>): PlanNode | undefined {
  const keep = n.spec.aggs.map((_, i) => i).filter((i) => cols.has((n.spec.aggs[i] as [string, string, string])[0]));
  if (keep.length === n.spec.aggs.length || keep.length === 0) return undefined;
  const spec: AggSpec = { ...n.spec, aggs: keep.map((i) => n.spec.aggs[i] as AggSpec['aggs'][number]), types: keep.map((i) => n.spec.types[i] as DType) };
  const narrowed: GroupByNode = { ...n, spec, schema: aggSchema(n.input.schema, spec) };
  if (!dropsSome(narrowed, cols)) return narrowed;
  const out = restrict(narrowed.schema, cols);
  return appendSteps(narrowed, [chooses(out.names)], out);
}

export const groupByOps: NodeOps<GroupByNode> = {
  describe: (n) =>
    `GroupBy [${n.spec.keys.join(', ')}]: ${aggText(n.spec)}${n.splitOut > 1 ? `; split_out ${n.splitOut}` : ''}${n.spec.dropna === false ? '; dropna false' : ''}` +
    (n.scan === true ? '; partials fused into the reader' : ''),
  inputs: (n) => [n.input],
  withInputs: (n, [input]) => ({ ...n, input: input as PlanNode }),
  requires: (n) => aggColumns(n.spec, cheapColumn(n.input.schema)),
  narrow: narrowGroupBy,
  lower(n, lowerInput) {
    const fused = n.scan === true ? lowerScanAggregate(n.input, n.spec) : undefined;
    return aggregateLayers(fused ?? lowerInput(n.input), fused !== undefined, n.input.npartitions, n.spec, n.splitEvery, n.splitOut);
  },
};
