/**
 * The exchange step of the hash shuffles (merge's shuffle join, groupBy's splitOut): the graph
 * between split tasks and the tasks that build each output bucket.
 */
import { chunkKey, type Key, type Node } from '@tsdask/core-graph';
import { K } from './plan.js';

/**
 * Split task i (a list of n buckets) -> piece (i, j) for every j, each a task that keeps its
 * result on its own (Task.ownResult), so output j reads only its pieces and the scheduler may
 * spill the rest. Adds the piece tasks to `tasks`; returns, for each output bucket j, the refs
 * of its pieces.
 */
export function pieceRefs(tasks: Map<Key, Node>, name: string, splits: readonly Key[], n: number): Node[][] {
  const out: Node[][] = Array.from({ length: n }, () => []);
  splits.forEach((split, i) => {
    for (let j = 0; j < n; j++) {
      const k = chunkKey(name, i, j);
      tasks.set(k, { op: `${K}#bucketOf`, args: [{ ref: split }, j], ownResult: true });
      (out[j] as Node[]).push({ ref: k });
    }
  });
  return out;
}
