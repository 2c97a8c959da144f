/**
 * cull: keep only the tasks that the requested keys need (the keys and everything they depend
 * on, transitively). Pure: returns the input graph itself when nothing is removed.
 */
import { sharedInt32, sharedUint8 } from '../graph/int-buffer.js';
import { idsOf, subgraph, type TaskGraph } from '../graph/task-graph.js';
import type { Key } from '../spec/index.js';

/** Removes every task that no requested key depends on. */
export function cull(g: TaskGraph, outputs: readonly Key[]): TaskGraph {
  const keep = reachable(g, idsOf(g, outputs));
  let kept = 0;
  for (let i = 0; i < g.size; i++) kept += keep[i]!;
  return kept === g.size ? g : subgraph(g, keep);
}

/** Marks (1) the given ids and all their transitive dependencies. */
export function reachable(g: TaskGraph, roots: Int32Array): Uint8Array {
  // on shared memory, as every array per task (see sharedInt32)
  const keep = sharedUint8(g.size);
  const stack = sharedInt32(g.size);
  let top = 0;
  for (const r of roots) {
    if (!keep[r]) {
      keep[r] = 1;
      stack[top++] = r;
    }
  }
  while (top > 0) {
    const i = stack[--top]!;
    for (let e = g.depPtr[i]!; e < g.depPtr[i + 1]!; e++) {
      const d = g.depIdx[e]!;
      if (!keep[d]) {
        keep[d] = 1;
        stack[top++] = d;
      }
    }
  }
  return keep;
}
