/**
 * A scheduler restart loses no results: on a LocalCluster whose workers and client reconnect
 * (`reconnectTimeoutMs`), a persisted collection is still there after the scheduler process is
 * killed (SIGKILL) and a new one starts on the same port. The answer computed from it after the
 * restart is checked against a plain loop, and none of its tasks ran again: each part carries a
 * random number drawn when it ran, and they are the same before and after; the workers and their
 * nannies are the same processes (a nanny redials too). Work that was running
 * at the restart is sent again by the client and finishes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compute, delayed } from '@tsdask/core-graph';
import { LocalCluster } from '../../src/cluster/local-cluster.js';
import type { Client } from '../../src/client/client.js';

let cluster: LocalCluster;
let client: Client;
const lines: string[] = [];
beforeAll(async () => {
  cluster = await LocalCluster.start({ nWorkers: 2, reconnectTimeoutMs: 30_000, onLog: (_child, line) => lines.push(line) });
  client = cluster.client();
  await client.ready();
});
afterAll(async () => {
  await client?.close();
  await cluster?.close();
});

const N = 1000;
const PARTS = 6;

it('a persisted collection survives a scheduler restart: right answer, no task of it ran again, same worker processes', async () => {
  // Part i: the numbers i*N .. i*N+N-1, then a random number drawn when the task ran.
  const part = delayed((i: number, n: number) => {
    const out = new Float64Array(n + 1);
    for (let j = 0; j < n; j++) out[j] = i * n + j;
    out[n] = Math.random();
    return out;
  });
  const parts = await client.persist(Array.from({ length: PARTS }, (_, i) => part(i, N)));
  const before = (await compute(...parts, { scheduler: client })) as Float64Array[];
  const pids = cluster.workerPids();
  // Each worker runs under a nanny (the default); with --reconnect-timeout the nanny redials too instead of exiting.
  const nannies = cluster.workers.map((w) => w.nannyPid);
  expect(nannies.every((p) => typeof p === 'number')).toBe(true);
  const oldScheduler = cluster.schedulerProcess.pid;

  await cluster.restartScheduler();
  expect(cluster.schedulerProcess.pid).not.toBe(oldScheduler);

  const total = delayed((n: number, ...ps: Float64Array[]) => {
    let s = 0;
    for (const p of ps) for (let j = 0; j < n; j++) s += p[j]!;
    return s;
  });
  const [sum] = await compute(total(N, ...parts), { scheduler: client });
  let want = 0;
  for (let v = 0; v < PARTS * N; v++) want += v;
  expect(sum).toBe(want);
  const after = (await compute(...parts, { scheduler: client })) as Float64Array[];
  expect(after.map((p) => p[N])).toEqual(before.map((p) => p[N]));
  expect(cluster.workerPids()).toEqual(pids);
  expect(cluster.workers.map((w) => w.nannyPid)).toEqual(nannies);
  const redialled = (): number => lines.filter((l) => /tsdask-nanny .*: reconnected to the scheduler at /.test(l)).length;
  for (let i = 0; i < 200 && redialled() < 2; i++) await new Promise((r) => setTimeout(r, 50));
  expect(redialled()).toBe(2);
}, 60_000);

it('a task running when the scheduler is killed is sent again by the client and finishes', async () => {
  const slow = client.submitWith(
    { pure: false },
    (x: number) => {
      const end = Date.now() + 800;
      while (Date.now() < end);
      return x * 7;
    },
    6,
  );
  await new Promise((r) => setTimeout(r, 200));
  await cluster.restartScheduler();
  expect(await slow.result()).toBe(42);
}, 60_000);
