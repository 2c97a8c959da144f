/**
 * A worker's P2P shuffle part alone (no sockets: every partition is owned here, or a peer that
 * cannot be dialled): transfers' buckets come back out of unpack in input order whatever order
 * they ran in, a transfer run twice gives each bucket once, and every way it cannot complete is
 * a P2PShuffleError with its code: a bucket missing, an unpack on the wrong worker, a stale
 * transfer at the barrier, a peer that cannot be reached with no newer run, too many restarts.
 * After a restart a transfer sends only the partitions that moved (what it owes, and what moved
 * while it ran), buckets kept across runs are unpacked, buckets for an unpacked partition are
 * dropped, and an unpack whose result the worker did not keep leaves its file for the next try.
 * Its folder is made in the local directory and removed on close.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deserializeError, P2P_BARRIER_OP, P2P_TRANSFER_OP, P2P_UNPACK_OP, type Node, type Task } from '@tsdask/core-graph';
import type { BatchResult } from '@tsdask/runtime';
import { P2PShuffleError } from '../../src/shuffle/errors.js';
import type { P2PRunSpec } from '../../src/shuffle/run-spec.js';
import { WorkerShuffles } from '../../src/shuffle/worker-shuffles.js';
import { runThread } from './split-cat-ops.js';
import { encodeWireValue } from '../../src/protocol/values.js';

let dir: string;
let shuffles: WorkerShuffles;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdask-p2p-unit-'));
});
afterEach(() => {
  shuffles?.close();
  rmSync(dir, { recursive: true, force: true });
});

let logged: string[] = [];
function make(address = 'me', dial = (): Promise<never> => Promise.reject(new Error('connection refused')), keeps?: (key: string) => boolean): WorkerShuffles {
  logged = [];
  shuffles = new WorkerShuffles({
    address,
    localDirectory: dir,
    bufferBytes: 64,
    dial,
    runThread,
    log: (line) => logged.push(line),
    newRunWaitMs: 50,
    ...(keeps !== undefined ? { keeps } : {}),
  });
  return shuffles;
}

const spec = (over: Partial<P2PRunSpec> = {}): P2PRunSpec => ({
  id: 'sh1',
  inputs: 2,
  outputs: 2,
  transfer: 't',
  barrier: 'b',
  unpack: 'u',
  run: 1,
  workers: ['me'],
  ...over,
});
const transfer = (s: P2PRunSpec, i: number, only?: number[]): Task => ({
  op: P2P_TRANSFER_OP,
  args: [s, i, { op: 'test#split', args: [{ ref: `in${i}` }, s.outputs] }, ...(only !== undefined ? [only] : [])],
});
const unpack = (s: P2PRunSpec, j: number): Task => ({ op: P2P_UNPACK_OP, args: [s, j, { ref: 'b' }, { op: 'test#cat', args: [] }] });
const inputs: Record<string, number[]> = { in0: [0, 1, 2, 3, 4, 5], in1: [10, 11, 12, 13] };
const held = (k: string): { value: unknown } | undefined => (k in inputs ? { value: inputs[k] } : k === 'b' ? { value: 1 } : undefined);

/** The error a failed result carries. */
function errorOf(r: BatchResult): P2PShuffleError {
  expect(r.ok).toBe(false);
  return deserializeError((r as { error: Parameters<typeof deserializeError>[0] }).error) as P2PShuffleError;
}

