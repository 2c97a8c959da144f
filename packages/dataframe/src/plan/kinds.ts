/**
 * The table of node kinds: what the optimizer, the lowering and explain() call on any node,
 * dispatched to the node's own file.
 */
import type { Lowered, NodeOps, PlanNode } from './node.js';
import { dropDuplicatesOps } from './drop-duplicates.js';
import { groupByOps } from './groupby.js';
import { mapOps } from './map.js';
import { mapPartitionsOps } from './map-partitions.js';
import { mergeOps } from './merge.js';
import { partitionOps } from './partition.js';
import { persistedOps } from './persisted.js';
import { repartitionOps } from './repartition.js';
import { sortOps } from './sort.js';
import { sourceOps } from './source.js';

const TABLE: { [K in PlanNode['kind']]: NodeOps<Extract<PlanNode, { kind: K }>> } = {
  source: sourceOps,
  map: mapOps,
  groupby: groupByOps,
  merge: mergeOps,
  sort: sortOps,
  'drop-duplicates': dropDuplicatesOps,
  repartition: repartitionOps,
  'map-partitions': mapPartitionsOps,
  partition: partitionOps,
  persisted: persistedOps,
};

/** The operations of a node's kind. */
export function opsOf<N extends PlanNode>(n: N): NodeOps<N> {
  return TABLE[n.kind] as unknown as NodeOps<N>;
}

/** The node's inputs, in order. */
export function inputsOf(n: PlanNode): PlanNode[] {
  return opsOf(n).inputs(n);
}

/** The node over other inputs. */
export function withInputs<N extends PlanNode>(n: N, inputs: PlanNode[]): N {
  return opsOf(n).withInputs(n, inputs);
}

/** Lowers a plan to layers, each shared node once. */
export function lowerPlan(root: PlanNode): Lowered {
  const memo = new Map<PlanNode, Lowered>();
  const lower = (n: PlanNode): Lowered => {
    let l = memo.get(n);
    if (l === undefined) memo.set(n, (l = opsOf(n).lower(n, lower)));
    return l;
  };
  return lower(root);
}

/** The plan as an indented tree, one line per node (as Polars' and Dask's explain). */
export function planText(root: PlanNode): string {
  const lines: string[] = [];
  const walk = (n: PlanNode, depth: number): void => {
    const cols = n.schema.names.length <= 8 ? `[${n.schema.names.join(', ')}]` : `${n.schema.names.length} columns`;
    lines.push(`${'  '.repeat(depth)}${opsOf(n).describe(n)}  -> ${cols}`);
    for (const i of inputsOf(n)) walk(i, depth + 1);
  };
  walk(root, 0);
  return lines.join('\n');
}
