/**
 * The send loop of one P2P transfer on a worker: its split's buckets go to their owners, one
 * message per destination worker, and it ends once every bucket it owes is buffered at its owner
 * in the newest run it knows of.
 *
 * - It owes the partitions its task names (`only`, arg 3, after a restart: restart-plan.ts), or
 *   all of them, plus any partition whose owner changed since the run its task was sent in (a
 *   restart while it ran moved them); partitions with no owner ('') need nothing.
 * - An owner's ack marks what it holds: a bucket is sent again only when its partition's owner
 *   changed, or a newer run needs it anew (`fresh`: its owner removed its file), never to a
 *   survivor that acked it otherwise.
 * - When a destination fails, it waits for the scheduler's next run (the destination died:
 *   `newerRun`) or a retry delay, whichever comes first (1 s, doubling: the destination may be
 *   cut off for a while and come back, as with Dask's `distributed.p2p.comm.retry`), and sends
 *   what is left; after `giveUpMs` of failures with no success it fails with TSDASK_P2P_PEER.
 *   Finishing, it goes on in a newer run that appeared meanwhile, so its result never names a
 *   dropped run.
 * Buckets are encoded when sent, a message of at most `maxMessageBytes` at a time per owner (one
 * bucket more when a single bucket is bigger), and their bytes dropped once acked (encoded again
 * only if a restart moves their partition), so a transfer holds its split's buckets plus at most
 * one message per owner of encoded bytes; the sender's budget bounds what is in flight.
 */
import type { ShuffleShardsMsg } from '../protocol/messages.js';
import { encodeWireValue } from '../protocol/values.js';
import { P2PShuffleError } from './errors.js';
import { ownerOf, stillDelivered, type P2PRunSpec } from './run-spec.js';

/** The first and the longest wait before sending again to a destination that failed (as Dask's p2p.comm.retry.delay: 1 s to 30 s). */
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** What the loop uses of the worker's shuffle part. */
export interface TransferContext {
  /** The newest spec of the shuffle known here. */
  latest(id: string): P2PRunSpec | undefined;
  /** A run newer than `spec`, once one is known, or undefined when none comes within `waitMs`. */
  newerRun(spec: P2PRunSpec, waitMs: number): Promise<P2PRunSpec | undefined>;
  /** How long sends may keep failing (no newer run, no success) before the transfer fails. */
  giveUpMs: number;
  /** The most bytes of buckets one message carries (a single bigger bucket goes alone). */
  maxMessageBytes: number;
  /** Sends buckets to `owner` (this worker's own go straight to its files); resolves once buffered there. */
  send(owner: string, msg: Omit<ShuffleShardsMsg, 'id'>, bodies: readonly Uint8Array[]): Promise<void>;
}

/** What a transfer did: the run its buckets now belong to, and how many buckets it sent (over all runs). */
export interface TransferOutcome {
  run: number;
  sent: number;
}

/** Sends input `input`'s `buckets` (task sent in run `spec`, owing `only` or all) until every owed bucket is at its owner. */
export async function sendBuckets(
  ctx: TransferContext,
  spec: P2PRunSpec,
  input: number,
  buckets: readonly unknown[],
  only: readonly number[] | undefined,
): Promise<TransferOutcome> {
  const want = only === undefined ? undefined : new Set(only);
  const encoded: (Uint8Array | undefined)[] = [];
  const bytesOf = (j: number): Uint8Array => (encoded[j] ??= encodeWireValue(buckets[j]));
  /** Partition -> the owner that acked its bucket, and the run it was sent in. */
  const acked = new Map<number, { owner: string; run: number }>();
  let sent = 0;
  let cur = spec;
  /** When sends began failing with no success since (undefined: they do not), and the next retry delay. */
  let failingSince: number | undefined;
  let retryMs = RETRY_MIN_MS;
  for (;;) {
    const byOwner = new Map<string, number[]>();
    for (let j = 0; j < spec.outputs; j++) {
      const owner = ownerOf(cur, j);
      const a = acked.get(j);
      if (owner === '' || (a !== undefined && stillDelivered(cur, j, a.owner, a.run))) continue;
      if (want !== undefined && !want.has(j) && stillDelivered(cur, j, ownerOf(spec, j), spec.run)) continue; // delivered before this task was sent
      const parts = byOwner.get(owner);
      if (parts === undefined) byOwner.set(owner, [j]);
      else parts.push(j);
    }
    const run = cur;
    const sends = [...byOwner].map(async ([owner, parts]) => {
      for (let k = 0; k < parts.length;) {
        // The next message: parts from k while they fit in maxMessageBytes (at least one).
        const batch: number[] = [];
        let bytes = 0;
        while (k < parts.length && (batch.length === 0 || bytes + bytesOf(parts[k]!).byteLength <= ctx.maxMessageBytes)) {
          bytes += bytesOf(parts[k]!).byteLength;
          batch.push(parts[k++]!);
        }
        await ctx.send(owner, { type: 'shuffle-shards', shuffle: run.id, run: run.run, input, parts: batch }, batch.map(bytesOf));
        for (const j of batch) {
          acked.set(j, { owner, run: run.run });
          encoded[j] = undefined;
        }
        sent += batch.length;
      }
    });
    const failed = (await Promise.allSettled(sends)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      const err = failed.reason as Error;
      failingSince ??= Date.now();
      const left = ctx.giveUpMs - (Date.now() - failingSince);
      if (left <= 0)
        throw new P2PShuffleError('TSDASK_P2P_PEER', cur.id, cur.run, `transfer of input ${input} could not deliver its buckets: ${err.message}`, {
          cause: err,
        });
      const next = await ctx.newerRun(cur, Math.min(left, retryMs));
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
      if (next !== undefined) cur = next; // else: the same owners again
      continue;
    }
    failingSince = undefined;
    retryMs = RETRY_MIN_MS;
    const newest = ctx.latest(cur.id);
    if (newest === undefined || newest.run <= cur.run) return { run: cur.run, sent };
    cur = newest; // a restart happened while sending: what moved goes to its new owners
  }
}
