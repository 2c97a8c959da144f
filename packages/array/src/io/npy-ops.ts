/**
 * Worker-side ops for .npy files (`@tsdask/array/io#...`): create the file (header and size),
 * read one block, write one block. Block ops touch only the block's bytes, coalescing each run
 * of contiguous elements into one read/write.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { InputError } from '../errors.js';
import { npyHeader, type NpyStamp } from './npy-format.js';
import { itemsize, type DType } from '../dtype.js';
import { allocData, sizeOf, stridesOf, type NDChunk } from '../kernels/chunk.js';

/** Calls `visit(fileElement, blockElement, count)` for each contiguous run of a block. */
function runs(shape: readonly number[], start: readonly number[], block: readonly number[], visit: (f: number, b: number, n: number) => void): void {
  const nd = shape.length;
  if (sizeOf(block) === 0) return;
  if (nd === 0) {
    visit(0, 0, 1);
    return;
  }
  let j = nd - 1;
  while (j > 0 && block[j] === shape[j]) j--;
  const seg = sizeOf(block.slice(j));
  const fst = stridesOf(shape);
  const outer = block.slice(0, j);
  const count = sizeOf(outer);
  const idx = outer.map(() => 0);
  for (let r = 0; r < count; r++) {
    let f = 0;
    for (let d = 0; d < nd; d++) f += ((start[d] as number) + (d < j ? (idx[d] as number) : 0)) * (fst[d] as number);
    visit(f, r * seg, seg);
    for (let d = j - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (block[d] as number)) break;
      idx[d] = 0;
    }
  }
}

/**
 * Reads the block at `start` of `block` shape from a .npy file. A file that changed since it was
 * planned (`stamp`), or that ends before the block, is an InputError naming it: never a block of zeros.
 */
export function readNpyBlock(path: string, offset: number, shape: number[], dtype: DType, start: number[], block: number[], stamp?: NpyStamp): NDChunk {
  const data = allocData(dtype, sizeOf(block));
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = itemsize(dtype);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new InputError('fromNpy', `${path}: cannot open it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  try {
    if (stamp !== undefined) {
      const st = fstatSync(fd);
      if (st.size !== stamp.size || st.mtimeMs !== stamp.mtime) {
        throw new InputError(
          'fromNpy',
          `${path} changed after it was planned (size ${stamp.size} -> ${st.size} bytes, modified ${new Date(stamp.mtime).toISOString()} -> ${new Date(st.mtimeMs).toISOString()}); call fromNpy again.`,
        );
      }
    }
    runs(shape, start, block, (f, b, n) => {
      const at = offset + f * size;
      let got = 0;
      while (got < n * size) {
        const r = readSync(fd, bytes, b * size + got, n * size - got, at + got);
        if (r <= 0) throw new InputError('fromNpy', `${path} ends at byte ${at + got}, before byte ${at + n * size} of its data (truncated).`);
        got += r;
      }
    });
  } finally {
    closeSync(fd);
  }
  return { data, shape: block, dtype };
}

/** Creates (or truncates) a .npy file of this shape and dtype: its header, then room for the data; returns the header's length. */
export function createNpy(path: string, shape: number[], dtype: DType): number {
  const header = npyHeader(shape, dtype);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header, 0, header.length, 0);
    ftruncateSync(fd, header.length + sizeOf(shape) * itemsize(dtype));
  } finally {
    closeSync(fd);
  }
  return header.length;
}

/**
 * Writes a block at `start` into an existing .npy file; returns the bytes written. `_created`
 * (createNpy's result) only orders the write after the file's creation.
 */
export function writeNpyBlock(path: string, offset: number, shape: number[], start: number[], c: NDChunk, _created?: unknown): number {
  const bytes = new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  const size = itemsize(c.dtype);
  const fd = openSync(path, 'r+');
  let total = 0;
  try {
    runs(shape, start, c.shape, (f, b, n) => {
      total += writeSync(fd, bytes, b * size, n * size, offset + f * size);
    });
  } finally {
    closeSync(fd);
  }
  return total;
}
