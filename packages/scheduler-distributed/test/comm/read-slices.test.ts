import { expect, it } from 'vitest';
import { FramedConnection, READ_SLICE_MS, type BytePipe } from '../../src/comm/connection.js';
import { encodeControlFrame } from '../../src/comm/frames.js';

/** A pipe that records pause/resume calls (nothing is written in these tests). */
function recordingPipe(): { pipe: BytePipe; calls: string[] } {
  const calls: string[] = [];
  return {
    pipe: {
      write: (_chunks, done) => done(null),
      end: () => calls.push('end'),
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
    },
    calls,
  };
}

/** One chunk that holds `n` control frames {i}. */
function burst(n: number): Uint8Array {
  const parts = Array.from({ length: n }, (_, i) => encodeControlFrame({ i })).flat();
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const busy = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

it('handles a burst of slow frames over several turns of the event loop, in order, pausing the pipe between them', async () => {
  const { pipe, calls } = recordingPipe();
  const conn = new FramedConnection(pipe, 'test');
  const got: number[] = [];
  // A frame that takes a third of the slice: about three go per turn.
  conn.onFrame((f) => {
    got.push((f as { message: { i: number } }).message.i);
    busy(READ_SLICE_MS / 3);
  });
  let timerRanAfter = -1;
  setImmediate(() => (timerRanAfter = got.length)); // queued before the burst: it runs between two slices
  conn.receive(burst(30));
  expect(got.length).toBeGreaterThan(0);
  expect(got.length).toBeLessThan(30); // not all in one go
  expect(calls).toEqual(['pause']);
  while (got.length < 30) await new Promise((r) => setImmediate(r));
  expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i));
  // The slice that handled the last frame may itself have spent the budget and paused: its resume comes a turn later.
  for (let turn = 0; turn < 3; turn++) await new Promise((r) => setImmediate(r));
  expect(timerRanAfter).toBeGreaterThan(0);
  expect(timerRanAfter).toBeLessThan(30);
  expect(calls.filter((c) => c === 'resume').length).toBe(calls.filter((c) => c === 'pause').length);
});

it('delivers fast frames in one go, without pausing', () => {
  const { pipe, calls } = recordingPipe();
  // A slice of a second: 1000 tiny frames take far less, even cold; with the default 10 ms they took more on a machine at load 15-30 (and paused).
  const conn = new FramedConnection(pipe, 'test', {}, 1000);
  const got: number[] = [];
  conn.onFrame((f) => got.push((f as { message: { i: number } }).message.i));
  conn.receive(burst(1000));
  expect(got.length).toBe(1000);
  expect(calls).toEqual([]);
});

it('hands every frame that came before the pipe ended to the handler before it closes, even in the middle of a yield', async () => {
  const { pipe } = recordingPipe();
  const conn = new FramedConnection(pipe, 'test');
  const got: number[] = [];
  let closedAt = -1;
  void conn.closed.then(() => (closedAt = got.length));
  conn.onFrame((f) => {
    got.push((f as { message: { i: number } }).message.i);
    busy(READ_SLICE_MS / 2);
  });
  conn.receive(burst(10));
  expect(got.length).toBeLessThan(10);
  conn.ended();
  expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i));
  await conn.closed;
  expect(closedAt).toBe(10);
});

it('keeps frames that arrive while it yields, and hands them over after the earlier ones', async () => {
  const { pipe } = recordingPipe();
  const conn = new FramedConnection(pipe, 'test');
  const got: number[] = [];
  conn.onFrame((f) => {
    got.push((f as { message: { i: number } }).message.i);
    busy(READ_SLICE_MS / 2);
  });
  conn.receive(burst(6));
  const first = got.length;
  expect(first).toBeLessThan(6);
  conn.receive(burst(3)); // bytes read before the pause took effect
  expect(got.length).toBe(first);
  while (got.length < 9) await new Promise((r) => setImmediate(r));
  expect(got).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2]);
});
