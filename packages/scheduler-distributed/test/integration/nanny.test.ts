/**
 * Workers under nannies, on real processes (LocalCluster on the built bins): a SIGKILLed worker is
 * started again and the cluster keeps giving right answers; a task that leaks memory gets its
 * worker killed past 95% of --memory-limit and restarted, until the compute fails with a
 * KilledWorkerError that says memory; a task that calls process.exit(3) fails with one that says
 * exit code 3 and shows the worker's last log line; without nannies, KilledWorkerError works as
 * before; a worker whose nanny is SIGKILLed exits; a nanny whose parent is SIGKILLed exits, and
 * its worker with it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { LocalCluster, type LocalClusterOptions } from '../../src/cluster/local-cluster.js';
import { KilledWorkerError } from '../../src/scheduler/state/errors.js';
import { gone, isAlive, orphansAfterParentKill } from '../cluster/stand-ins.js';

const built = existsSync(fileURLToPath(new URL('../../dist/bin/worker.js', import.meta.url)));
if (!built) console.log('nanny.test: skipped, the bins are not built (npm run build)');

let cluster: LocalCluster | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await cluster?.close();
  client = cluster = undefined;
});

async function start(opts: LocalClusterOptions): Promise<{ cluster: LocalCluster; client: Client }> {
  cluster = await LocalCluster.start(opts);
  client = cluster.client();
  await client.ready();
  return { cluster, client };
}

/** What a rejected promise rejected with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error('expected a rejection'),
    (err: unknown) => err,
  );
}

/** Waits (at most ~20 s) until worker `i` runs a process other than `pid` that is alive; returns its pid. */
async function restarted(c: LocalCluster, i: number, pid: number): Promise<number> {
  for (let n = 0; n < 400; n++) {
    const now = c.workers[i]!.pid;
    if (now !== pid && isAlive(now) && c.workers[i]!.address !== '') return now;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`worker ${i} was not restarted: ${JSON.stringify(c.workers[i])}`);
}

describe.skipIf(!built)('workers under nannies', () => {
  it('restarts a SIGKILLed worker; the cluster keeps computing the right answer, and close() leaves no process behind', async () => {
    const { cluster, client } = await start({ nWorkers: 2 });
    const [w0, w1] = cluster.workers;
    expect(w0!.nannyPid).toBeDefined();
    expect(w0!.pid).not.toBe(w0!.nannyPid);
    const fs = client.map(
      (x: number) => {
        const end = Date.now() + 40;
        while (Date.now() < end);
        return x * 3;
      },
      Array.from({ length: 40 }, (_, i) => i),
    );
    await fs[5]!.result();
    const exit = await cluster.killWorker(0, 'SIGKILL');
    expect(exit).toMatchObject({ name: 'worker-0', pid: w0!.pid, code: null, signal: 'SIGKILL' });
    expect(await client.gather(fs)).toEqual(Array.from({ length: 40 }, (_, i) => 3 * i));
    const pid = await restarted(cluster, 0, w0!.pid);
    expect(cluster.workerPids()).toEqual([pid, w1!.pid]); // the worker processes, the restarted one's new pid first
    expect(cluster.workers[0]!.nannyPid).toBe(w0!.nannyPid);
    expect(isAlive(w0!.nannyPid!)).toBe(true);
    let want = 0;
    for (let i = 0; i < 30; i++) want += i * i;
    const squares = client.map(
      (x: number) => x * x,
      Array.from({ length: 30 }, (_, i) => i),
    );
    expect(await client.submit((...xs: number[]) => xs.reduce((s, x) => s + x, 0), ...squares).result()).toBe(want);
    const pids = [pid, w0!.nannyPid!, w1!.pid, w1!.nannyPid!];
    await client.close();
    await cluster.close();
    expect(cluster.exits().map((e) => [e.name, e.code])).toEqual([
      ['scheduler', 0],
      ['worker-0', 0],
      ['worker-1', 0],
    ]);
    for (const p of pids) expect(await gone(p)).toBe(true);
  });

  it('a task that leaks memory gets its worker killed and restarted, and fails with a KilledWorkerError that says memory', async () => {
    const { cluster, client } = await start({ nWorkers: 1, memoryLimit: '300MB', allowedFailures: 1 });
    const first = cluster.workers[0]!;
    const leak = client.submit(() => {
      const held: Uint8Array[] = [];
      for (;;) {
        held.push(new Uint8Array(8 * 2 ** 20).fill(1)); // touched, so it is resident
        const end = Date.now() + 20;
        while (Date.now() < end);
      }
    });
    const err = await rejection(leak.result());
    expect(err).toBeInstanceOf(KilledWorkerError);
    const killed = err as KilledWorkerError;
    expect(killed.workers).toHaveLength(2); // allowedFailures 1: the second death fails it
    for (const how of killed.how) expect(how).toMatch(/^killed by its nanny for memory: memory use (9[5-9]|1\d\d)% of its 300 MB limit/);
    expect(killed.message).toMatch(/for memory/);
    const now = await restarted(cluster, 0, first.pid);
    expect(now).not.toBe(first.pid);
    expect(await client.submit((x: number) => x + 1, 41).result()).toBe(42);
  });

  it('a task that calls process.exit(3) fails with a KilledWorkerError that says exit code 3 and shows its last log line', async () => {
    const { client } = await start({ nWorkers: 1, allowedFailures: 1 });
    const exits = client.submit((x: number) => {
      process.stderr.write(`tsdask-test: exiting on purpose with ${x}\n`);
      process.exit(x);
    }, 3);
    const err = await rejection(exits.result());
    expect(err).toBeInstanceOf(KilledWorkerError);
    const killed = err as KilledWorkerError;
    expect(killed.how).toHaveLength(2);
    for (const how of killed.how) {
      expect(how).toMatch(/^exited with code 3/);
      expect(how).toContain('tsdask-test: exiting on purpose with 3');
    }
    expect(await client.submit((x: number) => x * 2, 21).result()).toBe(42);
  });

  it('without nannies (nanny: false), a task that kills its workers still fails with KilledWorkerError, as before', async () => {
    const { cluster, client } = await start({ nWorkers: 2, nanny: false, allowedFailures: 1 });
    expect(cluster.workers.map((w) => w.nannyPid)).toEqual([undefined, undefined]);
    const err = await rejection(client.submit(() => process.exit(3)).result());
    expect(err).toBeInstanceOf(KilledWorkerError);
    expect((err as KilledWorkerError).how).toEqual(['connection closed', 'connection closed']);
    // The scheduler may see a connection drop before this process sees its child's exit.
    for (let n = 0; n < 200 && cluster.exits().length < 2; n++) await new Promise((r) => setTimeout(r, 50));
    expect(
      cluster
        .exits()
        .map((e) => [e.name, e.code])
        .sort(),
    ).toEqual([
      ['worker-0', 3],
      ['worker-1', 3],
    ]);
  });

  it('a worker whose nanny is SIGKILLed exits too (no orphan)', async () => {
    const { cluster } = await start({ nWorkers: 1 });
    const { pid, nannyPid } = cluster.workers[0]!;
    process.kill(nannyPid!, 'SIGKILL');
    expect(await gone(pid)).toBe(true);
  });

  it('a nanny whose parent is SIGKILLed exits, and its worker with it', async () => {
    const { gone } = await orphansAfterParentKill('{ nWorkers: 1 }', '[c.workers[0].nannyPid, c.workers[0].pid]', 2);
    expect(gone).toEqual([true, true]);
  });
});
