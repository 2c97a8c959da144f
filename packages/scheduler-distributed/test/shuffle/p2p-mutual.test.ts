/**
 * Two workers shuffling to each other over real TCP, each a sender and a receiver at once, with
 * shuffle buffers and receive windows far smaller than what they exchange (so sends wait for
 * grants both ways while both receive): every transfer finishes, every output unpacks to what a
 * plain loop gives, and neither receiver ever had more bucket bytes read and not yet buffered
 * than its window (counted around the worker's own receive, not by the window).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { P2P_BARRIER_OP, P2P_TRANSFER_OP, P2P_UNPACK_OP, type Task } from '@tsdask/core-graph';
import { connect, type Listener } from '../../src/comm/tcp.js';
import { parseAddress } from '../../src/protocol/address.js';
import type { P2PRunSpec } from '../../src/shuffle/run-spec.js';
import { WorkerShuffles } from '../../src/shuffle/worker-shuffles.js';
import { runThread } from './split-cat-ops.js';
import { serveData } from '../../src/worker/data-server.js';
import { DataStore } from '../../src/worker/data-store.js';

const TOKEN = 'p2p-mutual-token-'.padEnd(64, 'x');
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Peer {
  address: string;
  shuffles: WorkerShuffles;
  /** Bucket bytes handed to the worker's receive and not yet buffered, now and at most. */
  pending: number;
  peak: number;
  /** Bucket bytes received from the other worker in all. */
  total: number;
}

