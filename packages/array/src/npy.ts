/**
 * NumPy .npy files: `fromNpy(path, { chunks })` reads lazily, one task per block reading only its
 * bytes; `toNpy(x, path)` is one task writing the header, then one per block writing its own
 * bytes into place. Node only (the ops live in `@tsdask/array/io`).
 */
import { checkOptions } from './options.js';
import { closeSync, fstatSync, openSync, readSync, resolve } from './platform/fs.js';
import { ref, task, tokenize, writeResult, type ComputeOptions, type Delayed, type WriteOptions } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer } from './factory.js';
import { blockShape, cumdims, normalizeChunks, type ChunksLike, requireKnownChunks } from './chunks.js';
import { itemsize } from './dtype.js';
import { InputError } from './errors.js';
import { npyHeader, parseNpyHeader, type NpyStamp } from './io/npy-format.js';
import { blockKey, ChunkLayer } from './layer.js';
import { arrayWritePlan, IO } from './write-plan.js';

/** A lazy array over a .npy file. */
export function fromNpy(path: string, opts: { chunks?: ChunksLike } = {}): DaskArray {
  checkOptions('fromNpy', opts, ['chunks']);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new InputError('fromNpy', `${path}: cannot open it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  const head = new Uint8Array(4096);
  let n: number;
  let stamp: NpyStamp;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError('fromNpy', `${path} is not a file.`);
    stamp = { size: st.size, mtime: st.mtimeMs };
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  let h;
  try {
    h = parseNpyHeader(head.subarray(0, n));
  } catch (err) {
    throw new InputError('fromNpy', `${path}: ${(err as Error).message}`);
  }
  const want = h.offset + h.shape.reduce((a, b) => a * b, 1) * itemsize(h.dtype);
  if (stamp.size < want) {
    throw new InputError(
      'fromNpy',
      `${path} is truncated: its header describes ${want} bytes (shape (${h.shape.join(', ')}), ${h.dtype}) but the file has ${stamp.size}.`,
    );
  }
  const chunks = normalizeChunks(opts.chunks ?? 'auto', h.shape, h.dtype);
  const starts = chunks.map((c) => cumdims(c));
  const name = `from-npy-${tokenize(path, h, chunks, stamp)}`;
  const layer = new ChunkLayer(
    name,
    'from-npy',
    chunks.map((c) => c.length),
    [],
    (idx) =>
      task(
        IO('readNpyBlock'),
        path,
        h.offset,
        h.shape,
        h.dtype,
        idx.map((i, d) => (starts[d] as number[])[i] as number),
        blockShape(chunks, idx),
        stamp,
      ),
  );
  return arrayFromLayer(layer, [], chunks, h.dtype);
}

/** Options of toNpy: `compute`, and compute options when computing now. */
export type ToNpyOptions = WriteOptions & ComputeOptions;

/**
 * Writes an array to a .npy file, block by block; resolves to `[path]` (resolved), or with
 * `{ compute: false }` is a Delayed of it that writes when computed. Nothing is written before.
 */
export function toNpy(x: DaskArray, path: string, opts: ToNpyOptions & { compute: false }): Delayed<string[]>;
export function toNpy(x: DaskArray, path: string, opts?: ToNpyOptions & { compute?: true }): Promise<string[]>;
export function toNpy(x: DaskArray, path: string, opts?: ToNpyOptions): Promise<string[]> | Delayed<string[]>;
export function toNpy(x: DaskArray, path: string, opts: ToNpyOptions = {}): Promise<string[]> | Delayed<string[]> {
  return writeResult(
    'toNpy',
    () => {
      requireKnownChunks('toNpy', x.chunks, undefined, 'the file needs every length');
      const offset = npyHeader(x.shape, x.dtype).length;
      const starts = x.chunks.map((c) => cumdims(c));
      const name = `to-npy-${tokenize(path, x.name)}`;
      return arrayWritePlan(
        x,
        name,
        'to-npy',
        task(IO('createNpy'), path, x.shape, x.dtype),
        (idx, created) =>
          task(
            IO('writeNpyBlock'),
            path,
            offset,
            x.shape,
            idx.map((i, d) => (starts[d] as number[])[i] as number),
            ref(blockKey(x.name, idx)),
            created,
          ),
        resolve(path),
      );
    },
    opts,
  );
}
