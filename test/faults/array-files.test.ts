/**
 * Faults: .npy files that are missing, truncated or rewritten between fromNpy() and compute().
 * Before, a missing file was a raw ENOENT, and a short file (truncated, or rewritten smaller)
 * read zeros for the missing bytes: a silent wrong answer. Now each is an InputError naming the
 * file. The reference is a plain arange written with toNpy.
 */
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as da from '@tsdask/array';
import { readNpyBlock } from '@tsdask/array/io';
import { SCHEDULERS, rejection, values } from './array-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-faults-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function written(name: string, n: number): Promise<string> {
  const p = join(dir, name);
  await da.toNpy(da.arange(n, { chunks: 7 }).astype('float64'), p, { scheduler: 'sync' });
  return p;
}

describe('fromNpy on damaged or changed files', () => {
  it('reads a whole file back exactly (the reference round trip)', async () => {
    const p = await written('whole.npy', 30);
    expect(await values(da.fromNpy(p, { chunks: 8 }))).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('a missing file is an InputError naming it', () => {
    const p = join(dir, 'no-such.npy');
    expect(() => da.fromNpy(p)).toThrow(da.InputError);
    expect(() => da.fromNpy(p)).toThrow(p);
  });

  it('a file shorter than its header says is an InputError at the call (truncated)', async () => {
    const p = await written('short.npy', 30);
    truncateSync(p, statSync(p).size - 8);
    expect(() => da.fromNpy(p)).toThrow(/truncated/);
  });

  for (const scheduler of SCHEDULERS) {
    it(`a file rewritten after planning is an InputError naming it, never zeros or other values (${scheduler})`, async () => {
      const p = await written(`changed-${scheduler}.npy`, 30);
      const x = da.fromNpy(p, { chunks: 8 });
      await written(`changed-${scheduler}.npy`, 20); // same dtype, fewer elements
      const err = await rejection(x.compute({ scheduler }));
      expect(err).toBeInstanceOf(da.InputError);
      expect(err.message).toContain(p);
      expect(err.message).toContain('changed after it was planned');
    });
  }
});

describe('readNpyBlock (the worker-side read)', () => {
  it('a read past the end of the file is an InputError (truncated), not a block of zeros', async () => {
    const p = await written('block.npy', 30);
    const offset = statSync(p).size - 30 * 8;
    truncateSync(p, statSync(p).size - 16);
    // No planned stamp: only the short read can notice; the last two elements are gone.
    expect(() => readNpyBlock(p, offset, [30], 'float64', [24], [6])).toThrow(/truncated/);
    expect(Array.from(readNpyBlock(p, offset, [30], 'float64', [0], [8]).data as Float64Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
