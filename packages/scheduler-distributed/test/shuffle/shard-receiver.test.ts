/**
 * The receive window of P2P shuffles on a worker's data port (shard-receiver.ts), over real TCP:
 * several fast senders into one receiver with a small window never have more bucket bytes read
 * and not yet buffered there than the window, and every bucket arrives once, unchanged; a peer
 * that sends shards without a grant, or more bytes than granted, is dropped with a
 * MessageShapeError; and a connection that closes gives its unused grant back. The pending bytes
 * are counted by the test's own consumer (bytes handed to it and not yet taken), not by the
 * window under test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/comm/connection.js';
import { connect, type Listener } from '../../src/comm/tcp.js';
import type { ShuffleShardsMsg } from '../../src/protocol/messages.js';
import { ByteBudget } from '../../src/shuffle/byte-budget.js';
import { ShardSender } from '../../src/shuffle/shard-sender.js';
import { serveData } from '../../src/worker/data-server.js';
import { DataStore } from '../../src/worker/data-store.js';

const TOKEN = 'shard-receiver-token-'.padEnd(64, 'x');
let listener: Listener | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await listener?.close();
  listener = undefined;
});

/** A consumer that takes one message at a time, each a few event-loop turns later, and counts the bytes handed to it and not yet taken. */
function slowConsumer(): {
  take: (msg: ShuffleShardsMsg, bodies: Uint8Array[]) => Promise<void>;
  pending: () => number;
  peak: () => number;
  got: Map<string, Uint8Array>;
} {
  let pending = 0;
  let peak = 0;
  let chain: Promise<void> = Promise.resolve();
  const got = new Map<string, Uint8Array>();
  const take = (msg: ShuffleShardsMsg, bodies: Uint8Array[]): Promise<void> => {
    let bytes = 0;
    for (const b of bodies) bytes += b.byteLength;
    pending += bytes;
    peak = Math.max(peak, pending);
    const mine = chain.then(async () => {
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      msg.parts.forEach((p, k) => got.set(`${msg.shuffle}/${msg.input}/${p}`, bodies[k]!));
      pending -= bytes;
    });
    chain = mine;
    return mine;
  };
  return { take, pending: () => pending, peak: () => peak, got };
}

const dial = (port: number) => (): Promise<Connection> => connect({ host: '127.0.0.1', port, token: TOKEN, role: 'peer' });

/** Bucket bytes that say who sent them: sender s, message m, part p. */
function bucket(s: number, m: number, p: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (s * 131 + m * 31 + p * 7 + i) & 255;
  return b;
}

/** A data server on 127.0.0.1 with a receive window of `window` bytes, handing shards to `onShards`. */
function serveWindow(window: number, onShards: Parameters<typeof serveData>[0]['onShards'], log: (line: string) => void): ReturnType<typeof serveData> {
  return serveData({ host: '127.0.0.1', port: 0, token: TOKEN, tls: undefined, store: new DataStore(), log, onShards, shuffleWindowBytes: window });
}

describe('the receive window of P2P shuffles', () => {
  it('several fast senders into one receiver with a small window: it never holds more than the window, and every bucket arrives once', async () => {
    const WINDOW = 12 * 1024;
    const consumer = slowConsumer();
    listener = await serveWindow(WINDOW, consumer.take, () => {});
    const port = listener.address.port;
    // 4 senders, each allowed 64 KiB in flight by its own budget (16 messages of 4 KiB at once):
    // without the receiver's window, the receiver would hold up to 4 x 64 KiB.
    const SENDERS = 4;
    const MESSAGES = 40;
    const PART = 2048;
    const senders = Array.from({ length: SENDERS }, () => new ShardSender(dial(port), new ByteBudget(64 * 1024)));
    for (const s of senders) closers.push(() => s.close());
    const sends: Promise<void>[] = [];
    for (let m = 0; m < MESSAGES; m++)
      for (let s = 0; s < SENDERS; s++)
        sends.push(
          senders[s]!.send('x', { type: 'shuffle-shards', shuffle: `s${s}`, run: 1, input: m, parts: [0, 1] }, [bucket(s, m, 0, PART), bucket(s, m, 1, PART)]),
        );
    await Promise.all(sends);
    expect(consumer.pending()).toBe(0);
    // The bound: bytes handed over and not yet taken never passed the window (plain count, not the window's own).
    expect(consumer.peak()).toBeGreaterThan(0);
    expect(consumer.peak()).toBeLessThanOrEqual(WINDOW);
    // Every bucket once, with its bytes.
    expect(consumer.got.size).toBe(SENDERS * MESSAGES * 2);
    for (let s = 0; s < SENDERS; s++)
      for (let m = 0; m < MESSAGES; m++) for (const p of [0, 1]) expect(consumer.got.get(`s${s}/${m}/${p}`)).toEqual(bucket(s, m, p, PART));
  }, 60_000);

  it('drops a peer that sends shards before a grant, or more bytes than granted, with a MessageShapeError', async () => {
    const consumer = slowConsumer();
    const logged: string[] = [];
    listener = await serveWindow(1000, consumer.take, (l) => logged.push(l));
    const port = listener.address.port;
    const shards: ShuffleShardsMsg = { type: 'shuffle-shards', id: 1, shuffle: 'a', run: 1, input: 0, parts: [0] };
    // No ask: the data port closes the connection.
    const rude = await dial(port)();
    rude.send(shards);
    rude.sendBody(new Uint8Array(8));
    await rude.closed;
    expect(logged.join('\n')).toContain('before it was granted room');
    // Asked for 8 bytes, granted, then sent 16.
    const greedy = await dial(port)();
    const replies: unknown[] = [];
    greedy.onFrame((f) => f.kind === 'control' && replies.push(f.message));
    greedy.send({ type: 'shuffle-ask', id: 1, bytes: 8 });
    await waitFor(() => replies.length === 1);
    expect(replies[0]).toEqual({ type: 'shuffle-grant', id: 1 });
    greedy.send(shards);
    greedy.sendBody(new Uint8Array(16));
    await greedy.closed;
    expect(logged.join('\n')).toContain('more than the 8 it was granted');
    expect(consumer.got.size).toBe(0);
  });

  it('gives back the grants of a connection that closes, so other senders get the room', async () => {
    const consumer = slowConsumer();
    listener = await serveWindow(1000, consumer.take, () => {});
    const port = listener.address.port;
    const first = await dial(port)();
    let granted = 0;
    first.onFrame((f) => f.kind === 'control' && (f.message as { type: string }).type === 'shuffle-grant' && granted++);
    first.send({ type: 'shuffle-ask', id: 1, bytes: 1000 }); // the whole window: granted
    first.send({ type: 'shuffle-ask', id: 2, bytes: 1000 }); // waits behind it
    await waitFor(() => granted === 1);
    first.close();
    await first.closed;
    // A sender that needs the whole window gets it once the closed connection's grants are back.
    const sender = new ShardSender(dial(port), new ByteBudget(1 << 20));
    closers.push(() => sender.close());
    await sender.send('x', { type: 'shuffle-shards', shuffle: 'b', run: 1, input: 0, parts: [0] }, [bucket(0, 0, 0, 1000)]);
    expect(consumer.got.get('b/0/0')).toEqual(bucket(0, 0, 0, 1000));
    expect(granted).toBe(1);
  });
});

/** Waits until `cond` holds, checking every turn of the event loop (the test's own timeout bounds it). */
async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 1));
}
