/**
 * A real cluster under faults: a worker killed with SIGKILL in the middle of a computation
 * (the answer is still right), clients and workers without the token (refused), malformed and
 * oversized frames sent to the scheduler's port (it keeps serving), and a scheduler killed
 * under a waiting client (a typed error within seconds, never a hang).
 */
import { spawn } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ConnectionError } from '../../src/comm/errors.js';
import { parseAddress } from '../../src/protocol/address.js';
import { startCluster, type Running } from './cluster-support.js';

let run: Running | undefined;
afterEach(async () => {
  await run?.stop();
  run = undefined;
});

it('kill -9 of a worker mid-compute: its tasks run again elsewhere and the answer is right', async () => {
  run = await startCluster({ nWorkers: 3 });
  const c = run.client;
  const fs = c.map(
    (x: number) => {
      const end = Date.now() + 60;
      while (Date.now() < end);
      return x * 2;
    },
    Array.from({ length: 60 }, (_, i) => i),
  );
  const total = c.submit((...xs: number[]) => xs.reduce((s, x) => s + x, 0), ...fs);
  // Some results are in memory on the victim (and lost with it), some tasks are running there.
  await fs[10]!.result();
  void run.cluster.killWorker(0, 'SIGKILL');
  let want = 0;
  for (let i = 0; i < 60; i++) want += 2 * i;
  expect(await total.result()).toBe(want);
  expect(await c.gather(fs)).toEqual(Array.from({ length: 60 }, (_, i) => 2 * i));
});

it('a worker that stops answering (SIGSTOP: its connection stays open) is dropped by heartbeat, and the answer is right', async () => {
  run = await startCluster({ nWorkers: 2, heartbeatTimeoutMs: 5000 });
  const c = run.client;
  const fs = c.map(
    (x: number) => {
      const end = Date.now() + 50;
      while (Date.now() < end);
      return x + 1000;
    },
    Array.from({ length: 40 }, (_, i) => i),
  );
  await fs[3]!.result();
  const frozen = run.cluster.workers[0]!.pid;
  process.kill(frozen, 'SIGSTOP');
  try {
    expect(await c.gather(fs)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1000));
  } finally {
    process.kill(frozen, 'SIGCONT');
  }
});

it('a client or a worker without the right token is refused; the cluster keeps working', async () => {
  run = await startCluster({ nWorkers: 1 });
  const wrong = new Client(run.cluster.address, { token: 'not-the-token' });
  await expect(wrong.ready()).rejects.toBeInstanceOf(ConnectionError);
  await expect(wrong.ready()).rejects.toMatchObject({ code: 'TSDASK_CONN_REFUSED' });
  await wrong.close();
  const worker = spawn(process.execPath, [fileURLToPath(new URL('../../dist/bin/worker.js', import.meta.url)), run.cluster.address], {
    env: { ...process.env, TSDASK_TOKEN: 'not-the-token' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  worker.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => worker.once('exit', (c) => resolve(c)));
  expect(code).not.toBe(0);
  expect(stderr).toMatch(/refused/i);
  expect(await run.client.submit((x: number) => x + 1, 1).result()).toBe(2);
});

it('garbage, an oversized frame header and a wrong-shape message do not bring the scheduler down', async () => {
  run = await startCluster({ nWorkers: 1 });
  const { host, port } = parseAddress(run.cluster.address);
  const sendRaw = (bytes: Uint8Array): Promise<void> =>
    new Promise((resolve) => {
      const s = netConnect({ host, port }, () => s.write(bytes));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.resume();
    });
  await sendRaw(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  const huge = new Uint8Array(16);
  huge.set(new TextEncoder().encode('TSDK'), 0);
  huge[4] = 1;
  huge[5] = 1;
  new DataView(huge.buffer).setUint32(12, 0xffff, true); // a 2^48-byte control frame
  await sendRaw(huge);
  await sendRaw(new Uint8Array(1 << 20).fill(0x41));
  expect(await run.client.submit((x: number) => x * 3, 5).result()).toBe(15);
});

it('a client whose scheduler is killed gets a typed error within seconds', async () => {
  run = await startCluster({ nWorkers: 1 });
  const c = run.client;
  const slow = c.submit((x: number) => {
    const end = Date.now() + 30_000;
    while (Date.now() < end);
    return x;
  }, 1);
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  void run.cluster.killScheduler('SIGKILL');
  const err = await slow.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  expect((err as { code?: string }).code).toMatch(/^TSDASK_/);
  expect(Date.now() - t0).toBeLessThan(10_000);
  await expect(c.submit((x: number) => x, 2).result()).rejects.toMatchObject({ code: (err as { code: string }).code });
});
