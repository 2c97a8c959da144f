/**
 * Worker-side ops for Zarr stores on disk, through zarrita (`@tsdask/array/io#...`): read the
 * region of one block, write one block. Opened arrays are cached per store and path.
 */
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import type { DType } from '../dtype.js';
import { allocData, sizeOf, type NDChunk } from '../kernels/chunk.js';

const cache = new Map<string, Promise<zarr.Array<zarr.DataType, FileSystemStore>>>();

/** Opens (once per thread) the Zarr array at `path` inside the store rooted at `root`. */
export function openZarrArray(root: string, path: string): Promise<zarr.Array<zarr.DataType, FileSystemStore>> {
  const key = `${root}\u0000${path}`;
  let p = cache.get(key);
  if (p === undefined) {
    p = zarr.open(zarr.root(new FileSystemStore(root)).resolve(path), { kind: 'array' });
    cache.set(key, p);
  }
  return p;
}

/** Forgets cached arrays (after a store was rewritten). */
export function forgetZarr(root: string, path: string): void {
  cache.delete(`${root}\u0000${path}`);
}

/** Reads the region `[start, start + block)` of a Zarr array into a C-ordered chunk. */
export async function readZarrBlock(root: string, path: string, start: number[], block: number[], dtype: DType): Promise<NDChunk> {
  const arr = await openZarrArray(root, path);
  const sel = start.map((s, d) => zarr.slice(s, s + (block[d] as number)));
  const got = (await zarr.get(arr, sel)) as { data: ArrayLike<unknown> & { buffer?: ArrayBufferLike }; shape: number[]; stride: number[] };
  const out = allocData(dtype, sizeOf(block));
  const src = dtype === 'bool' ? new Uint8Array((got.data as unknown as { buffer: ArrayBuffer }).buffer) : got.data;
  const nd = block.length;
  // copy through the returned strides into C order
  const idx = block.map(() => 0);
  const n = sizeOf(block);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let d = 0; d < nd; d++) off += (idx[d] as number) * (got.stride[d] as number);
    (out as unknown as unknown[])[i] = (src as unknown as unknown[])[off];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (block[d] as number)) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: block, dtype };
}

/** Writes a block at `start` into a Zarr array; returns the number of elements written. */
export async function writeZarrBlock(root: string, path: string, start: number[], c: NDChunk): Promise<number> {
  const arr = await openZarrArray(root, path);
  const sel = start.map((s, d) => zarr.slice(s, s + (c.shape[d] as number)));
  const stride: number[] = [];
  let s = 1;
  for (let d = c.shape.length - 1; d >= 0; d--) { stride[d] = s; s *= c.shape[d] as number; }
  const data = c.dtype === 'bool' ? new zarr.BoolArray(new Uint8Array(c.data as Uint8Array).buffer) : c.data;
  await zarr.set(arr, sel, { data, shape: [...c.shape], stride } as never);
  return sizeOf(c.shape);
}
