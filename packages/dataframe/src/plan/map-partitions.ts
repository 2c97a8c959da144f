/** The mapPartitions node: a user function from Arrow Table to Arrow Table on every partition (opaque to the optimizer). */
import { HighLevelGraph, MaterializedLayer, chunkKey, registerFunction, tokenize, type Key, type Node } from '@tsdask/core-graph';
import { ARROW, type MapPartitionsNode, type NodeOps, type PlanNode } from './node.js';

export const mapPartitionsOps: NodeOps<MapPartitionsNode> = {
  describe: (n) => `MapPartitions ${n.fn.name === '' ? '(anonymous function)' : n.fn.name}`,
  inputs: (n) => [n.input],
  withInputs: (n, [input]) => ({ ...n, input: input as PlanNode }),
  requires: () => undefined,
  narrow: () => undefined,
  lower(n, lowerInput) {
    const input = lowerInput(n.input);
    const op = registerFunction(n.fn);
    const name = `map-partitions-fn-${tokenize(input.name, op)}`;
    const tasks = new Map<Key, Node>();
    for (let i = 0; i < n.npartitions; i++) {
      const table: Node = { op: `${ARROW}#toTable`, args: [{ ref: chunkKey(input.name, i) }] };
      tasks.set(chunkKey(name, i), { op: `${ARROW}#fromTable`, args: [{ op, args: [table] }] });
    }
    return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name], [n.fn]), input.graph) };
  },
};
