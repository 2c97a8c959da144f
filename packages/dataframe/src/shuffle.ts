/**
 * The exchange step of the shuffles (merge's hash join, groupBy's splitOut, sortValues' range
 * shuffle): the graph between the tasks that split each input partition into n buckets and the
 * tasks that build each output bucket. Two methods, as Dask's `dataframe.shuffle.method`:
 * - 'tasks': split task i -> piece (i, j) for every j -> output j: O(n^2) tasks, every piece a
 *   result the scheduler tracks. What the local schedulers ('threads', 'sync') run.
 * - 'p2p': n transfer tasks, one barrier, n unpack tasks (core-graph spec/p2p.ts): O(n) tasks;
 *   the cluster's workers send the buckets to each other and keep them on disk until unpacked.
 *   Only a distributed Client runs it.
 * The method is the `dataframe.shuffle.method` config setting (shuffle-method.ts): 'auto' (the
 * default) picks 'p2p' when the configured scheduler is a distributed Client, as Dask picks
 * p2p when a distributed client is the default. Both give the same output keys and values.
 */
import {
  chunkKey,
  P2P_BARRIER_OP,
  P2P_TRANSFER_OP,
  P2P_UNPACK_OP,
  pick,
  tokenize,
  type Key,
  type Node,
  type P2PShuffleSpec,
  type Task,
} from '@tsdask/core-graph';
import { shuffleMethod } from './shuffle-method.js';

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

/** One exchange: what splits each input, and what builds each output from its pieces. */
export interface Exchange {
  /** Name of the split tasks ('tasks') and prefix of the P2P tasks' names. */
  split: string;
  /** Name of the piece tasks ('tasks'). */
  piece: string;
  /** The task splitting input i into `n` buckets (an array, bucket j at index j), one per input. */
  splits: readonly Task[];
  n: number;
  /** Name of the outputs: output j is `chunkKey(out, j)` with either method. */
  out: string;
  /** The task building an output from its pieces (in input order): `{ op, args: [...fixed, ...pieces] }`. */
  combine: (pieces: Node[]) => Task;
}

/** Adds an exchange's tasks to `tasks`, by the shuffle method in force. */
export function exchange(tasks: Map<Key, Node>, x: Exchange): void {
  if (shuffleMethod() === 'p2p') return p2pExchange(tasks, x);
  const splits = x.splits.map((node, i) => {
    const k = chunkKey(x.split, i);
    tasks.set(k, node);
    return k;
  });
  const pieces = pieceRefs(tasks, x.piece, splits, x.n);
  for (let j = 0; j < x.n; j++) tasks.set(chunkKey(x.out, j), x.combine(pieces[j] as Node[]));
}

/** The P2P form: transfer i runs split i and sends its buckets; unpack j combines output j's buckets after the barrier. */
function p2pExchange(tasks: Map<Key, Node>, x: Exchange): void {
  const id = tokenize(x.split, x.n);
  const spec: P2PShuffleSpec = {
    id,
    inputs: x.splits.length,
    outputs: x.n,
    transfer: `p2p-transfer-${id}`,
    barrier: `p2p-barrier-${id}`,
    unpack: x.out,
  };
  const transfers: Node[] = x.splits.map((node, i) => {
    const k = chunkKey(spec.transfer, i);
    tasks.set(k, { op: P2P_TRANSFER_OP, args: [spec, i, node] });
    return { ref: k };
  });
  tasks.set(spec.barrier, { op: P2P_BARRIER_OP, args: [spec, ...transfers] });
  // Unpack j's key is output j's: its readers find it under the same key with either method.
  const head = x.combine([]);
  for (let j = 0; j < x.n; j++) tasks.set(chunkKey(x.out, j), { op: P2P_UNPACK_OP, args: [spec, j, { ref: spec.barrier }, head] });
}
