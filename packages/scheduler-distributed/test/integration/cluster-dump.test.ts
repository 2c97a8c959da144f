/**
 * The one-command cluster dump on a real 2-worker LocalCluster: `client.dumpClusterState(path)`
 * and the `tsdask-dump` bin each write one JSON document of the scheduler's and both workers'
 * state. Checked against what the test knows independently: the workers' pids and addresses
 * (from the cluster), the four results its futures hold (in memory at the scheduler, with their
 * holders, and at those workers), and a task that threw (erred, with its error and story; its
 * worker drops the error once the client releases the key).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCluster, type Running } from './cluster-support.js';

const DUMP_BIN = fileURLToPath(new URL('../../dist/bin/dump.js', import.meta.url));

interface Dump {
  version: number;
  scheduler: {
    workers: { address: string; name: string }[];
    clients: unknown[];
    tasks: { key: string; state: string; whoHas?: string[]; error?: { message: string }; story?: unknown[] }[];
  };
  workers: Record<string, { pid: number; name: string; tasks: { key: string; state: string }[]; error?: string }>;
}

let run: Running;
let dir: string;
beforeAll(async () => {
  run = await startCluster({ nWorkers: 2 });
  dir = mkdtempSync(join(tmpdir(), 'tsdask-dump-'));
});
afterAll(async () => {
  await run?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function check(dump: Dump, kept: string[], failed: string): void {
  expect(dump.version).toBe(1);
  const workers = run.cluster.workers;
  expect(dump.scheduler.workers.map((w) => w.address).sort()).toEqual(workers.map((w) => w.address).sort());
  expect(Object.keys(dump.workers).sort()).toEqual(workers.map((w) => w.address).sort());
  for (const w of workers) {
    expect(dump.workers[w.address]!.pid).toBe(w.pid);
    expect(dump.workers[w.address]!.name).toBe(w.name);
  }
  const byKey = new Map(dump.scheduler.tasks.map((t) => [t.key, t]));
  for (const k of kept) {
    const t = byKey.get(k)!;
    expect(t.state).toBe('memory');
    expect(t.whoHas!.length).toBeGreaterThan(0);
    for (const holder of t.whoHas!) expect(dump.workers[holder]!.tasks.find((x) => x.key === k)?.state).toBe('memory');
  }
  const bad = byKey.get(failed)!;
  expect(bad.state).toBe('erred');
  expect(bad.error!.message).toContain('boom 7');
  expect(bad.story!.length).toBeGreaterThan(0);
}

it('client.dumpClusterState and the tsdask-dump bin write the scheduler and every worker as JSON', async () => {
  const c = run.client;
  const kept = [1, 2, 3, 4].map((i) => c.submit((x: number) => new Float64Array(100).fill(x), i));
  await c.gather(kept);
  const failing = c.submit((x: number) => {
    throw new Error(`boom ${x}`);
  }, 7);
  await expect(failing.result()).rejects.toThrow(/boom 7/);
  const keys = kept.map((f) => f.key);

  const path = join(dir, 'dump.json');
  expect(await c.dumpClusterState(path)).toBe(path);
  check(JSON.parse(readFileSync(path, 'utf8')) as Dump, keys, failing.key);

  const out = join(dir, 'bin-dump.json');
  const { stdout } = await promisify(execFile)(process.execPath, [DUMP_BIN, run.cluster.address, '--output', out], {
    env: { ...process.env, TSDASK_TOKEN: run.cluster.token },
  });
  expect(stdout).toBe(`tsdask-dump wrote ${out}\n`);
  const fromBin = JSON.parse(readFileSync(out, 'utf8')) as Dump;
  check(fromBin, keys, failing.key);
  expect(fromBin.scheduler.clients.length).toBe(2); // the test's client and the bin's own

  // The worker that ran the failing task holds its error until the client lets the key go.
  const held = (d: Dump): string[] => Object.values(d.workers).flatMap((w) => w.tasks.filter((t) => t.key === failing.key).map((t) => t.state));
  expect(held(fromBin)).toEqual(['error']);
  failing.release();
  const after = join(dir, 'after-release.json');
  for (let i = 0; ; i++) {
    await c.dumpClusterState(after);
    const d = JSON.parse(readFileSync(after, 'utf8')) as Dump;
    if (!d.scheduler.tasks.some((t) => t.key === failing.key) && held(d).length === 0) break;
    if (i === 100) throw new Error(`the erred key is still held: ${JSON.stringify(held(d))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);
