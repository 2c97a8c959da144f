import { describe, expect, it } from 'vitest';
import { FrameError } from '../../src/comm/errors.js';
import { ControlBatch, encodeBodyFrame, encodeControlFrame, FrameDecoder, HEADER_BYTES, type Frame } from '../../src/comm/frames.js';

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

/** A header written by hand (not by the encoder), to feed the decoder what a broken peer might send. */
const header = (magic: number[], version: number, kind: number, length: number): Uint8Array => {
  const h = new Uint8Array(HEADER_BYTES);
  h.set(magic, 0);
  h[4] = version;
  h[5] = kind;
  new DataView(h.buffer).setUint32(8, length % 2 ** 32, true);
  new DataView(h.buffer).setUint32(12, Math.floor(length / 2 ** 32), true);
  return h;
};
const TSDK = [0x54, 0x53, 0x44, 0x4b];

describe('frames', () => {
  const messages = [{ type: 'hello', n: 1 }, 'a string', 42, [1, 2, { deep: [true, null] }], { type: 'x', s: 'é€😀'.repeat(100) }];
  const values = Float64Array.from({ length: 1001 }, (_, i) => i * 0.5 - 3);
  const body = new Uint8Array(values.buffer);
  const odd = Uint8Array.from({ length: 13 }, (_, i) => i * 7);

  const stream = concat([
    ...messages.map((m) => encodeControlFrame(m)),
    ...encodeBodyFrame(body),
    ...encodeBodyFrame(odd),
    encodeControlFrame({ end: true }),
    ...encodeBodyFrame(new Uint8Array(0)),
  ]);
  const expected = (frames: Frame[]): void => {
    expect(frames.length).toBe(messages.length + 4);
    messages.forEach((m, i) => expect(frames[i]).toEqual({ kind: 'control', message: m }));
    const b = frames[messages.length]!;
    expect(b.kind).toBe('body');
    if (b.kind !== 'body') return;
    // 8-byte aligned: viewable as Float64Array without a copy, with the values sent.
    expect(b.bytes.byteOffset % 8).toBe(0);
    const view = new Float64Array(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength / 8);
    expect(view.buffer).toBe(b.bytes.buffer);
    for (let i = 0; i < values.length; i++) expect(view[i]).toBe(i * 0.5 - 3);
    expect(frames[messages.length + 1]).toEqual({ kind: 'body', bytes: odd });
    expect(frames[messages.length + 2]).toEqual({ kind: 'control', message: { end: true } });
    expect(frames[messages.length + 3]).toEqual({ kind: 'body', bytes: new Uint8Array(0) });
  };

  it('every frame starts 8-byte aligned in the stream', () => {
    for (const m of messages) expect(encodeControlFrame(m).length % 8).toBe(0);
    expect(concat(encodeBodyFrame(odd)).length).toBe(16 + 16);
  });

  it('decodes a whole stream given in one chunk', () => {
    expected(new FrameDecoder().push(stream));
  });

  it('decodes the same stream fed 1 byte at a time', () => {
    const d = new FrameDecoder();
    const frames: Frame[] = [];
    for (let i = 0; i < stream.length; i++) frames.push(...d.push(stream.subarray(i, i + 1)));
    expected(frames);
  });

  it('decodes the stream cut into uneven chunks', () => {
    const d = new FrameDecoder();
    const frames: Frame[] = [];
    for (let at = 0, step = 1; at < stream.length; at += step, step = (step * 3 + 1) % 97) frames.push(...d.push(stream.subarray(at, at + step)));
    expected(frames);
  });

  const fails = (bytes: Uint8Array, code: string, offset: number, limits = {}): FrameError => {
    const d = new FrameDecoder(limits);
    let err: unknown;
    try {
      d.push(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FrameError);
    const fe = err as FrameError;
    expect(fe.name).toBe('FrameError');
    expect(fe.code).toBe(code);
    expect(fe.offset).toBe(offset);
    // A dead decoder keeps refusing: nothing after a bad frame is trusted.
    expect(() => d.push(encodeControlFrame('ok'))).toThrow(FrameError);
    return fe;
  };
  const good = encodeControlFrame({ type: 'ok' });

  it('refuses a bad magic, version or kind with the byte offset of the bad header', () => {
    fails(concat([good, header([1, 2, 3, 4], 1, 1, 0)]), 'TSDASK_FRAME_BAD_MAGIC', good.length);
    fails(header(TSDK, 9, 1, 0), 'TSDASK_FRAME_BAD_VERSION', 0);
    expect(fails(concat([good, good, header(TSDK, 1, 7, 0)]), 'TSDASK_FRAME_BAD_KIND', 2 * good.length).message).toMatch(/kind 7/);
  });

  it('refuses an over-limit length from the header alone, before any payload arrives', () => {
    fails(header(TSDK, 1, 2, 2 ** 40), 'TSDASK_FRAME_TOO_LARGE', 0);
    fails(header(TSDK, 1, 1, 16 * 1024 * 1024 + 1), 'TSDASK_FRAME_TOO_LARGE', 0);
    fails(header(TSDK, 1, 2, 1025), 'TSDASK_FRAME_TOO_LARGE', 0, { maxBodyBytes: 1024 });
    // At the limit it is accepted (and waits for the payload).
    expect(new FrameDecoder({ maxBodyBytes: 1024 }).push(header(TSDK, 1, 2, 1024))).toEqual([]);
  });

  it('refuses a control payload that is not one msgpack value', () => {
    const garbage = Uint8Array.from([0xc1, 0xff, 0x00]);
    const e = fails(concat([header(TSDK, 1, 1, 3), garbage, new Uint8Array(5)]), 'TSDASK_FRAME_BAD_PAYLOAD', 0);
    expect(e.cause).toBeInstanceOf(Error);
  });
});

describe('ControlBatch', () => {
  it('holds the same bytes as the frames encoded one by one, grows past its buffer, and leaves taken chunks alone', () => {
    const batch = new ControlBatch(64);
    const first = [{ type: 'a', n: 1 }, 'x'.repeat(300), [1, 2, 3], { type: 'task-done', key: 'k-1', nbytes: 8 }];
    for (const m of first) batch.append(m);
    const one = batch.take();
    expect(one).toEqual(concat(first.map((m) => encodeControlFrame(m))));
    expect(one.byteLength % 8).toBe(0);
    const copy = one.slice();
    const second = Array.from({ length: 500 }, (_, i) => ({ type: 'task-finished', key: `key-${i}`, nbytes: i }));
    for (const m of second) batch.append(m);
    expect(batch.size).toBeGreaterThan(0);
    const two = batch.take();
    expect(batch.size).toBe(0);
    expect(one).toEqual(copy); // the first chunk was not written over
    const frames = new FrameDecoder().push(two);
    expect(frames.map((f) => (f.kind === 'control' ? f.message : f))).toEqual(second);
  });
});
