/**
 * NumPy .npy files: `fromNpy(path, { chunks })` reads lazily, one task per block reading only its
 * bytes; `toNpy(x, path)` writes the header, then computes the blocks, each task writing its own
 * bytes into place. Node only (the ops live in `@tsdask/array/io`).
 */
import { checkOptions } from './options.js';
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from './platform/fs.js';
import { Collection, compute, ref, task, throwIfCancelled, tokenize, validateOptions, type ComputeOptions } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer } from './factory.js';
import { blockShape, cumdims, normalizeChunks, type ChunksLike, requireKnownChunks } from './chunks.js';
import { itemsize } from './dtype.js';
import { InputError } from './errors.js';
import { npyHeader, parseNpyHeader, type NpyStamp } from './io/npy-format.js';
import { sizeOf } from './kernels/chunk.js';
import { blockKey, ChunkLayer } from './layer.js';

const IO = (name: string): string => `@tsdask/array/io#${name}`;

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
  } finally { closeSync(fd); }
  let h;
  try { h = parseNpyHeader(head.subarray(0, n)); } catch (err) { throw new InputError('fromNpy', `${path}: ${(err as Error).message}`); }
  const want = h.offset + h.shape.reduce((a, b) => a * b, 1) * itemsize(h.dtype);
  if (stamp.size < want) {
    throw new InputError('fromNpy', `${path} is truncated: its header describes ${want} bytes (shape (${h.shape.join(', ')}), ${h.dtype}) but the file has ${stamp.size}.`);
  }
  const chunks = normalizeChunks(opts.chunks ?? 'auto', h.shape, h.dtype);
  const starts = chunks.map((c) => cumdims(c));
  const name = `from-npy-${tokenize(path, h, chunks, stamp)}`;
  const layer = new ChunkLayer(name, 'from-npy', chunks.map((c) => c.length), [], (idx) =>
    task(IO('readNpyBlock'), path, h.offset, h.shape, h.dtype, idx.map((i, d) => (starts[d] as number[])[i] as number), blockShape(chunks, idx), stamp));
  return arrayFromLayer(layer, [], chunks, h.dtype);
}

/** Writes an array to a .npy file, block by block; resolves to the bytes of data written. */
export async function toNpy(x: DaskArray, path: string, opts: ComputeOptions = {}): Promise<number> {
  // Bad options or a cancelled signal fail before the file is touched.
  validateOptions(opts, 'compute');
  throwIfCancelled(opts.signal);
  requireKnownChunks('toNpy', x.chunks, undefined, 'the file needs every length');
  const header = npyHeader(x.shape, x.dtype);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header, 0, header.length, 0);
    ftruncateSync(fd, header.length + sizeOf(x.shape) * itemsize(x.dtype));
  } finally {
    closeSync(fd);
  }
  const starts = x.chunks.map((c) => cumdims(c));
  const name = `to-npy-${tokenize(path, x.name)}`;
  const layer = new ChunkLayer(name, 'to-npy', x.numblocks, [x.name], (idx) =>
    task(IO('writeNpyBlock'), path, header.length, x.shape, idx.map((i, d) => (starts[d] as number[])[i] as number), ref(blockKey(x.name, idx))));
  const writes = arrayFromLayer(layer, [x], x.numblocks.map((n) => Array.from({ length: n }, () => 1)), 'float64');
  const [counts] = await compute(new WriteCounts(writes), opts);
  return counts as number;
}

/** A collection whose result is the sum of the per-block counts of a writer's blocks. */
export class WriteCounts extends Collection<number> {
  readonly graph;
  readonly outputKeys;
  constructor(a: DaskArray) {
    super();
    this.graph = a.graph;
    this.outputKeys = a.outputKeys;
  }
  finalize(values: readonly unknown[]): number {
    return (values as number[]).reduce((p, q) => p + q, 0);
  }
}
