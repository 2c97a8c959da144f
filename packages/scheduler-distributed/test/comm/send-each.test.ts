import { expect, it } from 'vitest';
import { FramedConnection, WRITE_SLICE_MS, type BytePipe } from '../../src/comm/connection.js';
import { FrameDecoder, type Frame } from '../../src/comm/frames.js';

/** A pipe that decodes what is written (each write completes in the next turn) and logs, in order, each write and what the sender pulled. */
function loggingPipe(log: string[]): { pipe: BytePipe; frames: Frame[] } {
  const decoder = new FrameDecoder();
  const frames: Frame[] = [];
  return {
    pipe: {
      write(chunks, done) {
        const got = chunks.flatMap((c) => decoder.push(c));
        frames.push(...got);
        log.push(`write ${got.length}`);
        setImmediate(() => done(null));
      },
      end: () => log.push('end'),
    },
    frames,
  };
}

const busy = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

/** `n` messages {i}, each taking a third of a write slice to produce, logged as pulled. */
function* slow(n: number, log: string[]): Generator<{ i: number }> {
  for (let i = 0; i < n; i++) {
    busy(WRITE_SLICE_MS / 3);
    log.push(`pull ${i}`);
    yield { i };
  }
}

const messages = (frames: Frame[]): unknown[] => frames.map((f) => (f.kind === 'control' ? f.message : { body: [...f.bytes] }));

it('sendEach takes a slice of messages per turn and writes each slice before taking the next; later sends go after the run, in order', async () => {
  const log: string[] = [];
  const { pipe, frames } = loggingPipe(log);
  const conn = new FramedConnection(pipe, 'test');
  conn.send({ first: true });
  conn.sendEach(slow(12, log));
  conn.send({ after: 1 });
  conn.sendBody(new Uint8Array([7, 8, 9]));
  conn.send({ after: 2 });
  // Not all of the run in the turn that sent it: about a slice's worth.
  const pulledAtOnce = log.filter((l) => l.startsWith('pull')).length;
  expect(pulledAtOnce).toBeGreaterThan(0);
  expect(pulledAtOnce).toBeLessThan(12);
  await conn.flushed();
  expect(messages(frames)).toEqual([{ first: true }, ...Array.from({ length: 12 }, (_, i) => ({ i })), { after: 1 }, { body: [7, 8, 9] }, { after: 2 }]);
  // The first write went out before the last message was pulled: encoding overlaps sending.
  const firstWrite = log.findIndex((l) => l.startsWith('write'));
  expect(firstWrite).toBeGreaterThan(0);
  expect(firstWrite).toBeLessThan(log.indexOf('pull 11'));
  expect(log.filter((l) => l.startsWith('write')).length).toBeGreaterThan(1);
});

it('flushed() waits for the whole run; close() during a run still writes all of it, then ends', async () => {
  const log: string[] = [];
  const { pipe, frames } = loggingPipe(log);
  const conn = new FramedConnection(pipe, 'test');
  conn.sendEach(slow(6, log));
  let flushed = false;
  void conn.flushed().then(() => (flushed = true));
  await new Promise((r) => setImmediate(r));
  expect(flushed).toBe(false);
  conn.close();
  await conn.closed;
  expect(messages(frames)).toEqual(Array.from({ length: 6 }, (_, i) => ({ i })));
  expect(log.at(-1)).toBe('end');
  expect(flushed).toBe(true);
});

it('an empty run sends nothing and still settles flushed()', async () => {
  const log: string[] = [];
  const { pipe, frames } = loggingPipe(log);
  const conn = new FramedConnection(pipe, 'test');
  conn.sendEach([]);
  await conn.flushed();
  conn.send({ x: 1 });
  await conn.flushed();
  expect(messages(frames)).toEqual([{ x: 1 }]);
});
