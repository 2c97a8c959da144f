/**
 * Zarr (v2 and v3) stores on disk through zarrita: `fromZarr(root, { path, chunks })` reads lazily,
 * one task per block reading only the Zarr chunks it overlaps; `toZarr(x, root, { path,
 * zarrFormat })` creates a Zarr v3 (default) or v2 array whose chunks are the array's blocks
 * (rechunked to regular blocks first), so every task writes whole Zarr chunks and no two tasks
 * touch the same one. zarrita creates v3 arrays only: a v2 array's `.zarray` (and the `.zgroup`
 * of each parent group not there yet) is written here, and its chunks go through zarrita.
 */
import { checkOptions } from './options.js';
import { compute, ref, task, throwIfCancelled, tokenize, validateOptions, type ComputeOptions } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer } from './factory.js';
import { WriteCounts } from './npy.js';
import { blockShape, cumdims, normalizeChunks, type ChunksLike, requireKnownChunks } from './chunks.js';
import { isDType, type DType } from './dtype.js';
import { DTypeError, InputError } from './errors.js';
import { blockKey, ChunkLayer } from './layer.js';
import { rechunk } from './rechunk.js';

const IO = (name: string): string => `@tsdask/array/io#${name}`;

/** Options of fromZarr / toZarr. */
export interface ZarrOptions {
  /** The array's path inside the store (default: the root). */
  path?: string;
  /** Block sizes (default: the Zarr chunks when reading). */
  chunks?: ChunksLike;
  /** The Zarr format toZarr writes: 3 (default) or 2. fromZarr reads either. */
  zarrFormat?: 2 | 3;
}

/** NumPy type strings of Zarr v2 metadata (little-endian). */
const V2_DTYPES: Record<DType, string> = {
  float64: '<f8', float32: '<f4', int64: '<i8', int32: '<i4', int16: '<i2', int8: '|i1',
  uint32: '<u4', uint16: '<u2', uint8: '|u1', bool: '|b1',
};

/** Writes the metadata of a Zarr v2 array (uncompressed, C order) and of its missing parent groups. */
async function createV2(store: { get(key: string): Promise<Uint8Array | undefined>; set(key: string, value: Uint8Array): Promise<void> }, path: string, shape: number[], chunks: number[], dtype: DType): Promise<void> {
  const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 2));
  const parts = path.split('/').filter((p) => p !== '');
  for (let k = 0; k < parts.length; k++) {
    const key = `/${[...parts.slice(0, k), '.zgroup'].join('/')}`;
    if ((await store.get(key)) === undefined) await store.set(key, json({ zarr_format: 2 }));
  }
  await store.set(`/${[...parts, '.zarray'].join('/')}`, json({
    zarr_format: 2, shape, chunks, dtype: V2_DTYPES[dtype], compressor: null, fill_value: dtype === 'bool' ? false : 0,
    order: 'C', filters: null, dimension_separator: '.',
  }));
}

/** A lazy array over a Zarr array on disk. */
export async function fromZarr(root: string, opts: ZarrOptions = {}): Promise<DaskArray> {
  checkOptions('fromZarr', opts, ['path', 'chunks']);
  const path = opts.path ?? '/';
  const io = await import('./io/zarr-ops.js');
  io.forgetZarr(root, path);
  const format = await io.zarrFormatAt(root, path);
  let arr;
  try {
    arr = await io.openZarrArray(root, path, format);
  } catch (err) {
    throw new InputError('fromZarr', `no Zarr array at '${path}' in '${root}': ${(err as Error).message}`);
  }
  const dtype = arr.dtype as string;
  if (!isDType(dtype)) throw new DTypeError('fromZarr', dtype, 'this Zarr data type is not supported.');
  const shape = [...arr.shape];
  const chunks = normalizeChunks(opts.chunks ?? shape.map((_, d) => arr.chunks[d] as number), shape, dtype);
  const starts = chunks.map((c) => cumdims(c));
  const stamp = io.zarrStamp(format, shape, arr.chunks, dtype);
  const name = `from-zarr-${tokenize(root, path, stamp, chunks)}`;
  const layer = new ChunkLayer(name, 'from-zarr', chunks.map((c) => c.length), [], (idx) =>
    task(IO('readZarrBlock'), root, path, idx.map((i, d) => (starts[d] as number[])[i] as number), blockShape(chunks, idx), dtype, format, stamp));
  return arrayFromLayer(layer, [], chunks, dtype as DType);
}

/** Writes an array as a Zarr v3 (or, with `zarrFormat: 2`, v2) array on disk; resolves to the number of elements written. */
export async function toZarr(x0: DaskArray, root: string, opts: ZarrOptions & ComputeOptions = {}): Promise<number> {
  // Every compute option goes on (signal, timeout, memoryLimit, ...); the Zarr ones stay here.
  // Bad options or a cancelled signal fail before the store is touched.
  const { path: _path, chunks: _chunks, zarrFormat: _format, ...computeOpts } = opts;
  validateOptions(computeOpts, 'compute');
  throwIfCancelled(opts.signal);
  requireKnownChunks('toZarr', x0.chunks, undefined, 'the file needs every length');
  const path = opts.path ?? '/';
  // Zarr chunks are regular: use the first block size on each axis
  const x = opts.chunks !== undefined ? rechunk(x0, opts.chunks) : rechunk(x0, x0.chunks.map((c) => Math.max(1, c[0] as number)));
  const zarr = await import('zarrita');
  const { default: FileSystemStore } = await import('@zarrita/storage/fs');
  const store = new FileSystemStore(root);
  const chunkShape = x.chunks.map((c) => Math.max(1, c[0] as number));
  const format = opts.zarrFormat ?? 3;
  if (format !== 2 && format !== 3) throw new InputError('toZarr', `zarrFormat must be 2 or 3, got ${String(format)}.`);
  // an array of the other format at the same path is replaced (readers would find it first)
  const parts = path.split('/').filter((p) => p !== '');
  const other = `/${[...parts, format === 2 ? 'zarr.json' : '.zarray'].join('/')}` as const;
  if (await store.has(other)) await store.delete(other);
  if (format === 2) await createV2(store, path, x.shape, chunkShape, x.dtype);
  else await zarr.create(zarr.root(store).resolve(path), { shape: x.shape, chunkShape, dtype: x.dtype as never });
  const io = await import('./io/zarr-ops.js');
  io.forgetZarr(root, path);
  const starts = x.chunks.map((c) => cumdims(c));
  const stamp = io.zarrStamp(format, x.shape, chunkShape, x.dtype);
  const name = `to-zarr-${tokenize(root, path, x.name, stamp)}`;
  const layer = new ChunkLayer(name, 'to-zarr', x.numblocks, [x.name], (idx) =>
    task(IO('writeZarrBlock'), root, path, idx.map((i, d) => (starts[d] as number[])[i] as number), ref(blockKey(x.name, idx)), format, stamp));
  const writes = arrayFromLayer(layer, [x], x.numblocks.map((n) => Array.from({ length: n }, () => 1)), 'float64');
  const [counts] = await compute(new WriteCounts(writes), computeOpts);
  return counts as number;
}
