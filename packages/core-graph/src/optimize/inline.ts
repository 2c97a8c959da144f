/**
 * inline: put literals (and tasks whose op is listed as cheap) directly into the tasks that
 * use them, so they stop being tasks of their own, as Dask's `inline` and `inline_functions`
 * do. A literal is a node with no dependencies that is not a task, or a quoted value. Output
 * keys are never inlined away. A cheap task used by several dependents is copied into each.
 * A chain of cheap tasks nests into its dependent; a cheap task whose node would nest deeper
 * than `maxDepth` (see depth-limit.ts) stays a task of its own, so nesting stays bounded.
 */
import { sharedUint8 } from '../graph/int-buffer.js';
import { keyMask, rebuildWithout, topologicalOrder, type TaskGraph } from '../graph/task-graph.js';
import { isTask, nestingDepth, QUOTE_OP, substitute, type Key, type Node, type OpId } from '../spec/index.js';
import { MAX_FUSED_DEPTH } from './depth-limit.js';

export interface InlineOptions {
  /** Ops cheap enough to recompute in every dependent (Dask's `fast_functions`). */
  cheapOps?: ReadonlySet<OpId>;
  /** The deepest a node may nest after inlining (default `MAX_FUSED_DEPTH`). */
  maxDepth?: number;
}

/** Inlines literals and cheap tasks into their dependents. */
export function inline(g: TaskGraph, outputs: readonly Key[], opts: InlineOptions = {}): TaskGraph {
  const cheap = opts.cheapOps;
  const maxDepth = opts.maxDepth ?? MAX_FUSED_DEPTH;
  const isOutput = keyMask(g, outputs);
  const candidate = sharedUint8(g.size); // on shared memory, as every array per task (see sharedInt32)
  let count = 0;
  for (let i = 0; i < g.size; i++) {
    if (isOutput[i] || g.outPtr[i + 1] === g.outPtr[i]) continue;
    const node = g.nodes[i];
    const nDeps = g.depPtr[i + 1]! - g.depPtr[i]!;
    const literal = isTask(node) ? node.op === QUOTE_OP : nDeps === 0;
    if (literal || (cheap !== undefined && isTask(node) && cheap.has(node.op))) {
      candidate[i] = 1;
      count++;
    }
  }
  if (count === 0) return g;

  const subs = new Map<Key, Node>();
  const nodes: Node[] = g.nodes.slice();
  for (const i of topologicalOrder(g)) {
    let uses = false;
    for (let e = g.depPtr[i]!; e < g.depPtr[i + 1]!; e++) {
      if (candidate[g.depIdx[e]!]) {
        uses = true;
        break;
      }
    }
    if (uses) {
      nodes[i] = substitute(nodes[i] as Node, subs);
      // a cheap task that grew too deep from what it inlined is not inlined further
      if (candidate[i] && nestingDepth(nodes[i] as Node) > maxDepth) {
        candidate[i] = 0;
        count--;
      }
    }
    if (candidate[i]) subs.set(g.keys[i] as Key, nodes[i] as Node);
  }
  return count === 0 ? g : rebuildWithout(g, candidate, nodes);
}
