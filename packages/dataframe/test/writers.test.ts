/**
 * toCSV / toParquet are writers like array's toNpy / toZarr: a free function and a method, that
 * resolve to the paths, or with { compute: false } return a Delayed that writes when computed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compute, ConfigError, Delayed } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { fromRecords, readCSV, readParquet, toCSV, toParquet } from '@tsdask/dataframe';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-writers-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closePool();
});

const rows = Array.from({ length: 10 }, (_, i) => ({ i, x: i * 1.5, s: `r${i}` }));

describe.each(['sync', 'threads'] as const)('dataframe writers (%s)', (scheduler) => {
  it('with compute: false write nothing until computed; two writers run in one compute and read back', async () => {
    const df = fromRecords(rows, { npartitions: 3 });
    const csvDir = join(dir, `csv-${scheduler}`);
    const pqDir = join(dir, `pq-${scheduler}`);
    const csv = toCSV(df, csvDir, { compute: false });
    const pq = df.toParquet(pqDir, { compute: false });
    expect(csv).toBeInstanceOf(Delayed);
    expect(existsSync(csvDir) || existsSync(pqDir)).toBe(false);
    const [csvPaths, pqPaths] = await compute(csv, pq, { scheduler });
    expect(csvPaths).toEqual([0, 1, 2].map((k) => join(csvDir, `part-${k}.csv`)));
    expect(pqPaths).toEqual([0, 1, 2].map((k) => join(pqDir, `part-${k}.parquet`)));
    expect(await readCSV(join(csvDir, '*.csv')).toRecords({ scheduler })).toEqual(rows);
    expect(await readParquet(join(pqDir, '*.parquet')).toRecords({ scheduler })).toEqual(rows);
  });

  it('the free functions compute now and resolve to the paths, as the methods do', async () => {
    const df = fromRecords(rows, { npartitions: 2 });
    const d = join(dir, `now-${scheduler}`);
    expect(await toParquet(df, d, { scheduler })).toEqual([join(d, 'part-0.parquet'), join(d, 'part-1.parquet')]);
    expect(await readParquet(join(d, '*.parquet')).toRecords({ scheduler })).toEqual(rows);
  });
});

describe('writer options', () => {
  it('compute options with compute: false are a ConfigError at the call (they belong to compute())', () => {
    const df = fromRecords(rows);
    expect(() => df.toCSV(join(dir, 'never'), { compute: false, scheduler: 'sync' } as never)).toThrow(ConfigError);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('compute that is not a boolean rejects with ConfigError', async () => {
    await expect(toCSV(fromRecords(rows), join(dir, 'never'), { compute: 'no' as never })).rejects.toBeInstanceOf(ConfigError);
  });
});
