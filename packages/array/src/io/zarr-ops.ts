/**
 * Worker-side ops for Zarr stores on disk, through zarrita (`@tsdask/array/io#...`): create an
 * array (v3 through zarrita, which creates v3 only; v2's `.zarray` and the `.zgroup` of each
 * missing parent group written here), read the region of one block, write one block. Opened
 * arrays are cached per store and path.
 */
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import type { DType } from '../dtype.js';
import { allocData, sizeOf, type NDChunk } from '../kernels/chunk.js';

const cache = new Map<string, Promise<zarr.Array<zarr.DataType, FileSystemStore>>>();

/**
 * Opens (once per thread) the Zarr array at `path` inside the store rooted at `root`: of the
 * given format, or whichever is there when left out. `stamp` names what the caller saw of the
 * array (format, shape, chunks, dtype): worker threads keep their own cache, which the main
 * thread cannot clear, so a rewritten array must not be found under its old metadata.
 */
export function openZarrArray(root: string, path: string, format?: 2 | 3, stamp = ''): Promise<zarr.Array<zarr.DataType, FileSystemStore>> {
  const key = `${root}\u0000${path}\u0000${format ?? ''}\u0000${stamp}`;
  let p = cache.get(key);
  if (p === undefined) {
    const loc = zarr.root(new FileSystemStore(root)).resolve(path);
    p = format === 2 ? zarr.open.v2(loc, { kind: 'array' }) : format === 3 ? zarr.open.v3(loc, { kind: 'array' }) : zarr.open(loc, { kind: 'array' });
    // a failed open is not kept: the array may be written later
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** The format of the Zarr array at `path` (2 when a `.zarray` is there, else 3). */
export async function zarrFormatAt(root: string, path: string): Promise<2 | 3> {
  const parts = path.split('/').filter((q) => q !== '');
  return (await new FileSystemStore(root).has(`/${[...parts, '.zarray'].join('/')}`)) ? 2 : 3;
}

export { zarrStamp } from './zarr-stamp.js';

/** Forgets cached arrays (after a store was rewritten). */
export function forgetZarr(root: string, path: string): void {
  for (const k of cache.keys()) if (k.startsWith(`${root}\u0000${path}\u0000`)) cache.delete(k);
}

/** NumPy type strings of Zarr v2 metadata (little-endian). */
const V2_DTYPES: Record<DType, string> = {
  float64: '<f8',
  float32: '<f4',
  int64: '<i8',
  int32: '<i4',
  int16: '<i2',
  int8: '|i1',
  uint32: '<u4',
  uint16: '<u2',
  uint8: '|u1',
  bool: '|b1',
};

/** Writes the metadata of a Zarr v2 array (uncompressed, C order) and of its missing parent groups. */
async function createV2(store: FileSystemStore, path: string, shape: number[], chunks: number[], dtype: DType): Promise<void> {
  const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 2));
  const parts = path.split('/').filter((p) => p !== '');
  for (let k = 0; k < parts.length; k++) {
    const key = `/${[...parts.slice(0, k), '.zgroup'].join('/')}` as const;
    if ((await store.get(key)) === undefined) await store.set(key, json({ zarr_format: 2 }));
  }
  await store.set(
    `/${[...parts, '.zarray'].join('/')}`,
    json({
      zarr_format: 2,
      shape,
      chunks,
      dtype: V2_DTYPES[dtype],
      compressor: null,
      fill_value: dtype === 'bool' ? false : 0,
      order: 'C',
      filters: null,
      dimension_separator: '.',
    }),
  );
}

/**
 * Creates an empty Zarr array of `format` at `path` in the store at `root` (an array of the
 * other format there is replaced: readers would find it first); returns 0.
 */
export async function createZarr(root: string, path: string, shape: number[], chunkShape: number[], dtype: DType, format: 2 | 3): Promise<number> {
  const store = new FileSystemStore(root);
  const parts = path.split('/').filter((p) => p !== '');
  const other = `/${[...parts, format === 2 ? 'zarr.json' : '.zarray'].join('/')}` as const;
  if (await store.has(other)) await store.delete(other);
  if (format === 2) await createV2(store, path, shape, chunkShape, dtype);
  else await zarr.create(zarr.root(store).resolve(path), { shape, chunkShape, dtype: dtype as never });
  forgetZarr(root, path);
  return 0;
}

/** Reads the region `[start, start + block)` of a Zarr array into a C-ordered chunk. */
export async function readZarrBlock(
  root: string,
  path: string,
  start: number[],
  block: number[],
  dtype: DType,
  format?: 2 | 3,
  stamp?: string,
): Promise<NDChunk> {
  const arr = await openZarrArray(root, path, format, stamp);
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

/** Writes a block at `start` into a Zarr array of the given format; returns the number of elements written. */
export async function writeZarrBlock(
  root: string,
  path: string,
  start: number[],
  c: NDChunk,
  format?: 2 | 3,
  stamp?: string,
  _created?: unknown,
): Promise<number> {
  const arr = await openZarrArray(root, path, format, stamp);
  const sel = start.map((s, d) => zarr.slice(s, s + (c.shape[d] as number)));
  const stride: number[] = [];
  let s = 1;
  for (let d = c.shape.length - 1; d >= 0; d--) {
    stride[d] = s;
    s *= c.shape[d] as number;
  }
  const data = c.dtype === 'bool' ? new zarr.BoolArray(new Uint8Array(c.data as Uint8Array).buffer) : c.data;
  await zarr.set(arr, sel, { data, shape: [...c.shape], stride } as never);
  return sizeOf(c.shape);
}
