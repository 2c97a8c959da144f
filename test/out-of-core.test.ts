/**
 * Out-of-core: a groupBy over a generated CSV several times larger than memoryLimit gets the
 * answer a plain loop gets, spills on the way, and leaves no spill folder behind, also when a
 * task fails. Many groups make the partial aggregates large, so they are what gets spilled.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCSV } from '@tsdask/dataframe';
import '@tsdask/scheduler-local';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-ooc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `rows` rows of key,v (40k distinct keys) and returns the reference sums and counts. */
function writeCsv(path: string, rows: number, badRowAt?: number) {
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  const lines = ['key,v,pad'];
  for (let i = 0; i < rows; i++) {
    const key = `k${(i * 7919) % 40_000}`;
    const v = (i * 31) % 1000;
    lines.push(i === badRowAt ? `${key},"unterminated` : `${key},${v},padding-to-make-rows-longer-${i % 97}`);
    sums.set(key, (sums.get(key) ?? 0) + v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return { sums, counts };
}

describe.each(['sync', 'threads'])('groupBy over a CSV larger than memoryLimit (%s)', (scheduler) => {
  it('gets the plain-loop answer, spills, and removes the spill folder', async () => {
    const file = join(dir, `data-${scheduler}.csv`);
    // Four groups of partial aggregates: earlier combine results are held while later groups
    // are read, which is what cannot fit.
    const { sums, counts } = writeCsv(file, 800_000);
    const limit = 2_000_000;
    expect(statSync(file).size).toBeGreaterThan(4 * limit);
    const spillDir = mkdtempSync(join(dir, 'spill-'));
    const events: Record<string, number> = {};
    const table = await readCSV(file, { blocksize: '1MB' })
      .groupBy('key')
      .agg({ total: ['v', 'sum'], n: ['v', 'count'] })
      .compute({ scheduler, memoryLimit: limit, spillDir, callbacks: [{ event: ({ type: name }) => void (events[name] = (events[name] ?? 0) + 1) }] });
    expect(table.numRows).toBe(sums.size);
    const keys = table.getChild('key')!.toArray() as string[];
    const totals = table.getChild('total')!.toArray();
    const ns = table.getChild('n')!.toArray();
    for (let i = 0; i < table.numRows; i++) {
      expect(Number(totals[i])).toBe(sums.get(keys[i]!));
      expect(Number(ns[i])).toBe(counts.get(keys[i]!));
    }
    expect(events['spill'] ?? 0).toBeGreaterThan(0);
    expect(events['unspill'] ?? 0).toBeGreaterThan(0);
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('removes the spill folder when a task fails after spilling', async () => {
    const file = join(dir, `bad-${scheduler}.csv`);
    // Four groups of partials: the bad row sits in the last one, so earlier combine results are
    // held (and spilled) when it fails.
    writeCsv(file, 800_000, 790_000);
    const spillDir = mkdtempSync(join(dir, 'spill-bad-'));
    let spills = 0;
    const err = await readCSV(file, { blocksize: '1MB' })
      .groupBy('key')
      .agg({ total: ['v', 'sum'] })
      .compute({ scheduler, memoryLimit: 2_000_000, spillDir, callbacks: [{ event: ({ type: name }) => void (name === 'spill' && spills++) }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toMatch(/line|quote|malformed/i);
    expect(spills).toBeGreaterThan(0);
    expect(readdirSync(spillDir)).toEqual([]);
  });
});
