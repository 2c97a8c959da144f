/** Wraps plain chunks handed to user functions (mapBlocks, blockwise) as NDArray views; a 0-d chunk's value. */
import { NDArray } from '../ndarray.js';
import type { NDChunk } from './chunk.js';

/** A chunk (or nested lists of chunks) as NDArray instances. */
export function wrapChunk(c: unknown): unknown {
  if (Array.isArray(c)) return c.map(wrapChunk);
  const x = c as NDChunk;
  return new NDArray(x.data, x.shape, x.dtype);
}

/** Like wrapChunk, but a list of one block (a dropped axis of one block) becomes that block. */
export function wrapSingle(c: unknown): unknown {
  let x = c;
  while (Array.isArray(x) && x.length === 1) x = x[0];
  return wrapChunk(x);
}

/** The value of a 0-d chunk as a JS scalar (what compute() gives for a 0-d array; toDelayed's op). */
export function scalarOf(c: unknown): number | bigint | boolean {
  const x = c as NDChunk;
  return new NDArray(x.data, x.shape, x.dtype).get();
}
