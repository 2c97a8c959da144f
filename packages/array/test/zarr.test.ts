import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compute } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { build, expectClose, SCHEDULERS } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-zarr-'));

/** A Zarr v2 array written by hand: .zarray and raw (uncompressed) C-order chunks, edges padded. */
function handZarrV2(root: string, shape: [number, number], chunks: [number, number], values: Int32Array): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(
    join(root, '.zarray'),
    JSON.stringify({ zarr_format: 2, shape, chunks, dtype: '<i4', compressor: null, fill_value: 0, order: 'C', filters: null }),
  );
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
    expect(a.chunks).toEqual([
      [2, 2, 1],
      [3, 3, 1],
    ]);
    const b = await da.fromZarr(root, { chunks: [4, 5] });
    const want = build([5, 7], (i) => i * 3 - 50);
    expectClose((await a.compute({ scheduler })) as da.NDArray, want);
    expectClose(
      (await b.add(1).compute({ scheduler })) as da.NDArray,
      build([5, 7], (i) => i * 3 - 49),
    );
  });

  it('toZarr writes a v3 array chunked like the blocks, and it reads back', async () => {
    const root = join(dir, `v3-${scheduler}`);
    const vals = build([6, 5], (i) => i * 0.5);
    const x = da.fromArray(vals, { chunks: [4, 2] }).astype('float32');
    expect(await da.toZarr(x, root, { path: 'grp/x', scheduler })).toEqual([join(root, 'grp', 'x')]);
    const meta = JSON.parse(readFileSync(join(root, 'grp', 'x', 'zarr.json'), 'utf8')) as {
      zarr_format: number;
      shape: number[];
      data_type: string;
      chunk_grid: { configuration: { chunk_shape: number[] } };
    };
    expect(meta.zarr_format).toBe(3);
    expect(meta.shape).toEqual([6, 5]);
    expect(meta.data_type).toBe('float32');
    expect(meta.chunk_grid.configuration.chunk_shape).toEqual([4, 2]);
    const y = await da.fromZarr(root, { path: 'grp/x' });
    expect(y.chunks).toEqual([
      [4, 2],
      [2, 2, 1],
    ]);
    expectClose((await y.compute({ scheduler })) as da.NDArray, vals);
    const bools = da.fromArray([true, false, true, true, false]).rechunk(2);
    await da.toZarr(bools, root, { path: 'b', scheduler });
    expect(((await (await da.fromZarr(root, { path: 'b' })).compute({ scheduler })) as da.NDArray).toArray()).toEqual([true, false, true, true, false]);
  });

  it('toZarr with compute: false writes nothing until computed, and two writers run in one compute', async () => {
    const root = join(dir, `lazy-${scheduler}`);
    const a = build([5, 4], (i) => i * 2 - 7);
    const b = build([6], (i) => i + 0.5);
    const wa = da.fromArray(a, { chunks: [2, 3] }).toZarr(root, { path: 'a', compute: false });
    const wb = da.toZarr(da.fromArray(b, { chunks: 4 }), root, { path: 'b', zarrFormat: 2, compute: false });
    expect(existsSync(root)).toBe(false);
    expect(await compute(wa, wb, { scheduler })).toEqual([[join(root, 'a')], [join(root, 'b')]]);
    expectClose((await (await da.fromZarr(root, { path: 'a' })).compute({ scheduler })) as da.NDArray, a);
    expectClose((await (await da.fromZarr(root, { path: 'b' })).compute({ scheduler })) as da.NDArray, b);
  });

  it('toZarr with zarrFormat 2 writes .zarray, parent .zgroup and raw C-order chunks, and it reads back', async () => {
    const root = join(dir, `w2-${scheduler}`);
    const vals = build([5, 7], (i) => i * 1.5 - 20);
    const x = da.fromArray(vals, { chunks: [2, 3] });
    expect(await da.toZarr(x, root, { path: 'grp/x', zarrFormat: 2, scheduler })).toEqual([join(root, 'grp', 'x')]);
    const meta = JSON.parse(readFileSync(join(root, 'grp', 'x', '.zarray'), 'utf8')) as Record<string, unknown>;
    expect(meta).toEqual({
      zarr_format: 2,
      shape: [5, 7],
      chunks: [2, 3],
      dtype: '<f8',
      compressor: null,
      fill_value: 0,
      order: 'C',
      filters: null,
      dimension_separator: '.',
    });
    expect(JSON.parse(readFileSync(join(root, '.zgroup'), 'utf8'))).toEqual({ zarr_format: 2 });
    expect(JSON.parse(readFileSync(join(root, 'grp', '.zgroup'), 'utf8'))).toEqual({ zarr_format: 2 });
    expect(existsSync(join(root, 'grp', 'x', 'zarr.json'))).toBe(false);
    // chunk (1, 2) holds rows 2..3, column 6 (the rest of the 2x3 chunk is fill): little-endian f8
    const raw = readFileSync(join(root, 'grp', 'x', '1.2'));
    expect(raw.length).toBe(2 * 3 * 8);
    const got = Array.from({ length: 6 }, (_, k) => raw.readDoubleLE(k * 8));
    expect(got).toEqual([2 * 7 + 6, 0, 0, 3 * 7 + 6, 0, 0].map((i, k) => (k % 3 === 0 ? i * 1.5 - 20 : 0)));
    const y = await da.fromZarr(root, { path: 'grp/x' });
    expect(y.dtype).toBe('float64');
    expect(y.chunks).toEqual([
      [2, 2, 1],
      [3, 3, 1],
    ]);
    expectClose((await y.compute({ scheduler })) as da.NDArray, vals);
    // int64 and bool round-trip too
    const big = da.arange(0, 9, 1).mul(1000000007).rechunk(4);
    await da.toZarr(big, root, { path: 'i', zarrFormat: 2, scheduler });
    expect(JSON.parse(readFileSync(join(root, 'i', '.zarray'), 'utf8')).dtype).toBe('<i8');
    expect(((await (await da.fromZarr(root, { path: 'i' })).compute({ scheduler })) as da.NDArray).toArray()).toEqual(
      Array.from({ length: 9 }, (_, i) => BigInt(i) * 1000000007n),
    );
    await da.toZarr(da.fromArray([true, false, true, true, false]).rechunk(2), root, { path: 'b', zarrFormat: 2, scheduler });
    expect(JSON.parse(readFileSync(join(root, 'b', '.zarray'), 'utf8'))).toMatchObject({ dtype: '|b1', fill_value: false });
    expect(((await (await da.fromZarr(root, { path: 'b' })).compute({ scheduler })) as da.NDArray).toArray()).toEqual([true, false, true, true, false]);
    await expect(da.toZarr(x, root, { path: 'bad', zarrFormat: 4 as never, scheduler })).rejects.toThrow(da.InputError);
  });

  it('rewriting a path in the other format replaces the array there', async () => {
    const root = join(dir, `swap-${scheduler}`);
    const a = build([4, 3], (i) => i + 0.25);
    const b = build([5], (i) => -i);
    await da.toZarr(da.fromArray(a, { chunks: [2, 2] }), root, { path: 'x', zarrFormat: 2, scheduler });
    await da.toZarr(da.fromArray(b, { chunks: 2 }), root, { path: 'x', scheduler });
    expect(existsSync(join(root, 'x', '.zarray'))).toBe(false);
    expect(JSON.parse(readFileSync(join(root, 'x', 'zarr.json'), 'utf8')).shape).toEqual([5]);
    expectClose((await (await da.fromZarr(root, { path: 'x' })).compute({ scheduler })) as da.NDArray, b);
    await da.toZarr(da.fromArray(a, { chunks: [2, 2] }), root, { path: 'x', zarrFormat: 2, scheduler });
    expect(existsSync(join(root, 'x', 'zarr.json'))).toBe(false);
    expectClose((await (await da.fromZarr(root, { path: 'x' })).compute({ scheduler })) as da.NDArray, a);
  });

  it('a missing array is an InputError naming the path', async () => {
    await expect(da.fromZarr(join(dir, 'nothing'))).rejects.toThrow(da.InputError);
  });
});
