/**
 * The same arrays, dataframes, delayed graphs and futures give the same answers on a real
 * 2-worker cluster (processes on 127.0.0.1) as on 'threads'; expected values are also worked
 * out by plain loops where that is short.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCompleted, compute, delayed, release, wait } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { arange, fromArray, type NDArray } from '@tsdask/array';
import { col, fromRecords, readCSV } from '@tsdask/dataframe';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Running } from './cluster-support.js';

let run: Running;
let dir: string;
beforeAll(async () => {
  run = await startCluster({ nWorkers: 2 });
  dir = mkdtempSync(join(tmpdir(), 'tsdask-dist-'));
});
afterAll(async () => {
  await run?.stop();
  await closePool();
  rmSync(dir, { recursive: true, force: true });
});

describe('collections on a 2-worker cluster', () => {
  it('array: elementwise, reductions and a matmul equal threads and a plain loop', async () => {
    const x = arange(0, 1000, 1, { chunks: 100 });
    const y = x.mul(2).add(1);
    let want = 0;
    for (let i = 0; i < 1000; i++) want += 2 * i + 1;
    const [s, m] = await compute(y.sum(), y.max(), { scheduler: run.client });
    // An int64 arange sums to an int64 scalar (a bigint), as NumPy's does.
    expect(await compute(y.sum(), y.max(), { scheduler: 'threads' })).toEqual([s, m]);
    expect(Number(s)).toBe(want);
    expect(Number(m)).toBe(1999);
    const a = fromArray(
      Float64Array.from({ length: 64 }, (_, i) => i % 7),
      { shape: [8, 8], chunks: [4, 4] },
    );
    const prod = a.matmul(a.T);
    const onCluster = (await prod.compute({ scheduler: run.client })) as NDArray;
    const onThreads = (await prod.compute({ scheduler: 'threads' })) as NDArray;
    expect(Array.from(onCluster.data as Float64Array)).toEqual(Array.from(onThreads.data as Float64Array));
  });

  it('dataframe: read a CSV, filter, groupBy mean, sort equal threads and a plain loop', async () => {
    const rows: string[] = ['k,v,w'];
    const sums = new Map<string, [number, number]>();
    for (let i = 0; i < 5000; i++) {
      const k = `g${i % 13}`;
      const v = (i * 37) % 101;
      rows.push(`${k},${v},${i}`);
      if (v > 20) {
        const e = sums.get(k) ?? [0, 0];
        e[0] += v;
        e[1] += 1;
        sums.set(k, e);
      }
    }
    const file = join(dir, 'data.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const df = readCSV(file, { blocksize: 16_000 })
      .filter(col('v').gt(20))
      .groupBy('k')
      .agg({ v: ['v', 'mean'] })
      .sortValues('k');
    const got = await df.toRecords({ scheduler: run.client });
    const threads = await df.toRecords({ scheduler: 'threads' });
    expect(got).toEqual(threads);
    const want = [...sums.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, [s, n]]) => ({ k, v: s / n }));
    expect(got.map((r) => r.k)).toEqual(want.map((r) => r.k));
    for (let i = 0; i < want.length; i++) expect(got[i]!.v).toBeCloseTo(want[i]!.v, 10);
  });

  it('delayed: a diamond of shipped functions, and an error that names its task', async () => {
    const inc = delayed((x: number) => x + 1);
    const add = delayed((a: number, b: number) => a + b);
    const a = inc(1);
    const total = add(inc(a), add(a, 10));
    expect(await total.compute({ scheduler: run.client })).toBe(3 + 12);
    const boom = delayed((x: number) => {
      if (x > 0) throw new RangeError(`too big: ${x}`);
      return x;
    });
    await expect(add(boom(5), 1).compute({ scheduler: run.client })).rejects.toThrow(/too big: 5/);
  });

  it('futures: submit, map, gather, asCompleted and wait', async () => {
    const c = run.client;
    const sq = (x: number): number => x * x;
    const fs = c.map(sq, [1, 2, 3, 4, 5]);
    expect(await c.gather(fs)).toEqual([1, 4, 9, 16, 25]);
    const total = c.submit((...xs: number[]) => xs.reduce((s, x) => s + x, 0), ...fs);
    expect(await total.result()).toBe(55);
    const seen: number[] = [];
    for await (const f of asCompleted(fs)) seen.push((await f.result()) as number);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 4, 9, 16, 25]);
    const { done, notDone } = await wait(fs);
    expect(done.size).toBe(5);
    expect(notDone.size).toBe(0);
  });

  it('persist leaves results on the workers; later computes read them; release frees them', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ k: i % 4, v: i }));
    const df = fromRecords(rows, { npartitions: 4 }).filter(col('v').gt(9));
    const before = run.client.asScheduler().heldKeys().size;
    const p = await df.persist({ scheduler: run.client });
    expect(run.client.asScheduler().heldKeys().size).toBe(before + df.outputKeys.length);
    const want = rows.filter((r) => r.v > 9);
    expect(await p.toRecords({ scheduler: run.client })).toEqual(want);
    expect(await p.toRecords({ scheduler: run.client })).toEqual(want);
    release(p);
    expect(run.client.asScheduler().heldKeys().size).toBe(before);
  });

  it('work stealing: tasks that all go where their input is are spread to the idle worker', async () => {
    const c = run.client;
    const seed = c.submitWith({ pure: false }, () => 1);
    // Each reads `seed`, so placement sends them all to its holder; the other worker steals.
    const fs = Array.from({ length: 12 }, (_, i) =>
      c.submitWith(
        { pure: false },
        (s: number, k: number) => {
          const end = Date.now() + 150;
          while (Date.now() < end);
          return [process.pid, s + k];
        },
        seed,
        i,
      ),
    );
    const out = (await c.gather(fs)) as [number, number][];
    expect(out.map((r) => r[1])).toEqual(Array.from({ length: 12 }, (_, i) => 1 + i));
    const pids = new Set(out.map((r) => r[0]));
    expect([...pids].sort()).toEqual(run.cluster.workers.map((w) => w.pid).sort());
  });
});
