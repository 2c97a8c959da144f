/**
 * What a SchedulerServer does with strangers and bad peers: a wrong token is refused (and
 * logged); a garbage byte stream, an oversized frame header, a wrong-shape message, a worker
 * that does not register first and a peer-role connection each get their own connection
 * closed, while a client already connected to the same server keeps working.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ConnectionError, type Connection, type SchedulerServer } from '@tsdask/scheduler-distributed';
import { encodeControlFrame } from '../../src/comm/frames.js';
import { PROTOCOL_VERSION } from '../../src/comm/messages.js';
import { Cleanup, fakeClient, graphMsg, Mailbox, startServer, TOKEN } from './server-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Header of a frame (magic TSDK, version 1, kind, payload length). */
function header(kind: number, length: number): Uint8Array {
  const h = new Uint8Array(16);
  h.set([0x54, 0x53, 0x44, 0x4b, 1, kind]);
  const v = new DataView(h.buffer);
  v.setUint32(8, length % 2 ** 32, true);
  v.setUint32(12, Math.floor(length / 2 ** 32), true);
  return h;
}

/** Opens a raw socket, writes `bytes` and resolves once the server has closed it. */
const rawUntilClosed = (server: SchedulerServer, write: (s: Socket) => void): Promise<void> =>
  new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port: server.address.port }, () => write(s));
    cleanup.add(() => s.destroy());
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });

/** The server still answers `client` (a who-has round trip). */
async function stillServes(client: Connection, box: Mailbox, id: number): Promise<void> {
  client.send({ type: 'who-has', id, keys: ['k'] });
  expect((await box.msg('who-has-reply', { by: 'C' })).msg).toEqual({ type: 'who-has-reply', id, whoHas: { k: [] } });
}

describe('SchedulerServer guards', () => {
  it('refuses a wrong token and logs it', async () => {
    const refused: string[] = [];
    const { server, logs } = await startServer(cleanup, { onRefused: (i) => refused.push(i.reason) });
    const err = await connect({ port: server.address.port, token: 'wrong', role: 'client' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('TSDASK_CONN_REFUSED');
    expect(refused).toHaveLength(1);
    expect(logs.some((l) => l.includes('refused a connection'))).toBe(true);
    expect(server.clientCount).toBe(0);
  });

  it('closes a garbage stream, an oversized frame and a wrong-shape message, each on its own connection', async () => {
    const { server, logs } = await startServer(cleanup);
    const box = new Mailbox();
    const client = await fakeClient(server, box, 'C', cleanup);
    await rawUntilClosed(server, (s) => s.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')));
    await stillServes(client, box, 1);
    // A client that passed the handshake, then announces a 2^40-byte body.
    await rawUntilClosed(server, (s) => {
      s.write(encodeControlFrame({ type: 'hello', version: PROTOCOL_VERSION, role: 'client', token: TOKEN }));
      s.once('data', () => s.write(header(2, 2 ** 40))); // after the welcome
    });
    await stillServes(client, box, 2);
    const shape = await connect({ port: server.address.port, token: TOKEN, role: 'client' });
    cleanup.add(() => shape.close());
    shape.send({ type: 'update-graph', id: 'one' });
    await shape.closed;
    await stillServes(client, box, 3);
    expect(logs.some((l) => l.includes("'update-graph' message's field 'id' must be number"))).toBe(true);
    expect(server.clientCount).toBe(1);
  });

  it('closes a worker whose first message is not register-worker, and a peer-role connection', async () => {
    const { server, logs } = await startServer(cleanup);
    const box = new Mailbox();
    const client = await fakeClient(server, box, 'C', cleanup);
    const w = await connect({ port: server.address.port, token: TOKEN, role: 'worker' });
    cleanup.add(() => w.close());
    w.send({ type: 'heartbeat', memory: 0, executing: 0, ready: 0 });
    await w.closed;
    const p = await connect({ port: server.address.port, token: TOKEN, role: 'peer' });
    cleanup.add(() => p.close());
    await p.closed;
    expect(server.workers).toEqual([]);
    expect(logs.some((l) => l.includes('must send register-worker first'))).toBe(true);
    await stillServes(client, box, 4);
    client.send(graphMsg(5, { a: [] }, ['a']));
    await box.msg('graph-accepted', { by: 'C' });
  });
});
