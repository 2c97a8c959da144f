/**
 * fuse-linear: fuse chains `a -> b -> c` where each task has exactly one dependent and that
 * dependent has exactly one dependency, into one nested task under the last key of the chain
 * (output keys keep their names; an output never disappears into another task). As Dask's
 * `fuse_linear`, without renaming keys. A pick (`pickOf`) stays a task of its own: schedulers
 * take it apart from its container, so its dependent never needs the whole container.
 */
import { keyMask, rebuildWithout, topologicalOrder, type TaskGraph } from '../graph/task-graph.js';
import { pickOf, substitute, type Key, type Node } from '../spec/index.js';

/** Fuses linear chains of tasks into single nested tasks. */
export function fuseLinear(g: TaskGraph, outputs: readonly Key[]): TaskGraph {
  const isOutput = keyMask(g, outputs);
  // absorbed[a] = 1 when a is fused into its only dependent.
  const absorbed = new Uint8Array(g.size);
  let count = 0;
  for (let b = 0; b < g.size; b++) {
    if (g.depPtr[b + 1]! - g.depPtr[b]! !== 1) continue;
    const a = g.depIdx[g.depPtr[b]!]!;
    if (isOutput[a] || g.outPtr[a + 1]! - g.outPtr[a]! !== 1 || pickOf(g.nodes[a]) !== undefined) continue;
    absorbed[a] = 1;
    count++;
  }
  if (count === 0) return g;

  const fused: Node[] = g.nodes.slice();
  for (const b of topologicalOrder(g)) {
    if (g.depPtr[b + 1]! - g.depPtr[b]! !== 1) continue;
    const a = g.depIdx[g.depPtr[b]!]!;
    if (absorbed[a]) {
      fused[b] = substitute(fused[b] as Node, new Map([[g.keys[a] as Key, fused[a] as Node]]));
    }
  }
  return rebuildWithout(g, absorbed, fused);
}
