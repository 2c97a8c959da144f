/**
 * The chaos tests' latency proxy on 127.0.0.1: bytes arrive whole and in order through it, none
 * earlier than its delay, a delay changed mid-stream never reorders them, and resetAll() closes
 * the connections through it while it keeps accepting new ones.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { DelayProxy } from './delay-proxy.js';

let server: Server | undefined;
let proxy: DelayProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = proxy = undefined;
});

/** An echo server on 127.0.0.1; resolves with its port. */
async function echo(): Promise<number> {
  server = createServer((s) => {
    s.on('error', () => {}); // reset by the proxy: expected here
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as { port: number }).port;
}

function dial(address: string): Promise<Socket> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const s = connect({ host, port: Number(port) }, () => {
      s.off('error', reject);
      s.on('error', () => {}); // reset by the proxy: expected here; 'close' follows
      resolve(s);
    });
    s.once('error', reject);
  });
}

it('forwards every byte in order, none earlier than the delay, also when the delay drops mid-stream', async () => {
  proxy = await DelayProxy.start('127.0.0.1', { host: '127.0.0.1', port: await echo() });
  proxy.delayMs = 150;
  const s = await dial(proxy.address);
  const want = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
  const got: Buffer[] = [];
  let gotBytes = 0;
  let firstAt = 0;
  const done = new Promise<void>((resolve) =>
    s.on('data', (d: Buffer) => {
      if (firstAt === 0) firstAt = Date.now();
      got.push(d);
      gotBytes += d.length;
      if (gotBytes >= want.length) resolve();
    }),
  );
  const sentAt = Date.now();
  s.write(want.subarray(0, 100_000));
  while (proxy.heldBytes === 0) await new Promise((r) => setTimeout(r, 1));
  proxy.delayMs = 0; // later chunks are due at once, but must not overtake the held ones
  s.write(want.subarray(100_000));
  await done;
  // The first chunk was held 150 ms on its way out (the way back had no delay by then).
  expect(firstAt - sentAt).toBeGreaterThanOrEqual(150);
  expect(Buffer.concat(got).equals(want)).toBe(true);
  s.destroy();
});

it('resetAll() closes the open connections; new ones still go through', async () => {
  proxy = await DelayProxy.start('127.0.0.1', { host: '127.0.0.1', port: await echo() });
  const s = await dial(proxy.address);
  const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
  await new Promise<void>((resolve) => {
    s.once('data', () => resolve());
    s.write('x');
  });
  expect(proxy.connections).toBe(1);
  proxy.resetAll();
  await closed;
  const again = await dial(proxy.address);
  const reply = await new Promise<string>((resolve) => {
    again.once('data', (d: Buffer) => resolve(d.toString()));
    again.write('ping');
  });
  expect(reply).toBe('ping');
  again.destroy();
});
