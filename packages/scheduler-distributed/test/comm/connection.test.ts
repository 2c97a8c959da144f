import { expect, it } from 'vitest';
import { FramedConnection, LAZY_FLUSH_MS, type BytePipe } from '../../src/comm/connection.js';
import { ConnectionError, FrameError } from '../../src/comm/errors.js';
import { encodeControlFrame, FrameDecoder, type Frame } from '../../src/comm/frames.js';
import { inprocPair } from '../../src/comm/inproc.js';

/** A pipe whose writes complete only when the test says so, recording each write's chunks. */
function manualPipe(): { pipe: BytePipe; writes: Uint8Array[][]; complete: () => void; ended: () => boolean } {
  const writes: Uint8Array[][] = [];
  const callbacks: (() => void)[] = [];
  let end = false;
  return {
    pipe: {
      write(chunks, done) {
        writes.push(chunks);
        callbacks.push(() => done(null));
      },
      end() {
        end = true;
      },
    },
    writes,
    complete: () => callbacks.shift()!(),
    ended: () => end,
  };
}

/** How many whole frames one write carries. */
const framesIn = (chunks: Uint8Array[]): number => {
  const d = new FrameDecoder();
  return chunks.flatMap((c) => d.push(c)).length;
};

it('writes what is sent in one turn of the event loop as one write, and coalesces what is sent while it is pending', async () => {
  const m = manualPipe();
  const conn = new FramedConnection(m.pipe, 'test');
  for (let i = 0; i < 50; i++) conn.send({ i });
  expect(m.writes.length).toBe(0);
  await new Promise((r) => setImmediate(r));
  expect(m.writes.length).toBe(1);
  expect(m.writes[0]!.length).toBe(1); // the 50 control frames, one after another in one chunk
  expect(framesIn(m.writes[0]!)).toBe(50);
  for (let i = 50; i < 100; i++) conn.send({ i });
  conn.sendBody(Uint8Array.of(1, 2, 3));
  await new Promise((r) => setImmediate(r));
  expect(m.writes.length).toBe(1); // the first write is still pending
  m.complete();
  expect(m.writes.length).toBe(2);
  // Everything, in order, arrives through a decoder.
  const d = new FrameDecoder();
  const frames = m.writes.flat().flatMap((c) => d.push(c));
  expect(frames).toEqual([...Array.from({ length: 100 }, (_, i) => ({ kind: 'control', message: { i } })), { kind: 'body', bytes: Uint8Array.of(1, 2, 3) }]);
  // close waits for the pending write, then ends the pipe.
  conn.send({ last: true });
  conn.close();
  expect(m.ended()).toBe(false);
  m.complete(); // the pending write is done; { last: true }, sent before close(), goes out next, and then the pipe ends
  expect(m.ended()).toBe(false);
  expect(d.push(m.writes[2]![0]!)).toEqual([{ kind: 'control', message: { last: true } }]);
  m.complete();
  expect(m.ended()).toBe(true);
  expect(await conn.closed).toBeUndefined();
  expect(() => conn.send('late')).toThrow(ConnectionError);
});

it('an in-process pair carries messages and bodies both ways, holding frames until a handler is set', async () => {
  const [a, b] = inprocPair();
  a.send({ type: 'ping', n: 1 });
  a.sendBody(Uint8Array.of(9, 8, 7));
  await a.flushed();
  await new Promise((r) => setTimeout(r, 0));
  const atB: Frame[] = [];
  b.onFrame((f) => atB.push(f));
  expect(atB).toEqual([
    { kind: 'control', message: { type: 'ping', n: 1 } },
    { kind: 'body', bytes: Uint8Array.of(9, 8, 7) },
  ]);
  const atA = new Promise<Frame>((resolve) => a.onFrame(resolve));
  b.send({ type: 'pong' });
  expect(await atA).toEqual({ kind: 'control', message: { type: 'pong' } });
  a.close();
  expect(await a.closed).toBeUndefined();
  expect(await b.closed).toBeUndefined();
});

it('delivers the frames before a bad one, then closes with the FrameError', async () => {
  const m = manualPipe();
  const conn = new FramedConnection(m.pipe, 'test');
  const got: Frame[] = [];
  conn.onFrame((f) => got.push(f));
  const bad = new Uint8Array(16); // zero magic
  const good = encodeControlFrame({ ok: 1 });
  const chunk = new Uint8Array(good.length + bad.length);
  chunk.set(good);
  chunk.set(bad, good.length);
  conn.receive(chunk);
  expect(got).toEqual([{ kind: 'control', message: { ok: 1 } }]);
  const reason = await conn.closed;
  expect(reason).toBeInstanceOf(FrameError);
  expect((reason as FrameError).offset).toBe(good.length);
  expect(m.ended()).toBe(true);
  conn.receive(good); // ignored once closed
  expect(got.length).toBe(1);
});

it('a handler that steps aside mid-chunk leaves the rest of the chunk for the next handler, in order', () => {
  const conn = new FramedConnection(manualPipe().pipe, 'test');
  const parts = [1, 2, 3].map((n) => encodeControlFrame({ n }));
  const chunk = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (chunk.set(p, at), at + p.length), 0);
  const first: Frame[] = [];
  conn.onFrame((f) => {
    first.push(f);
    conn.onFrame(null); // as the handshake does after its one message
  });
  conn.receive(chunk);
  expect(first).toEqual([{ kind: 'control', message: { n: 1 } }]);
  const rest: Frame[] = [];
  conn.onFrame((f) => rest.push(f));
  expect(rest).toEqual([
    { kind: 'control', message: { n: 2 } },
    { kind: 'control', message: { n: 3 } },
  ]);
});

it('a lazy message waits for company: it goes with the next eager send, or alone after LAZY_FLUSH_MS, in order', async () => {
  const m = manualPipe();
  const conn = new FramedConnection(m.pipe, 'test');
  conn.send({ i: 0 }, true);
  conn.send({ i: 1 }, true);
  await new Promise((r) => setImmediate(r));
  expect(m.writes.length).toBe(0); // nothing eager yet: they wait
  conn.send({ i: 2 });
  await new Promise((r) => setImmediate(r));
  expect(m.writes.length).toBe(1);
  expect(framesIn(m.writes[0]!)).toBe(3);
  m.complete();
  conn.send({ i: 3 }, true);
  await new Promise((r) => setTimeout(r, LAZY_FLUSH_MS + 20));
  expect(m.writes.length).toBe(2); // the timer carried it alone
  m.complete();
  conn.send({ i: 4 }, true);
  conn.close(); // close writes what waits
  expect(m.writes.length).toBe(3);
  m.complete();
  const d = new FrameDecoder();
  expect(m.writes.flat().flatMap((c) => d.push(c))).toEqual(Array.from({ length: 5 }, (_, i) => ({ kind: 'control', message: { i } })));
  expect(m.ended()).toBe(true);
});
