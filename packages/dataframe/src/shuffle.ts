/**
 * The exchange step of the shuffles (merge's hash join, groupBy's splitOut, sortValues' range
 * shuffle): the graph between split tasks and the tasks that build each output bucket.
 */
import { chunkKey, pick, type Key, type Node } from '@tsdask/core-graph';

/**
 * Split task i (a list of n buckets, each in buffers of its own) -> piece (i, j) for every j,
 * a pick (core-graph's `pickOf`): the scheduler takes each piece as a result of its own as soon
 * as the split is done and drops the split, so output j reads only its pieces, and under a
 * memory limit pieces are spilled one by one. Adds the piece tasks to `tasks`; returns, for
 * each output bucket j, the refs of its pieces in split order.
 */
export function pieceRefs(tasks: Map<Key, Node>, name: string, splits: readonly Key[], n: number): Node[][] {
  const out: Node[][] = Array.from({ length: n }, () => []);
  splits.forEach((split, i) => {
    for (let j = 0; j < n; j++) {
      const k = chunkKey(name, i, j);
      tasks.set(k, pick(split, j));
      (out[j] as Node[]).push({ ref: k });
    }
  });
  return out;
}
