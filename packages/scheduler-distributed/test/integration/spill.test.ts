/**
 * Out-of-core on a real 2-worker LocalCluster with a 32 MB memory limit per worker: 40 chunks of
 * 4 MB float64 arrays held at once (160 MB, 2.5 times the two limits together) spill to the
 * workers' spill folders, and a reduction over all of them (one task that reads back its
 * worker's spilled chunks and fetches the other's from disk there) gives the plain loop's sum;
 * a client gathers a spilled chunk intact; released chunks lose their files, and no spill
 * folder remains after close.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wait } from '@tsdask/core-graph';
import type { Client } from '../../src/client/client.js';
import { LocalCluster } from '../../src/cluster/local-cluster.js';

const CHUNKS = 40;
const N = 500_000; // 4 MB of float64 per chunk

let parent: string;
let cluster: LocalCluster | undefined;
let client: Client | undefined;
beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'tsdask-spill-it-'));
  // The workers make their spill folders in their temp folder: this test's own. No nanny: the
  // reduction holds all 40 chunks at once (160 MB), past the 95% a nanny would kill a worker at.
  cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '32MB', nanny: false, env: { TMPDIR: parent } });
  client = cluster.client();
  await client.ready();
});
afterAll(async () => {
  await client?.close();
  await cluster?.close();
  rmSync(parent, { recursive: true, force: true });
});

const spillFolders = (): string[] => readdirSync(parent).filter((n) => n.startsWith('tsdask-spill-'));
const spillFiles = (): string[] => spillFolders().flatMap((f) => (existsSync(join(parent, f)) ? readdirSync(join(parent, f)) : []));

/** Waits (at most about 30 s, polling) until `cond` holds; fails the test otherwise. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

/** Chunk i's element j, an integer so that every sum is exact. */
const element = (i: number, j: number): number => (i * 7 + j) % 1000;

describe('spilling on a 2-worker cluster with a 32 MB limit each', () => {
  it('40 chunks of 4 MB held at once spill to disk, and a reduction over all of them equals the plain loop', async () => {
    const c = client!;
    const chunks = c.map(
      (i: number) => {
        const a = new Float64Array(500_000);
        for (let j = 0; j < a.length; j++) a[j] = (i * 7 + j) % 1000;
        return a;
      },
      Array.from({ length: CHUNKS }, (_, i) => i),
    );
    const { notDone } = await wait(chunks);
    expect(notDone.size).toBe(0);
    // 160 MB held on two workers whose targets are 19.2 MB each: most of it is on disk.
    await until(() => spillFiles().length >= CHUNKS / 2);
    expect(spillFolders().length).toBeGreaterThanOrEqual(1);
    expect(spillFolders().length).toBeLessThanOrEqual(2);

    const total = c.submit(
      (...xs: Float64Array[]) => {
        let s = 0;
        for (const x of xs) for (let j = 0; j < x.length; j++) s += x[j]!;
        return s;
      },
      ...chunks,
    );
    let want = 0;
    for (let i = 0; i < CHUNKS; i++) for (let j = 0; j < N; j++) want += element(i, j);
    expect(await total.result()).toBe(want);

    // The first chunk computed was among the first spilled: gathered, it comes back intact.
    const [first] = (await c.gather([chunks[0]!])) as [Float64Array];
    expect(first).toBeInstanceOf(Float64Array);
    expect(first.length).toBe(N);
    let bad = 0;
    for (let j = 0; j < N; j++) if (first[j] !== element(0, j)) bad++;
    expect(bad).toBe(0);

    // Released, the chunks are freed on the workers and their files go; then close removes the folders.
    for (const f of [...chunks, total]) f.release();
    await until(() => spillFiles().length === 0);
    await client!.close();
    await cluster!.close();
    client = undefined;
    cluster = undefined;
    expect(spillFolders()).toEqual([]);
  });
});
