import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/comm/connection.js';
import { ConnectionError, FrameError, MessageShapeError } from '../../src/comm/errors.js';
import { encodeBodyFrame, encodeControlFrame, FrameDecoder, HEADER_BYTES, type Frame } from '../../src/comm/frames.js';
import type { RefusedInfo } from '../../src/comm/handshake.js';
import { PROTOCOL_VERSION, type HelloMessage } from '../../src/comm/messages.js';
import { connect, listen, type Listener } from '../../src/comm/tcp.js';

const TOKEN = 'a'.repeat(64);
let server: Listener | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that echoes every frame back and records handshakes and refusals. */
async function echoServer(handshakeTimeoutMs = 10_000) {
  const accepted: HelloMessage[] = [];
  const refused: RefusedInfo[] = [];
  server = await listen({
    token: TOKEN,
    handshakeTimeoutMs,
    onRefused: (info) => refused.push(info),
    onConnection: (conn, hello) => {
      accepted.push(hello);
      conn.onFrame((f) => (f.kind === 'control' ? conn.send(f.message) : conn.sendBody(f.bytes)));
    },
  });
  return { accepted, refused, port: server.address.port };
}

/** Collects the next n frames a connection receives. */
const nextFrames = (conn: Connection, n: number): Promise<Frame[]> =>
  new Promise((resolve) => {
    const got: Frame[] = [];
    conn.onFrame((f) => {
      got.push(f);
      if (got.length === n) resolve(got);
    });
  });

/** Opens a raw socket, writes bytes, and resolves with everything received until the server closes it. */
const rawExchange = (port: number, bytes: Uint8Array | null): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s: Socket = netConnect({ host: '127.0.0.1', port }, () => {
      if (bytes) s.write(bytes);
    });
    s.on('data', (c) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks)));
  });

const helloFrame = (token: string, version = PROTOCOL_VERSION) => encodeControlFrame({ type: 'hello', version, role: 'worker', token });

