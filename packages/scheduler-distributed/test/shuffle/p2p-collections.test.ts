/**
 * Every shuffle a dataframe lowers runs peer to peer on a 2-worker cluster with
 * `dataframe.shuffle.method: 'p2p'` and gives what 'threads' gives with the task-based shuffle:
 * a hash merge, a groupBy with splitOut, and sortValues (a range shuffle whose output carries
 * string dictionaries); each graph holds P2P transfers and no task-based pieces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config, graphOf } from '@tsdask/core-graph';
import { fromRecords, type DataFrame } from '@tsdask/dataframe';
import { closePool } from '@tsdask/scheduler-local';
import { startCluster, type Running } from '../integration/cluster-support.js';

let run: Running;
beforeAll(async () => {
  run = await startCluster({ nWorkers: 2 });
});
afterAll(async () => {
  config.set({ 'dataframe.shuffle.method': 'auto' });
  await run?.stop();
  await closePool();
});

const rows = Array.from({ length: 3000 }, (_, i) => ({ k: (i * 37) % 101, s: `s${(i * 13) % 17}`, v: i }));
const other = Array.from({ length: 400 }, (_, i) => ({ k: i % 120, w: i * 2 }));

/** The frame's rows on the cluster (P2P) and on threads (task-based), and whether its P2P graph has transfers and no pieces. */
async function both(df: () => DataFrame): Promise<{ p2p: Record<string, unknown>[]; threads: Record<string, unknown>[]; shape: boolean }> {
  config.set({ 'dataframe.shuffle.method': 'tasks' });
  const threads = await df().toRecords({ scheduler: 'threads' });
  config.set({ 'dataframe.shuffle.method': 'p2p' });
  const keys = graphOf([df()]).graph.keys;
  const shape = keys.some((k) => k.startsWith('p2p-transfer-')) && !keys.some((k) => k.includes('-piece-'));
  const p2p = await df().toRecords({ scheduler: run.client });
  config.set({ 'dataframe.shuffle.method': 'auto' });
  return { p2p, threads, shape };
}

describe('P2P shuffles of every kind on a cluster', () => {
  it('merge, groupBy splitOut and sortValues equal the task-based shuffle on threads', async () => {
    const left = (): DataFrame => fromRecords(rows, { npartitions: 6 });
    const merged = await both(() => left().merge(fromRecords(other, { npartitions: 3 }), { on: 'k', how: 'outer' }));
    expect(merged.shape).toBe(true);
    expect(merged.p2p).toEqual(merged.threads);
    const grouped = await both(() =>
      left()
        .groupBy('s', { splitOut: 4 })
        .agg({ n: ['v', 'count'], t: ['v', 'sum'] }),
    );
    expect(grouped.shape).toBe(true);
    expect(grouped.p2p).toEqual(grouped.threads);
    // A plain loop for the grouped sums.
    const sums = new Map<string, number>();
    for (const r of rows) sums.set(r.s, (sums.get(r.s) ?? 0) + r.v);
    expect(new Map(grouped.p2p.map((r) => [r['s'] as string, Number(r['t'])]))).toEqual(sums);
    const sorted = await both(() => left().sortValues('s'));
    expect(sorted.shape).toBe(true);
    expect(sorted.p2p).toEqual(sorted.threads);
    expect(sorted.p2p.map((r) => r['s'])).toEqual(rows.map((r) => r.s).sort());
  }, 120_000);
});
