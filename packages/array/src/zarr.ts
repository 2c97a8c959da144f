/**
 * Zarr (v2 and v3) stores on disk through zarrita: `fromZarr(root, { path, chunks })` reads lazily,
 * one task per block reading only the Zarr chunks it overlaps; `toZarr(x, root, { path,
 * zarrFormat })` creates (in its first task) a Zarr v3 (default) or v2 array whose chunks are
 * the array's blocks (rechunked to regular blocks first), so every task writes whole Zarr
 * chunks and no two tasks touch the same one.
 */
import { checkOptions } from './options.js';
import { ref, task, tokenize, writeResult, type ComputeOptions, type Delayed, type WriteOptions } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer } from './factory.js';
import { blockShape, cumdims, normalizeChunks, type ChunksLike, requireKnownChunks } from './chunks.js';
import { isDType, type DType } from './dtype.js';
import { zarrStamp } from './io/zarr-stamp.js';
import { resolve } from './platform/fs.js';
import { DTypeError, InputError } from './errors.js';
import { blockKey, ChunkLayer } from './layer.js';
import { arrayWritePlan, IO } from './write-plan.js';
import { rechunk } from './rechunk.js';

/** Options of fromZarr / toZarr. */
export interface ZarrOptions {
  /** The array's path inside the store (default: the root). */
  path?: string;
  /** Block sizes (default: the Zarr chunks when reading). */
  chunks?: ChunksLike;
  /** The Zarr format toZarr writes: 3 (default) or 2. fromZarr reads either. */
  zarrFormat?: 2 | 3;
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
  const stamp = zarrStamp(format, shape, arr.chunks, dtype);
  const name = `from-zarr-${tokenize(root, path, stamp, chunks)}`;
  const layer = new ChunkLayer(
    name,
    'from-zarr',
    chunks.map((c) => c.length),
    [],
    (idx) =>
      task(
        IO('readZarrBlock'),
        root,
        path,
        idx.map((i, d) => (starts[d] as number[])[i] as number),
        blockShape(chunks, idx),
        dtype,
        format,
        stamp,
      ),
  );
  return arrayFromLayer(layer, [], chunks, dtype as DType);
}

/** Options of toZarr: the Zarr ones, `compute`, and compute options when computing now. */
export type ToZarrOptions = ZarrOptions & WriteOptions & ComputeOptions;

/**
 * Writes an array as a Zarr v3 (or, with `zarrFormat: 2`, v2) array on disk; resolves to the
 * array's path (`[root/path]`, resolved), or with `{ compute: false }` is a Delayed of it that
 * writes when computed. Nothing is written before (the metadata is the first task).
 */
export function toZarr(x: DaskArray, root: string, opts: ToZarrOptions & { compute: false }): Delayed<string[]>;
export function toZarr(x: DaskArray, root: string, opts?: ToZarrOptions & { compute?: true }): Promise<string[]>;
export function toZarr(x: DaskArray, root: string, opts?: ToZarrOptions): Promise<string[]> | Delayed<string[]>;
export function toZarr(x0: DaskArray, root: string, opts: ToZarrOptions = {}): Promise<string[]> | Delayed<string[]> {
  // Every compute option goes on (signal, timeout, memoryLimit, ...); the Zarr ones stay here.
  const { path: _path, chunks: _chunks, zarrFormat: _format, ...rest } = opts;
  return writeResult(
    'toZarr',
    () => {
      requireKnownChunks('toZarr', x0.chunks, undefined, 'the file needs every length');
      const path = opts.path ?? '/';
      const format = opts.zarrFormat ?? 3;
      if (format !== 2 && format !== 3) throw new InputError('toZarr', `zarrFormat must be 2 or 3, got ${String(format)}.`);
      // Zarr chunks are regular: use the first block size on each axis
      const x =
        opts.chunks !== undefined
          ? rechunk(x0, opts.chunks)
          : rechunk(
              x0,
              x0.chunks.map((c) => Math.max(1, c[0] as number)),
            );
      const chunkShape = x.chunks.map((c) => Math.max(1, c[0] as number));
      const starts = x.chunks.map((c) => cumdims(c));
      const stamp = zarrStamp(format, x.shape, chunkShape, x.dtype);
      const name = `to-zarr-${tokenize(root, path, x.name, stamp)}`;
      const create = task(IO('createZarr'), root, path, x.shape, chunkShape, x.dtype, format);
      return arrayWritePlan(
        x,
        name,
        'to-zarr',
        create,
        (idx, created) =>
          task(
            IO('writeZarrBlock'),
            root,
            path,
            idx.map((i, d) => (starts[d] as number[])[i] as number),
            ref(blockKey(x.name, idx)),
            format,
            stamp,
            created,
          ),
        resolve(root, ...path.split('/').filter((p) => p !== '')),
      );
    },
    rest,
  );
}