describe('tcp transport', () => {
  it('round-trips control messages and an 8 MiB body over 127.0.0.1', async () => {
    const { accepted, port } = await echoServer();
    const conn = await connect({ port, token: TOKEN, role: 'client' });
    expect(accepted).toEqual([{ type: 'hello', version: PROTOCOL_VERSION, role: 'client', token: TOKEN }]);
    const n = (8 * 1024 * 1024) / 8;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = i * 1.25 - 7;
    const replies = nextFrames(conn, 52);
    for (let i = 0; i < 50; i++) conn.send({ type: 'msg', i, s: 'x'.repeat(i) });
    conn.sendBody(new Uint8Array(values.buffer));
    conn.send({ type: 'after-body' });
    const got = await replies;
    for (let i = 0; i < 50; i++) expect(got[i]).toEqual({ kind: 'control', message: { type: 'msg', i, s: 'x'.repeat(i) } });
    const body = got[50]!;
    if (body.kind !== 'body') throw new Error('expected a body frame');
    expect(body.bytes.byteLength).toBe(8 * 1024 * 1024);
    expect(body.bytes.byteOffset % 8).toBe(0);
    const view = new Float64Array(body.bytes.buffer, body.bytes.byteOffset, n);
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (view[i] !== i * 1.25 - 7) mismatches++;
    expect(mismatches).toBe(0);
    expect(got[51]).toEqual({ kind: 'control', message: { type: 'after-body' } });
    conn.close();
    expect(await conn.closed).toBeUndefined();
  });

  it('refuses a wrong token (reported to onRefused) and welcomes the right one', async () => {
    const { accepted, refused, port } = await echoServer();
    const err = await connect({ port, token: 'not-the-token-123', role: 'worker' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('TSDASK_CONN_REFUSED');
    expect((err as Error).message).toMatch(/wrong token/);
    expect(refused.length).toBe(1);
    expect(refused[0]!.reason).toMatch(/wrong token/);
    expect(JSON.stringify(refused)).not.toContain('not-the-token-123'); // the log never shows a token
    const ok = await connect({ port, token: TOKEN, role: 'peer' });
    expect(accepted.map((h) => h.role)).toEqual(['peer']);
    ok.close();
  });

  it('refuses a hello of another protocol version, saying which versions', async () => {
    const { accepted, refused, port } = await echoServer();
    const answer = await rawExchange(port, helloFrame(TOKEN, PROTOCOL_VERSION - 1));
    expect(answer.toString('latin1')).toContain(`protocol version ${PROTOCOL_VERSION - 1} is not supported`);
    expect(refused.length).toBe(1);
    expect(refused[0]!.reason).toMatch(`this server speaks ${PROTOCOL_VERSION}`);
    expect(accepted).toEqual([]);
  });

  it('refuses malformed frames and bad hellos, and keeps serving other connections', async () => {
    const { refused, port } = await echoServer();
    const badMagic = Uint8Array.from({ length: 32 }, (_, i) => i);
    const huge = helloFrame(TOKEN).slice(0, HEADER_BYTES);
    new DataView(huge.buffer).setUint32(12, 1, true); // length >= 4 GiB, over the control limit
    const garbage = new Uint8Array(HEADER_BYTES + 8);
    garbage.set(helloFrame(TOKEN).subarray(0, 6));
    garbage[8] = 3; // a control frame of 3 bytes ...
    garbage.set([0xc1, 0xc1, 0xc1], HEADER_BYTES); // ... that are not msgpack
    const wrongShape = encodeControlFrame({ type: 'hello', version: PROTOCOL_VERSION, role: 'root', token: TOKEN });
    const cases: [Uint8Array, new (...a: never[]) => Error, string][] = [
      [badMagic, FrameError, 'TSDASK_FRAME_BAD_MAGIC'],
      [huge, FrameError, 'TSDASK_FRAME_TOO_LARGE'],
      [garbage, FrameError, 'TSDASK_FRAME_BAD_PAYLOAD'],
      [wrongShape, MessageShapeError, 'TSDASK_MESSAGE_SHAPE'],
    ];
    for (const [bytes, cls, code] of cases) {
      const before = refused.length;
      await rawExchange(port, bytes); // resolves only once the server has closed the socket
      expect(refused.length, code).toBe(before + 1);
      expect(refused[before]!.error).toBeInstanceOf(cls);
      expect((refused[before]!.error as Error & { code: string }).code).toBe(code);
    }
    // The shape error was answered with a 'refused' message before the close.
    const answer = await rawExchange(port, wrongShape);
    expect(answer.subarray(0, 4).toString('latin1')).toBe('TSDK');
    expect(answer.toString('latin1')).toContain('refused');
    // And a good client is still served.
    const conn = await connect({ port, token: TOKEN, role: 'client' });
    const reply = nextFrames(conn, 1);
    conn.send({ still: 'here' });
    expect(await reply).toEqual([{ kind: 'control', message: { still: 'here' } }]);
    conn.close();
  });

  it('before the hello, a stranger cannot make the server buffer a large frame or send a body', async () => {
    const { refused, port } = await echoServer();
    const bigControl = helloFrame(TOKEN).slice(0, HEADER_BYTES);
    new DataView(bigControl.buffer).setUint32(8, 1024 * 1024, true); // 1 MiB: under the 16 MiB default, over the handshake's limit
    const body = encodeBodyFrame(Uint8Array.of(1, 2, 3))[0]!;
    for (const bytes of [bigControl, body]) await rawExchange(port, bytes);
    expect(refused.map((r) => (r.error as FrameError).code)).toEqual(['TSDASK_FRAME_TOO_LARGE', 'TSDASK_FRAME_TOO_LARGE']);
    // After the handshake the configured limits apply: a 1 MiB control message is fine.
    const conn = await connect({ port, token: TOKEN, role: 'client' });
    const reply = nextFrames(conn, 1);
    conn.send({ big: 'y'.repeat(1024 * 1024) });
    expect(await reply).toEqual([{ kind: 'control', message: { big: 'y'.repeat(1024 * 1024) } }]);
    conn.close();
  });

  it('connect to a port where nothing listens fails with ConnectionError TSDASK_CONN_FAILED', async () => {
    const { port } = await echoServer();
    await server!.close();
    server = undefined;
    const err = await connect({ port, token: TOKEN, role: 'client' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('TSDASK_CONN_FAILED');
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  });

  it('drops a connection that sends nothing within the handshake timeout', async () => {
    const { refused, accepted, port } = await echoServer(100);
    const received = await rawExchange(port, null); // resolves when the server closes it
    const frames = new FrameDecoder().push(received);
    expect(frames.length).toBe(1);
    expect(frames[0]!.kind === 'control' && frames[0]!.message).toMatchObject({
      type: 'refused',
      reason: expect.stringMatching(/handshake timeout/) as unknown,
    });
    expect(accepted).toEqual([]);
    expect(refused.length).toBe(1);
    expect((refused[0]!.error as ConnectionError).code).toBe('TSDASK_CONN_HANDSHAKE_TIMEOUT');
  });
});
