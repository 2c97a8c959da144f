// LocalCluster on the package's real bins (dist/bin/scheduler.js and worker.js): they keep the
// stdout contract LocalCluster parses and stop cleanly (exit 0) on SIGTERM. Skipped, with a line
// saying so, where the bins are not built. A parent killed with SIGKILL (no exit hook runs)
// leaves no orphan either: the bins see their stdin pipe close and stop.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../src/cluster/local-cluster.js';
import { gone, isAlive, printedPids } from './stand-ins.js';

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
    const dir = mkdtempSync(join(tmpdir(), 'tsdask-parent-'));
    const pids: number[] = [];
    try {
      const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
      const script = join(dir, 'parent.mjs');
      writeFileSync(
        script,
        `import { LocalCluster } from ${JSON.stringify(dist)};\n` +
          'const c = await LocalCluster.start({ nWorkers: 2 });\n' +
          'console.log(JSON.stringify([c.schedulerProcess.pid, ...c.workers.map((w) => w.pid)]));\n' +
          'setInterval(() => {}, 1000);\n',
      );
      const parent = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      pids.push(...(await printedPids(parent)));
      expect(pids.length).toBe(3);
      expect(pids.every(isAlive)).toBe(true);
      parent.kill('SIGKILL');
      for (const pid of pids) expect(await gone(pid)).toBe(true);
    } finally {
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
