/** The partition node: getPartition(i), one partition of the input as a one-partition plan (opaque to the optimizer). */
import { HighLevelGraph, MaterializedLayer, chunkKey } from '@tsdask/core-graph';
import type { NodeOps, PartitionNode, PlanNode } from './node.js';

export const partitionOps: NodeOps<PartitionNode> = {
  describe: (n) => `Partition ${n.index} of ${n.input.npartitions}`,
  inputs: (n) => [n.input],
  withInputs: (n, [input]) => ({ ...n, input: input as PlanNode }),
  requires: () => undefined,
  narrow: () => undefined,
  lower(n, lowerInput) {
    const l = lowerInput(n.input);
    const name = `partition-${n.index}-${l.name}`;
    const task = { op: '@tsdask/core-graph/ops#identity', args: [{ ref: chunkKey(l.name, n.index) }] };
    return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, new Map([[chunkKey(name, 0), task]]), [l.name]), l.graph) };
  },
};
