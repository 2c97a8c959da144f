import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as da from '@tsdask/array';
import { build, expectClose, SCHEDULERS } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-zarr-'));

/** A Zarr v2 array written by hand: .zarray and raw (uncompressed) C-order chunks, edges padded. */
function handZarrV2(root: string, shape: [number, number], chunks: [number, number], values: Int32Array): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, '.zarray'), JSON.stringify({ zarr_format: 2, shape, chunks, dtype: '<i4', compressor: null, fill_value: 0, order: 'C', filters: null }));
  for (let bi = 0; bi * chunks[0] < shape[0]; bi++) {
    for (let bj = 0; bj * chunks[1] < shape[1]; bj++) {
      const c = new Int32Array(chunks[0] * chunks[1]);
      for (let i = 0; i < chunks[0]; i++) {
        for (let j = 0; j < chunks[1]; j++) {
          const r = bi * chunks[0] + i;
          const q = bj * chunks[1] + j;
          if (r < shape[0] && q < shape[1]) c[i * chunks[1] + j] = values[r * shape[1] + q]!;
        }
      }
      writeFileSync(join(root, `${bi}.${bj}`), new Uint8Array(c.buffer));
    }
  }
}

describe.each(SCHEDULERS)('zarr on %s', (scheduler) => {
  it('reads a hand-written Zarr v2 array with its own and other block sizes', async () => {
    const root = join(dir, `v2-${scheduler}`);
    const vals = Int32Array.from({ length: 5 * 7 }, (_, i) => i * 3 - 50);
    handZarrV2(root, [5, 7], [2, 3], vals);
    const a = await da.fromZarr(root);
    expect(a.dtype).toBe('int32');
    expect(a.chunks).toEqual([[2, 2, 1], [3, 3, 1]]);
    const b = await da.fromZarr(root, { chunks: [4, 5] });
    const want = build([5, 7], (i) => i * 3 - 50);
    expectClose((await a.compute({ scheduler })) as da.NDArray, want);
    expectClose((await b.add(1).compute({ scheduler })) as da.NDArray, build([5, 7], (i) => i * 3 - 49));
  });

  it('toZarr writes a v3 array chunked like the blocks, and it reads back', async () => {
    const root = join(dir, `v3-${scheduler}`);
    const vals = build([6, 5], (i) => i * 0.5);
    const x = da.fromArray(vals, { chunks: [4, 2] }).astype('float32');
    expect(await da.toZarr(x, root, { path: 'grp/x', scheduler })).toBe(30);
    const meta = JSON.parse(readFileSync(join(root, 'grp', 'x', 'zarr.json'), 'utf8')) as { zarr_format: number; shape: number[]; data_type: string; chunk_grid: { configuration: { chunk_shape: number[] } } };
    expect(meta.zarr_format).toBe(3);
    expect(meta.shape).toEqual([6, 5]);
    expect(meta.data_type).toBe('float32');
    expect(meta.chunk_grid.configuration.chunk_shape).toEqual([4, 2]);
    const y = await da.fromZarr(root, { path: 'grp/x' });
    expect(y.chunks).toEqual([[4, 2], [2, 2, 1]]);
    expectClose((await y.compute({ scheduler })) as da.NDArray, vals);
    const bools = da.fromArray([true, false, true, true, false]).rechunk(2);
    await da.toZarr(bools, root, { path: 'b', scheduler });
    expect(((await (await da.fromZarr(root, { path: 'b' })).compute({ scheduler })) as da.NDArray).toArray()).toEqual([true, false, true, true, false]);
  });

  it('a missing array is an InputError naming the path', async () => {
    await expect(da.fromZarr(join(dir, 'nothing'))).rejects.toThrow(da.InputError);
  });
});
