// LocalCluster on the package's real bins (dist/bin/scheduler.js and worker.js): they keep the
// stdout contract LocalCluster parses and stop cleanly (exit 0) on SIGTERM. Skipped, with a line
// saying so, where the bins are not built. A parent killed with SIGKILL (no exit hook runs)
// leaves no orphan either: the bins see their stdin pipe close and stop.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../src/cluster/local-cluster.js';
import { isAlive, orphansAfterParentKill } from './stand-ins.js';

const bins = ['scheduler', 'worker'].map((b) => fileURLToPath(new URL(`../../dist/bin/${b}.js`, import.meta.url)));
const built = bins.every((b) => existsSync(b));
if (!built) console.log(`real-bins.test: skipped, ${bins.join(' and ')} not built (npm run build)`);

let cluster: LocalCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe.skipIf(!built)('LocalCluster on the real bins', () => {
  it('starts a scheduler and two workers that listen where they say, and close() ends each with exit code 0', async () => {
    cluster = await LocalCluster.start({ nWorkers: 2 });
    expect(cluster.address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(cluster.workers.map((w) => w.name)).toEqual(['worker-0', 'worker-1']);
    const addresses = cluster.workers.map((w) => w.address);
    expect(addresses.every((a) => /^127\.0\.0\.1:\d+$/.test(a))).toBe(true);
    expect(new Set(addresses).size).toBe(2);
    const pids = [cluster.schedulerProcess.pid, ...cluster.workers.map((w) => w.pid)];
    await cluster.close();
    expect(cluster.exits().map((e) => [e.name, e.code, e.signal])).toEqual([
      ['scheduler', 0, null],
      ['worker-0', 0, null],
      ['worker-1', 0, null],
    ]);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('leaves no orphan when the parent is killed with SIGKILL: the bins exit when their stdin closes', async () => {
    const { gone } = await orphansAfterParentKill('{ nWorkers: 2 }', '[c.schedulerProcess.pid, ...c.workers.map((w) => w.pid)]', 3);
    expect(gone).toEqual([true, true, true]);
  });
});
