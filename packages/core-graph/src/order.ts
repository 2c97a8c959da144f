/**
 * order: static priorities (lower runs first) that finish one branch before starting the next,
 * so results are released early and memory stays low. A depth-first post-order from the
 * outputs (or from every task without dependents), visiting dependencies in argument order:
 * each subtree is scheduled completely before its next sibling. Schedulers pick the ready task
 * with the lowest priority.
 */
import type { TaskGraph } from './graph/task-graph.js';
import type { Key } from './spec/index.js';
import { sharedInt32, sharedUint8 } from './graph/int-buffer.js';

/** Returns the priority of every task id (a permutation of 0..size-1). */
export function order(g: TaskGraph, outputs?: readonly Key[]): Int32Array {
  const n = g.size;
  const prio = sharedInt32(n).fill(-1);
  const onStack = sharedUint8(n);
  const stack = sharedInt32(n);
  const edge = sharedInt32(n);
  let next = 0;
  const visitFrom = (root: number): void => {
    if (prio[root] !== -1 || onStack[root]) return;
    let top = 0;
    stack[top] = root;
    edge[top] = g.depPtr[root]!;
    onStack[root] = 1;
    top++;
    while (top > 0) {
      const i = stack[top - 1]!;
      const e = edge[top - 1]!;
      if (e < g.depPtr[i + 1]!) {
        edge[top - 1] = e + 1;
        const d = g.depIdx[e]!;
        if (prio[d] === -1 && !onStack[d]) {
          onStack[d] = 1;
          stack[top] = d;
          edge[top] = g.depPtr[d]!;
          top++;
        }
      } else {
        prio[i] = next++;
        onStack[i] = 0;
        top--;
      }
    }
  };
  if (outputs !== undefined) {
    for (const k of outputs) {
      const id = g.index.get(k);
      if (id !== undefined) visitFrom(id);
    }
  }
  for (let i = 0; i < n; i++) if (g.outPtr[i + 1] === g.outPtr[i]) visitFrom(i);
  for (let i = 0; i < n; i++) visitFrom(i);
  return prio;
}
