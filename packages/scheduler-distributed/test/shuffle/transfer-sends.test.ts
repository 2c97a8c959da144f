/**
 * A transfer's send loop alone, with a fake worker around it: a destination that fails is tried
 * again after a retry delay (1 s, then 2 s, ...) in the same run, and only what it did not ack is
 * sent again; a newer run sends what moved to its new owner, and what it needs anew to the
 * same owner; failures past `giveUpMs` with no
 * success and no newer run end in P2PShuffleError TSDASK_P2P_PEER.
 */
import { describe, expect, it } from 'vitest';
import { P2PShuffleError } from '../../src/shuffle/errors.js';
import type { P2PRunSpec } from '../../src/shuffle/run-spec.js';
import { sendBuckets, type TransferContext } from '../../src/shuffle/transfer-sends.js';

const run1: P2PRunSpec = { id: 'sh', inputs: 1, outputs: 4, transfer: 't', barrier: 'b', unpack: 'u', run: 1, workers: ['A', 'B'] };
const buckets = [[0], [1], [2], [3]];

/** A fake context: `failB` sends to B fail; every send is logged as `owner:parts`, every wait's length too. */
function fake(failB: number, newer?: P2PRunSpec, giveUpMs = 60_000): { ctx: TransferContext; sends: string[]; waits: number[] } {
  const sends: string[] = [];
  const waits: number[] = [];
  let latest: P2PRunSpec = run1;
  const ctx: TransferContext = {
    latest: () => latest,
    newerRun: (_s, waitMs) => {
      waits.push(waitMs);
      if (newer !== undefined) latest = newer;
      return Promise.resolve(newer);
    },
    giveUpMs,
    maxMessageBytes: Infinity,
    send: (owner, msg) => {
      sends.push(`${owner}:${msg.parts.join(',')}@${msg.run}`);
      if (owner === 'B' && failB-- > 0) return Promise.reject(new Error('connection refused'));
      return Promise.resolve();
    },
  };
  return { ctx, sends, waits };
}

describe('sendBuckets', () => {
  it('tries a failed destination again after a growing delay, sending only what it did not ack', async () => {
    const { ctx, sends, waits } = fake(2);
    expect(await sendBuckets(ctx, run1, 0, buckets, undefined)).toEqual({ run: 1, sent: 4 });
    expect(sends).toEqual(['A:0,1@1', 'B:2,3@1', 'B:2,3@1', 'B:2,3@1']);
    expect(waits).toEqual([1000, 2000]);
  });

  it('sends what moved to its new owner when a newer run comes', async () => {
    const run2: P2PRunSpec = { ...run1, run: 2, moved: { 2: 'A', 3: 'A' } };
    const { ctx, sends } = fake(1, run2);
    expect(await sendBuckets(ctx, run1, 0, buckets, undefined)).toEqual({ run: 2, sent: 4 });
    expect(sends).toEqual(['A:0,1@1', 'B:2,3@1', 'A:2,3@2']);
  });

  it('sends again to the same owner a partition a newer run needs anew (its owner removed its file), and only that one', async () => {
    // Run 2 gives output 0 back to A, which acked it in run 1 and has unpacked it since.
    const run2: P2PRunSpec = { ...run1, run: 2, moved: { 0: 'A' }, fresh: { 0: 2 } };
    const { ctx, sends } = fake(1, run2);
    expect(await sendBuckets(ctx, run1, 0, buckets, undefined)).toEqual({ run: 2, sent: 5 });
    expect(sends).toEqual(['A:0,1@1', 'B:2,3@1', 'A:0@2', 'B:2,3@2']);
    // A transfer sent in run 2 that owes only output 0 (it delivered the rest in run 1) sends just that.
    const owing = fake(0);
    expect(await sendBuckets(owing.ctx, run2, 0, buckets, [0])).toEqual({ run: 2, sent: 1 });
    expect(owing.sends).toEqual(['A:0@2']);
  });

  it('sends only the partitions it owes, and fails with TSDASK_P2P_PEER once failures pass giveUpMs', async () => {
    const owing = fake(0);
    expect(await sendBuckets(owing.ctx, run1, 0, buckets, [3])).toEqual({ run: 1, sent: 1 });
    expect(owing.sends).toEqual(['B:3@1']);
    const { ctx } = fake(Infinity, undefined, 0);
    const err = await sendBuckets(ctx, run1, 0, buckets, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P2PShuffleError);
    expect((err as P2PShuffleError).code).toBe('TSDASK_P2P_PEER');
    expect((err as Error).message).toContain('transfer of input 0 could not deliver its buckets: connection refused');
  });

  it('splits what one owner gets into messages of at most maxMessageBytes (a bigger bucket alone), each bucket once', async () => {
    const spec: P2PRunSpec = { ...run1, outputs: 12, workers: ['A', 'B'] };
    // Bucket j holds j * 40 numbers: its encoded size grows with j.
    const big = Array.from({ length: 12 }, (_, j) => Array.from({ length: j * 40 }, (_, r) => r + j));
    const msgs: { owner: string; parts: number[]; bytes: number }[] = [];
    const ctx: TransferContext = {
      latest: () => spec,
      newerRun: () => Promise.resolve(undefined),
      giveUpMs: 60_000,
      maxMessageBytes: 1500,
      send: (owner, msg, bodies) => {
        msgs.push({ owner, parts: [...msg.parts], bytes: bodies.reduce((n, b) => n + b.byteLength, 0) });
        return Promise.resolve();
      },
    };
    expect(await sendBuckets(ctx, spec, 0, big, undefined)).toEqual({ run: 1, sent: 12 });
    // Every bucket exactly once, to its owner (A owns 0-5, B 6-11), in order per owner.
    expect(msgs.filter((m) => m.owner === 'A').flatMap((m) => m.parts)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(msgs.filter((m) => m.owner === 'B').flatMap((m) => m.parts)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(msgs.length).toBeGreaterThan(2);
    for (const m of msgs) if (m.parts.length > 1) expect(m.bytes).toBeLessThanOrEqual(1500);
    // A bucket over the bound goes alone.
    expect(msgs.some((m) => m.parts.length === 1 && m.bytes > 1500)).toBe(true);
  });
});