/** A worker's shuffle part behind its own data port with receive window `window`. */
async function peer(window: number, bufferBytes: number): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-p2p-mutual-'));
  const p = { pending: 0, peak: 0, total: 0 } as Peer;
  const listener: Listener = await serveData({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    tls: undefined,
    store: new DataStore(),
    log: () => {},
    shuffleWindowBytes: window,
    onShards: (msg, bodies) => {
      let bytes = 0;
      for (const b of bodies) bytes += b.byteLength;
      p.pending += bytes;
      p.total += bytes;
      p.peak = Math.max(p.peak, p.pending);
      return p.shuffles.receive(msg, bodies).finally(() => (p.pending -= bytes));
    },
  });
  p.address = `127.0.0.1:${listener.address.port}`;
  p.shuffles = new WorkerShuffles({
    address: p.address,
    localDirectory: dir,
    bufferBytes,
    dial: (a) => connect({ ...parseAddress(a), token: TOKEN, role: 'peer' }),
    runThread,
    log: () => {},
  });
  cleanups.push(async () => {
    p.shuffles.close();
    await listener.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return p;
}

it('two workers shuffling to each other with small windows both finish, with the right outputs, each within its window', async () => {
  const WINDOW = 2048;
  const [a, b] = [await peer(WINDOW, 1024), await peer(WINDOW, 1024)];
  const INPUTS = 8;
  const OUTPUTS = 8;
  const input = (i: number): number[] => Array.from({ length: 400 }, (_, r) => (r * 7919 + i * 104729) % 100_003);
  const spec: P2PRunSpec = {
    id: 'mutual',
    inputs: INPUTS,
    outputs: OUTPUTS,
    transfer: 't',
    barrier: 'b',
    unpack: 'u',
    run: 1,
    workers: [a.address, b.address],
  };
  const held = (k: string): { value: unknown } | undefined => (k.startsWith('in') ? { value: input(Number(k.slice(2))) } : { value: 1 });
  const transfer = (i: number): Task => ({ op: P2P_TRANSFER_OP, args: [spec, i, { op: 'test#split', args: [{ ref: `in${i}` }, OUTPUTS] }] });
  // Inputs 0-3 on a, 4-7 on b, all at once: each sends to the other while it receives from it.
  const results = await Promise.all(Array.from({ length: INPUTS }, (_, i) => (i < INPUTS / 2 ? a : b).shuffles.execute(`t,${i}`, transfer(i), held)));
  for (const r of results) expect(r).toMatchObject({ ok: true, value: 1 });
  const barrier: Task = { op: P2P_BARRIER_OP, args: [spec, ...Array.from({ length: INPUTS }, (_, i) => ({ ref: `t,${i}` }))] };
  for (const p of [a, b]) expect(await p.shuffles.execute('b', barrier, () => ({ value: 1 }))).toMatchObject({ ok: true });
  for (let j = 0; j < OUTPUTS; j++) {
    const owner = j < OUTPUTS / 2 ? a : b; // contiguous ranges: the first half of the outputs is a's
    const u: Task = { op: P2P_UNPACK_OP, args: [spec, j, { ref: 'b' }, { op: 'test#cat', args: [] }] };
    // A plain loop: input 0's rows r with r % 8 === j, then input 1's, and so on.
    const want: number[] = [];
    for (let i = 0; i < INPUTS; i++) for (const r of input(i)) if (r % OUTPUTS === j) want.push(r);
    expect(await owner.shuffles.execute(`u,${j}`, u, held)).toMatchObject({ ok: true, value: want });
  }
  // Both really went through the network and the window: each received more than its window in all, never more than it at once.
  for (const p of [a, b]) {
    expect(p.shuffles.received('mutual').taken).toBe((INPUTS * OUTPUTS) / 2);
    expect(p.total).toBeGreaterThan(2 * WINDOW);
    expect(p.peak).toBeGreaterThan(0);
    expect(p.peak).toBeLessThanOrEqual(WINDOW);
  }
}, 60_000);

it('four fast senders shuffling into one receiver with a small window: it never holds more than its window, and unpacks the right outputs', async () => {
  const WINDOW = 4096;
  const receiver = await peer(WINDOW, 4096);
  // Senders with 16 KiB each in flight (messages of at most 4 KiB: within the window, which lets one bigger message through
  // alone): the four could have 64 KiB at the receiver at once, so only the receiver's window bounds what it holds.
  const senders = [await peer(WINDOW, 16384), await peer(WINDOW, 16384), await peer(WINDOW, 16384), await peer(WINDOW, 16384)];
  const INPUTS = 16;
  const OUTPUTS = 4;
  const input = (i: number): number[] => Array.from({ length: 400 }, (_, r) => (r * 7919 + i * 104729) % 1_000_003);
  const spec: P2PRunSpec = { id: 'fan-in', inputs: INPUTS, outputs: OUTPUTS, transfer: 't', barrier: 'b', unpack: 'u', run: 1, workers: [receiver.address] };
  const held = (k: string): { value: unknown } | undefined => (k.startsWith('in') ? { value: input(Number(k.slice(2))) } : { value: 1 });
  const transfer = (i: number): Task => ({ op: P2P_TRANSFER_OP, args: [spec, i, { op: 'test#split', args: [{ ref: `in${i}` }, OUTPUTS] }] });
  const results = await Promise.all(Array.from({ length: INPUTS }, (_, i) => senders[i % senders.length]!.shuffles.execute(`t,${i}`, transfer(i), held)));
  for (const r of results) expect(r).toMatchObject({ ok: true, value: 1 });
  expect(await receiver.shuffles.execute('b', { op: P2P_BARRIER_OP, args: [spec, { ref: 't,0' }] }, () => ({ value: 1 }))).toMatchObject({ ok: true });
  for (let j = 0; j < OUTPUTS; j++) {
    const u: Task = { op: P2P_UNPACK_OP, args: [spec, j, { ref: 'b' }, { op: 'test#cat', args: [] }] };
    const want: number[] = [];
    for (let i = 0; i < INPUTS; i++) for (const r of input(i)) if (r % OUTPUTS === j) want.push(r);
    expect(await receiver.shuffles.execute(`u,${j}`, u, held)).toMatchObject({ ok: true, value: want });
  }
  expect(receiver.total).toBeGreaterThan(8 * WINDOW);
  expect(receiver.peak).toBeLessThanOrEqual(WINDOW);
}, 60_000);
