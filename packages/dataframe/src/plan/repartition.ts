/** The repartition node: neighbours concatenated, or each partition split evenly, rows in order. */
import { HighLevelGraph, MaterializedLayer, chunkKey, tokenize, type Key, type Node } from '@tsdask/core-graph';
import { project } from './map.js';
import { K, dropsSome, type Lowered, type NodeOps, type PlanNode, type RepartitionNode } from './node.js';

function lowerRepartition(node: RepartitionNode, input: Lowered): Lowered {
  const m = node.input.npartitions;
  const n = node.npartitions;
  const name = `repartition-${tokenize(input.name, n)}`;
  const tasks = new Map<Key, Node>();
  if (n <= m) {
    for (let j = 0; j < n; j++) {
      const refs: Node[] = [];
      for (let i = Math.floor((j * m) / n); i < Math.floor(((j + 1) * m) / n); i++) refs.push({ ref: chunkKey(input.name, i) });
      tasks.set(chunkKey(name, j), { op: `${K}#concat`, args: refs });
    }
  } else {
    // Output j takes piece (j - first) of the input partition it falls in.
    for (let j = 0; j < n; j++) {
      const i = Math.floor((j * m) / n);
      const first = Math.ceil((i * n) / m);
      const count = Math.ceil(((i + 1) * n) / m) - first;
      tasks.set(chunkKey(name, j), { op: `${K}#piece`, args: [{ ref: chunkKey(input.name, i) }, count, j - first] });
    }
  }
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}

export const repartitionOps: NodeOps<RepartitionNode> = {
  describe: (n) => `Repartition ${n.input.npartitions} -> ${n.npartitions} partitions`,
  inputs: (n) => [n.input],
  withInputs: (n, [input]) => ({ ...n, input: input as PlanNode }),
  requires: () => undefined,
  narrow(n, cols) {
    if (!dropsSome(n.input, cols)) return undefined;
    const input = project(n.input, cols);
    return { ...n, input, schema: input.schema };
  },
  lower: (n, lowerInput) => lowerRepartition(n, lowerInput(n.input)),
};
