/**
 * The P2P shuffle's tasks: the contract between a collection that lowers a shuffle for a cluster
 * (dataframe's merge, groupBy splitOut, sortValues, setIndex) and the distributed scheduler and
 * workers that run it (scheduler-distributed `src/shuffle/`), as Dask's `distributed/shuffle/`.
 * Instead of n split tasks, n x n piece tasks and n output tasks (the task-based exchange), a
 * P2P shuffle is n transfer tasks, one barrier and n unpack tasks, O(n):
 *
 *     transfer i: { op: P2P_TRANSFER_OP, args: [spec, i, split] }
 *         `split` is the task (nested) that cuts input partition i into `spec.outputs` buckets;
 *         the worker runs it and sends bucket j to the worker that owns output j, peer to peer.
 *     barrier:    { op: P2P_BARRIER_OP, args: [spec, ...refs to every transfer] }
 *     unpack j:   { op: P2P_UNPACK_OP, args: [spec, j, ref to the barrier, combineOp] }
 *         reads output j's buckets (one per input, in input order) and joins them with `combineOp`.
 *
 * Only a scheduler that understands them runs these ops (they name no module a thread could
 * load); fuse-linear and inline leave them tasks of their own (isP2PNode).
 */
import type { Key, OpId } from './index.js';

/** Op of a transfer task. */
export const P2P_TRANSFER_OP: OpId = 'p2p:transfer';
/** Op of the barrier task. */
export const P2P_BARRIER_OP: OpId = 'p2p:barrier';
/** Op of an unpack task. */
export const P2P_UNPACK_OP: OpId = 'p2p:unpack';

/** What every task of one P2P shuffle carries (arg 0), the same in all of them; plain JSON. */
export interface P2PShuffleSpec {
  /** The shuffle's id: unique per shuffle (the token of its inputs and parameters). */
  id: string;
  /** Input partitions (transfer tasks). */
  inputs: number;
  /** Output partitions (unpack tasks). */
  outputs: number;
  /** Name of the transfer tasks' keys (`chunkKey(transfer, i)`). */
  transfer: string;
  /** Key of the barrier task. */
  barrier: Key;
  /** Name of the unpack tasks' keys (`chunkKey(unpack, j)`). */
  unpack: string;
}

/** Whether `node` is a task of a P2P shuffle. */
export function isP2PNode(node: unknown): boolean {
  if (typeof node !== 'object' || node === null || !('op' in node)) return false;
  const op = (node as { op: unknown }).op;
  return op === P2P_TRANSFER_OP || op === P2P_BARRIER_OP || op === P2P_UNPACK_OP;
}
