/**
 * P2PShuffleError: a P2P shuffle could not complete. Codes:
 * - TSDASK_P2P_RESTARTS: workers kept dying during the shuffle; it was restarted more times than allowed.
 * - TSDASK_P2P_PEER: a transfer could not deliver its buckets to a worker, and no newer run came to send them to.
 * - TSDASK_P2P_SHARDS: an output partition did not get exactly one bucket from every input (data lost or doubled).
 * - TSDASK_P2P_NOT_HERE: an unpack ran on a worker that does not hold its partition.
 * - TSDASK_P2P_DISK: the worker could not write or read its shuffle files.
 * - TSDASK_P2P_STALE: a transfer's result belongs to an older run than its barrier's.
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

export type P2PShuffleErrorCode =
  'TSDASK_P2P_RESTARTS' | 'TSDASK_P2P_PEER' | 'TSDASK_P2P_SHARDS' | 'TSDASK_P2P_NOT_HERE' | 'TSDASK_P2P_DISK' | 'TSDASK_P2P_STALE';

/** A P2P shuffle could not complete; `shuffle` is its id, `run` the run it was on. */
export class P2PShuffleError extends TsdaskError {
  readonly shuffle: string;
  readonly run: number;
  constructor(code: P2PShuffleErrorCode, shuffle: string, run: number, message: string, options?: { cause?: unknown }) {
    super(code, `P2P shuffle ${shuffle} (run ${run}): ${message}`, options);
    this.shuffle = shuffle;
    this.run = run;
  }
}
registerErrorClass(P2PShuffleError);
