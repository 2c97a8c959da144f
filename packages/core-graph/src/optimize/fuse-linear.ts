/**
 * fuse-linear: fuse chains `a -> b -> c` where each task has exactly one dependent and that
 * dependent has exactly one dependency, into one nested task under the last key of the chain
 * (output keys keep their names; an output never disappears into another task). As Dask's
 * `fuse_linear`, without renaming keys. A pick (`pickOf`) stays a task of its own: schedulers
 * take it apart from its container, so its dependent never needs the whole container. A held
 * result's node (spec `held(key)`) stays a task too: the scheduler finds it by its key, and so
 * does a P2P shuffle's task (spec/p2p.ts): the cluster runs it itself, never nested in another.
 * A fused task is never nested deeper than `maxDepth` (see depth-limit.ts): a longer chain is
 * cut into several fused tasks, so evaluating and sending them never recurses on its length.
 */
import { sharedInt32, sharedUint8 } from '../graph/int-buffer.js';
import { keyMask, rebuildWithout, topologicalOrder, type TaskGraph } from '../graph/task-graph.js';
import { isHeld, nestingDepth, pickOf, substitute, type Key, type Node } from '../spec/index.js';
import { isP2PNode } from '../spec/p2p.js';
import { MAX_FUSED_DEPTH } from './depth-limit.js';

/** Fuses linear chains of tasks into single nested tasks, at most `maxDepth` deep. */
export function fuseLinear(g: TaskGraph, outputs: readonly Key[], maxDepth = MAX_FUSED_DEPTH): TaskGraph {
  const isOutput = keyMask(g, outputs);
  // fusable[a] = 1 when a may be fused into its only dependent.
  const fusable = sharedUint8(g.size); // arrays per task on shared memory (see sharedInt32)
  let count = 0;
  for (let b = 0; b < g.size; b++) {
    if (g.depPtr[b + 1]! - g.depPtr[b]! !== 1) continue;
    const a = g.depIdx[g.depPtr[b]!]!;
    if (isOutput[a] || g.outPtr[a + 1]! - g.outPtr[a]! !== 1 || pickOf(g.nodes[a]) !== undefined || isHeld(g.nodes[a]) || isP2PNode(g.nodes[a])) continue;
    fusable[a] = 1;
    count++;
  }
  if (count === 0) return g;

  // absorbed[a] = 1 when a is fused into its dependent; depth[i] bounds fused[i]'s nesting (-1: not yet known).
  const absorbed = sharedUint8(g.size);
  const depth = sharedInt32(g.size).fill(-1);
  const fused: Node[] = g.nodes.slice();
  const one = new Map<Key, Node>();
  let removed = 0;
  for (const b of topologicalOrder(g)) {
    if (g.depPtr[b + 1]! - g.depPtr[b]! !== 1) continue;
    const a = g.depIdx[g.depPtr[b]!]!;
    if (!fusable[a]) continue;
    if (depth[a] < 0) depth[a] = nestingDepth(fused[a] as Node);
    const d = depth[a]! + nestingDepth(g.nodes[b] as Node);
    if (d > maxDepth) continue;
    one.clear();
    one.set(g.keys[a] as Key, fused[a] as Node);
    fused[b] = substitute(fused[b] as Node, one);
    depth[b] = d;
    absorbed[a] = 1;
    removed++;
  }
  return removed === 0 ? g : rebuildWithout(g, absorbed, fused);
}