describe('WorkerShuffles', () => {
  it('unpacks each output in input order, however the transfers ran, and a transfer run twice counts once', async () => {
    const w = make();
    const s = spec();
    expect((await w.execute('t,1', transfer(s, 1), held)).ok).toBe(true);
    expect(await w.execute('t,0', transfer(s, 0), held)).toMatchObject({ ok: true, value: 1 });
    expect((await w.execute('t,1', transfer(s, 1), held)).ok).toBe(true); // again: its buckets are dropped
    const barrier: Task = { op: P2P_BARRIER_OP, args: [s, { ref: 't,0' }, { ref: 't,1' }] };
    expect(await w.execute('b', barrier, (k) => (k.startsWith('t,') ? { value: 1 } : undefined))).toMatchObject({ ok: true, value: 1 });
    // Plain loop: output j is input 0's rows r with r % 2 === j, then input 1's.
    expect(await w.execute('u,0', unpack(s, 0), held)).toMatchObject({ ok: true, value: [0, 2, 4, 10, 12] });
    expect(w.dir !== undefined && readdirSync(w.dir).length).toBe(1);
    expect(await w.execute('u,1', unpack(s, 1), held)).toMatchObject({ ok: true, value: [1, 3, 5, 11, 13] });
    expect(readdirSync(w.dir!)).toEqual([]); // every output owned here unpacked: the run's folder is gone
    const folder = w.dir!;
    w.close();
    expect(existsSync(folder)).toBe(false);
  });

  it('fails an unpack missing a bucket, or run on a worker that does not own it, with a P2PShuffleError', async () => {
    const w = make();
    const s = spec();
    await w.execute('t,0', transfer(s, 0), held);
    const missing = errorOf(await w.execute('u,0', unpack(s, 0), held));
    expect(missing).toBeInstanceOf(P2PShuffleError);
    expect(missing.code).toBe('TSDASK_P2P_SHARDS');
    expect(missing.message).toContain('got 1 of its 2 buckets');
    // What happened and what to do: the missing input, why buckets get lost, and that computing again recovers.
    expect(missing.message).toContain('missing the bucket(s) of input(s) 1.');
    expect(missing.message).toContain('no other worker was alive');
    expect(missing.message).toContain('Compute it again');
    const elsewhere = errorOf(await w.execute('u,1', unpack(spec({ workers: ['other'] }), 1), held));
    expect(elsewhere.code).toBe('TSDASK_P2P_NOT_HERE');
    expect(elsewhere.message).toContain('kept by worker other');
  });

  it('fails a barrier over a transfer of another run, and every task of a shuffle the scheduler gave up on', async () => {
    const w = make();
    const barrier: Task = { op: P2P_BARRIER_OP, args: [spec({ run: 2 }), { ref: 't,0' }] };
    const stale = errorOf(await w.execute('b', barrier, () => ({ value: 1 })));
    expect(stale.code).toBe('TSDASK_P2P_STALE');
    expect(stale.message).toContain("transfer 't,0' sent its buckets in run 1");
    const gaveUp = errorOf(await w.execute('t,0', transfer(spec({ failed: 'it was restarted 3 times' }), 0), held));
    expect(gaveUp.code).toBe('TSDASK_P2P_RESTARTS');
    expect(gaveUp.message).toContain('it was restarted 3 times');
  });

  it('fails a transfer whose destination cannot be reached when no newer run comes', async () => {
    const w = make('me');
    const r = errorOf(await w.execute('t,0', transfer(spec({ workers: ['me', 'gone:1'] }), 0), held));
    expect(r.code).toBe('TSDASK_P2P_PEER');
    expect(r.message).toContain('could not deliver its buckets: connection refused');
  });

  it("reports the run of every p2p task's result, failed or finished, once (task-finished and task-erred carry it)", async () => {
    const w = make('me');
    // A transfer sent in run 2 that gives up: its failure names run 2, as its error does.
    const r = errorOf(await w.execute('t,0', transfer(spec({ run: 2, workers: ['me', 'gone:1'] }), 0), held));
    expect([r.code, (r as P2PShuffleError).run]).toEqual(['TSDASK_P2P_PEER', 2]);
    expect([w.takeRun('t,0'), w.takeRun('t,0')]).toEqual([2, undefined]);
    // A transfer that finishes: the run it finished in; a barrier and an unpack: their task's run.
    expect(await w.execute('t,1', transfer(spec({ run: 3 }), 1), held)).toMatchObject({ ok: true, value: 3 });
    expect(await w.execute('b', { op: P2P_BARRIER_OP, args: [spec({ run: 3 }), { ref: 't,1' }] }, () => ({ value: 3 }))).toMatchObject({ ok: true });
    errorOf(await w.execute('u,0', unpack(spec({ run: 3, workers: ['other'] }), 0), held)); // not owned here
    expect([w.takeRun('t,1'), w.takeRun('b'), w.takeRun('u,0'), w.takeRun('in0')]).toEqual([3, 3, 3, undefined]);
  });

  it('sends a failed transfer again in the newer run it learns of: only the lost worker’s partitions, to their new owner', async () => {
    const w = make('me');
    const old = spec({ workers: ['me', 'gone:1'] });
    const sending = w.execute('t,0', transfer(old, 0), held);
    w.observe(transfer(spec({ run: 2, workers: ['me', 'gone:1'], moved: { 1: 'me' } }), 1)); // the scheduler's compute-task of run 2
    expect(await sending).toMatchObject({ ok: true, value: 2 });
    // Output 0 went to 'me' in run 1 and was not sent again; output 1 failed in run 1 and went to 'me' in run 2.
    expect(logged).toContain('p2p sh1: input 0 sent 2 bucket(s), run 2');
    expect(w.received('sh1')).toEqual({ taken: 2, dropped: 0 });
    // A bucket of the older run is taken: the owner keeps its buckets across runs.
    await w.receive({ type: 'shuffle-shards', shuffle: 'sh1', run: 1, input: 1, parts: [0] }, [encodeWireValue([10, 12])]);
    expect(w.received('sh1')).toEqual({ taken: 3, dropped: 0 });
  });

  it('after a restart sends only what it owes, unpacks buckets kept from run 1, and drops buckets for an unpacked partition', async () => {
    let keep = false;
    const w = make('me', undefined, () => keep);
    const run1 = spec();
    await w.execute('t,0', transfer(run1, 0), held);
    await w.execute('t,1', transfer(run1, 1), held);
    // Run 2 moved output 1 (to this worker: it is the only one): each transfer owes only output 1.
    const run2 = spec({ run: 2, moved: { 1: 'me' } });
    expect(await w.execute('t,0', transfer(run2, 0, [1]), held)).toMatchObject({ ok: true, value: 2 });
    expect(logged.at(-1)).toBe('p2p sh1: input 0 sent 1 bucket(s), run 2 (owing 1 of 2)');
    expect(w.received('sh1')).toEqual({ taken: 4, dropped: 1 }); // the same bucket again: a duplicate
    // The result of the first try is not kept (the scheduler took the unpack back): its file stays for the next.
    expect(await w.execute('u,0', unpack(run2, 0), held)).toMatchObject({ ok: true, value: [0, 2, 4, 10, 12] });
    keep = true;
    expect(await w.execute('u,0', unpack(run2, 0), held)).toMatchObject({ ok: true, value: [0, 2, 4, 10, 12] });
    // Output 0 is unpacked in run 2: its buckets of that run are dropped; output 1's are duplicates.
    await w.execute('t,1', transfer(run2, 1), held);
    expect(w.received('sh1')).toEqual({ taken: 4, dropped: 3 });
    expect(await w.execute('u,1', unpack(run2, 1), held)).toMatchObject({ ok: true, value: [1, 3, 5, 11, 13] });
    expect(readdirSync(w.dir!)).toEqual([]); // every output owned here unpacked: the shuffle's folder is gone
  });

  it('takes again the buckets of a partition unpacked here when a newer run gives it back (its result was lost after its file went)', async () => {
    const w = make('me');
    const run1 = spec({ outputs: 2, workers: ['me'] });
    await w.execute('t,0', transfer(run1, 0), held);
    await w.execute('t,1', transfer(run1, 1), held);
    expect(await w.execute('u,0', unpack(run1, 0), held)).toMatchObject({ ok: true, value: [0, 2, 4, 10, 12] });
    // Run 2: output 0's result was lost; this worker owns it again and the transfers send its buckets again.
    const run2 = spec({ run: 2, moved: { 0: 'me' } });
    await w.execute('t,0', transfer(run2, 0, [0]), held);
    await w.execute('t,1', transfer(run2, 1, [0]), held);
    expect(w.received('sh1')).toEqual({ taken: 6, dropped: 0 });
    // Output 1, unpacked now, does not take the shuffle's files with output 0's new buckets in them.
    expect(await w.execute('u,1', unpack(run2, 1), held)).toMatchObject({ ok: true, value: [1, 3, 5, 11, 13] });
    expect(await w.execute('u,0', unpack(run2, 0), held)).toMatchObject({ ok: true, value: [0, 2, 4, 10, 12] });
    // A late bucket of run 1 or 2 for output 0 is dropped again.
    await w.receive({ type: 'shuffle-shards', shuffle: 'sh1', run: 2, input: 0, parts: [0] }, [encodeWireValue([0, 2, 4])]);
    expect(w.received('sh1')).toEqual({ taken: 6, dropped: 1 });
  });

  it('keeps the file of a partition whose newer run sent its buckets while its older unpack ran, for the newer unpack', async () => {
    // The combine of unpack 0 waits on `gate`, so a bucket can come while it runs.
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated = async (key: string, node: Node, h: (k: string) => { value: unknown } | undefined): Promise<BatchResult> => {
      if (key === 'u,0') await gate;
      return runThread(key, node, h);
    };
    shuffles = new WorkerShuffles({
      address: 'me',
      localDirectory: dir,
      bufferBytes: 64,
      dial: () => Promise.reject(new Error('refused')),
      runThread: gated,
      log: () => {},
    });
    const w = shuffles;
    const run1 = spec();
    await w.execute('t,0', transfer(run1, 0), held);
    await w.execute('t,1', transfer(run1, 1), held);
    const first = w.execute('u,0', unpack(run1, 0), held);
    await new Promise((r) => setTimeout(r, 20)); // its file is read; the combine waits
    // Run 2 gives output 0 back to this worker (its result is needed anew): input 0's bucket comes again meanwhile.
    const run2 = spec({ run: 2, fresh: { 0: 2 } });
    await w.receive({ type: 'shuffle-shards', shuffle: 'sh1', run: 2, input: 0, parts: [0] }, [encodeWireValue([0, 2, 4])]);
    open();
    expect(await first).toMatchObject({ ok: true, value: [0, 2, 4, 10, 12] });
    await w.receive({ type: 'shuffle-shards', shuffle: 'sh1', run: 2, input: 1, parts: [0] }, [encodeWireValue([10, 12])]);
    // Input 1's bucket of run 2 comes after it; the unpack of run 2 finds one bucket from each input.
    expect(await w.execute('u,0', unpack(run2, 0), held)).toMatchObject({ ok: true, value: [0, 2, 4, 10, 12] });
    expect(await w.execute('u,1', unpack(run2, 1), held)).toMatchObject({ ok: true, value: [1, 3, 5, 11, 13] });
    expect(readdirSync(w.dir!)).toEqual([]); // every output owned here unpacked: the shuffle's folder is gone
  });
});
