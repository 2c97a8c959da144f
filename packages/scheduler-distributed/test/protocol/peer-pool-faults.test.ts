// PeerPool under the faults the chaos suite found (integration/chaos.test.ts):
// - a data connection reset by the network (ECONNRESET) rejects the fetch with a ConnectionError, the
//   error the client's gather retries on, not the socket's raw Error (which failed the compute);
// - a fetch whose own process stalls (its event loop blocked, or the process stopped) past the idle
//   timeout, while the worker's answer waits unread in the socket, gets that answer: the idle timer,
//   which runs before sockets are read, must not drop a worker for the fetcher's own stall (the same
//   class as the scheduler's heartbeat sweep after a stall, integration/scheduler-stall.test.ts).
import { afterEach, expect, it } from 'vitest';
import { ConnectionError } from '../../src/comm/errors.js';
import { connect, listen, type Listener } from '../../src/comm/tcp.js';
import { DelayProxy } from '../integration/chaos/delay-proxy.js';
import { parseAddress } from '../../src/protocol/address.js';
import type { DataMsg } from '../../src/protocol/messages.js';
import { PeerPool } from '../../src/protocol/peer-pool.js';

const TOKEN = 'peer-pool-stall-token-'.padEnd(64, 'x');
let listener: Listener | undefined;
let pool: PeerPool | undefined;
let proxy: DelayProxy | undefined;
afterEach(async () => {
  pool?.close();
  await proxy?.close();
  await listener?.close();
  pool = listener = proxy = undefined;
});

it('a data connection reset while an answer is awaited rejects with a ConnectionError whose cause is the reset', async () => {
  let asked!: () => void;
  const gotAsk = new Promise<void>((resolve) => (asked = resolve));
  // A data port that never answers; the fetch goes through a proxy that then resets the connection.
  listener = await listen({ host: '127.0.0.1', port: 0, token: TOKEN, onConnection: (conn) => conn.onFrame(() => asked()) });
  proxy = await DelayProxy.start('127.0.0.1', { host: '127.0.0.1', port: listener.address.port });
  pool = new PeerPool(async (a) => connect({ ...parseAddress(a), token: TOKEN, role: 'peer' }));
  const fetching = pool.getData(proxy.address, ['k']);
  await gotAsk;
  proxy.resetAll();
  const err = await fetching.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectionError);
  expect(err).toMatchObject({ code: 'TSDASK_CONN_CLOSED', cause: { code: 'ECONNRESET' } });
  expect((err as Error).message).toMatch(/closed the data connection before answering \(read ECONNRESET\)/);
});

it('an answer that came in while this process was blocked past the idle timeout is read, not dropped', async () => {
  const idleMs = 300;
  // A data port that answers get-data at once, then blocks this process (as a stall of the
  // fetcher: both run here) well past the idle timeout (and past the second by which a late timer
  // shows a stall) once its answer is on the wire.
  listener = await listen({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    onConnection: (conn) =>
      conn.onFrame((f) => {
        const msg = f.kind === 'control' ? (f.message as { type: string; id: number; keys: string[] }) : undefined;
        if (msg?.type !== 'get-data') return;
        conn.send({ type: 'data', id: msg.id, found: [{ key: msg.keys[0]!, nbytes: 8, json: '42' }], missing: [] } satisfies DataMsg);
        setImmediate(() => {
          const end = Date.now() + idleMs + 1800;
          while (Date.now() < end);
        });
      }),
  });
  const address = `127.0.0.1:${listener.address.port}`;
  pool = new PeerPool(async (a) => connect({ ...parseAddress(a), token: TOKEN, role: 'peer' }), idleMs);
  const got = await pool.getData(address, ['k']);
  expect(got.values.get('k')).toBe(42);
});
