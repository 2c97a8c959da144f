/**
 * The P2P shuffle on a real 2-worker LocalCluster with an 8 MiB memory limit per worker: a merge
 * of two generated tables of 72 MB in memory (over 4 times the two limits together) is
 * right against a plain-loop join (merge-tables.ts), its graph is O(n) (n transfers, a barrier,
 * n unpacks per side; no n x n pieces), and no shuffle file is left behind. The same merge with
 * one worker SIGKILLed mid-shuffle restarts on the survivor (run 2 moves the lost worker's
 * outputs to it; its own buckets stay) and is right too. No nanny: at this limit a nanny kills workers for memory (95%) on their own;
 * the survivor finishes. The large run is bench/p2p-shuffle.mjs.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config, graphOf } from '@tsdask/core-graph';
import { readCSV, type DataFrame } from '@tsdask/dataframe';
import type { Table } from 'apache-arrow';
import { LocalCluster } from '../../src/cluster/local-cluster.js';
import { leftRow, referenceJoin, rightRow, summarize, writeTable } from './merge-tables.js';

const MIB = 2 ** 20;
const LIMIT = 8 * MIB;
const ROWS = 2_250_000; // per table: two int64 columns, 16 bytes a row
const KEYS = 2_800_000;

let dir: string;
let leftCsv: string;
let rightCsv: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsdask-p2p-it-'));
  leftCsv = join(dir, 'left.csv');
  rightCsv = join(dir, 'right.csv');
  await Promise.all([writeTable(leftCsv, 'a', ROWS, (i) => leftRow(i, KEYS)), writeTable(rightCsv, 'b', ROWS, (i) => rightRow(i, KEYS))]);
}, 120_000);
afterAll(() => {
  config.set({ 'dataframe.shuffle.method': 'auto' });
  rmSync(dir, { recursive: true, force: true });
});

/** The merge under test: both sides in 1 MB CSV blocks (about 20 partitions each), joined on k. */
function theMerge(): DataFrame {
  const left = readCSV(leftCsv, { blocksize: 1_000_000 });
  const right = readCSV(rightCsv, { blocksize: 1_000_000 });
  return left.merge(right, { on: 'k' });
}

/** Shuffle folders (`<shuffle id>-run<r>`) under the workers' spill folders in `tmp`. */
function runFolders(tmp: string): string[] {
  if (!existsSync(tmp)) return [];
  return readdirSync(tmp)
    .filter((n) => n.startsWith('tsdask-spill-'))
    .flatMap((f) => (existsSync(join(tmp, f)) ? readdirSync(join(tmp, f)).filter((n) => n.includes('-run')) : []));
}

async function start(tmp: string, onLog?: (child: string, line: string) => void): Promise<LocalCluster> {
  return LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: LIMIT, nanny: false, env: { TMPDIR: tmp }, ...(onLog ? { onLog } : {}) });
}

describe('P2P shuffle: a merge of 4x the cluster memory on 2 workers', () => {
  const want = () => referenceJoin(ROWS, ROWS, KEYS);

  it('is right against a plain-loop join, with an O(n) graph and no files left', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const cluster = await start(tmp);
    const client = cluster.client();
    try {
      config.set({ scheduler: client, 'dataframe.shuffle.method': 'auto' }); // auto: p2p on a distributed client, as Dask
      const m = theMerge();
      const { graph } = graphOf([m]);
      const nl = readCSV(leftCsv, { blocksize: 1_000_000 }).npartitions;
      const nr = readCSV(rightCsv, { blocksize: 1_000_000 }).npartitions;
      // In memory the tables hold 16 bytes a row (int64 k and a or b): over 4 times the 2 x 16 MiB limits.
      expect(m.dtypes).toEqual({ k: 'int64', a: 'int64', b: 'int64' });
      expect(2 * ROWS * 16).toBeGreaterThan(4 * 2 * LIMIT);
      expect(nl).toBeGreaterThan(10);
      const keys = graph.keys;
      const count = (prefix: string): number => keys.filter((k) => k.startsWith(prefix)).length;
      expect(count('p2p-transfer-')).toBe(nl + nr);
      expect(count('p2p-barrier-')).toBe(2);
      expect(count('shuffle-piece-')).toBe(0);
      expect(keys.length).toBeLessThan(8 * (nl + nr)); // O(n): the task-based exchange alone has nl*n + nr*n pieces
      const t = (await m.compute()) as Table;
      const got = summarize(t.getChild('k')!.toArray(), t.getChild('a')!.toArray(), t.getChild('b')!.toArray());
      expect(got).toEqual(want());
      expect(runFolders(tmp)).toEqual([]); // every unpacked run's folder is gone
    } finally {
      config.set({ scheduler: 'threads' });
      await client.close();
      await cluster.close();
    }
    expect(readdirSync(tmp).filter((n) => n.startsWith('tsdask-spill-'))).toEqual([]);
  }, 240_000);

  it('is right when a worker is SIGKILLed mid-shuffle: the lost worker’s outputs move to the survivor', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const lines: string[] = [];
    const cluster = await start(tmp, (_child, line) => lines.push(line));
    const client = cluster.client();
    try {
      config.set({ 'dataframe.shuffle.method': 'p2p' }); // the override; the compute names its scheduler
      const m = theMerge();
      const computing = m.compute({ scheduler: client }) as Promise<Table>;
      computing.catch(() => {}); // awaited below; a failure meanwhile is not unhandled
      // Kill worker 1 once the first run's buckets are on disk.
      let sawRun1 = false;
      for (let i = 0; i < 3000 && !sawRun1; i++) {
        sawRun1 = runFolders(tmp).some((f) => f.endsWith('-run1'));
        if (!sawRun1) await new Promise((r) => setTimeout(r, 10));
      }
      expect(sawRun1).toBe(true);
      const exit = await cluster.killWorker(1, 'SIGKILL');
      expect(exit?.signal).toBe('SIGKILL');
      const t = await computing;
      const got = summarize(t.getChild('k')!.toArray(), t.getChild('a')!.toArray(), t.getChild('b')!.toArray());
      expect(got).toEqual(want());
      // The scheduler moved the lost worker's outputs to the survivor in run 2 (p2p-restart.test.ts counts what was sent again).
      expect(lines.some((l) => /p2p shuffle \S+: run 2 moves output\(s\) [0-9,]+ to /.test(l))).toBe(true);
    } finally {
      config.set({ 'dataframe.shuffle.method': 'auto' });
      await client.close();
      await cluster.close();
    }
  }, 240_000);
});
