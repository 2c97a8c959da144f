/**
 * cluster.adapt() on a real LocalCluster: with 16 tasks of 400 ms queued on one worker and a
 * target of 0.5 s of work per worker, it scales up to its maximum of 3; once the work is done
 * (its 16 results still held) it retires idle workers down to its minimum of 1, and only after
 * their results were copied: the results gathered after the scale-down are the same values,
 * down to a random number each task drew when it ran (so none ran again), and equal a plain loop.
 * The retired worker processes are gone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalCluster } from '../../src/cluster/local-cluster.js';
import type { Client } from '../../src/client/client.js';

let cluster: LocalCluster;
let client: Client;
beforeAll(async () => {
  cluster = await LocalCluster.start({ nWorkers: 1 });
  client = cluster.client();
  await client.ready();
});
afterAll(async () => {
  await client?.close();
  await cluster?.close();
});

async function until(pred: () => boolean, what: string, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('scales up under load to its maximum, and down to its minimum when idle, moving results before retiring', async () => {
  const adaptive = cluster.adapt({ minimum: 1, maximum: 3, intervalMs: 200, targetDurationMs: 500, waitCount: 2 });
  expect([adaptive.minimum, adaptive.maximum, adaptive.waitCount]).toEqual([1, 3, 2]);
  let most = 0;
  const watch = setInterval(() => (most = Math.max(most, cluster.workers.length)), 50);
  const futures = Array.from({ length: 16 }, (_, i) =>
    client.submitWith(
      { pure: false },
      (x: number) => {
        const end = Date.now() + 400;
        while (Date.now() < end);
        return [x * x, Math.random()];
      },
      i,
    ),
  );
  const before = (await client.gather(futures)) as [number, number][];
  clearInterval(watch);
  expect(most).toBe(3);
  expect(adaptive.history.some((s) => s.action === 'up')).toBe(true);
  const pidsAtPeak = cluster.workerPids();

  await until(() => cluster.workers.length === 1, 'the cluster to scale down to 1 worker');
  expect(adaptive.history.some((s) => s.action === 'down')).toBe(true);
  const after = (await client.gather(futures)) as [number, number][];
  expect(after).toEqual(before);
  expect(after.map((r) => r[0])).toEqual(Array.from({ length: 16 }, (_, i) => i * i));
  const left = cluster.workerPids();
  for (const pid of pidsAtPeak) if (!left.includes(pid)) await until(() => !alive(pid), `retired worker ${pid} to exit`, 10_000);
  await adaptive.stop();
}, 90_000);

it('refuses bad bounds with a typed error', () => {
  expect(() => cluster.adapt({ minimum: 3, maximum: 1 })).toThrow(/maximum must be a whole number >= minimum \(3\)/);
  expect(() => cluster.adapt({ minimum: -1 })).toThrow(/minimum must be a whole number >= 0/);
});
