/**
 * Cumulative kernels (cumsum, cumprod) along an axis: each block is accumulated on its own,
 * the last slice of each block is carried forward, and each block adds (multiplies) the carry
 * of the blocks before it. Input and output have the same dtype (the collection casts first).
 */
import { allocData, sizeOf, type NDChunk } from './chunk.js';
import { slice } from './layout.js';

type Kind = 'cumsum' | 'cumprod';

function op(kind: Kind, a: number, b: number): number {
  return kind === 'cumsum' ? a + b : a * b;
}

/** The running sum (product) of a chunk along `axis`. */
export function cumulate(kind: Kind, c: NDChunk, axis: number): NDChunk {
  const n = sizeOf(c.shape);
  const out = allocData(c.dtype, n) as unknown as number[];
  const a = c.data as unknown as number[];
  const pre = sizeOf(c.shape.slice(0, axis));
  const len = c.shape[axis] as number;
  const post = sizeOf(c.shape.slice(axis + 1));
  for (let p = 0; p < pre; p++) {
    for (let k = 0; k < len; k++) {
      const row = (p * len + k) * post;
      if (k === 0) for (let q = 0; q < post; q++) out[row + q] = a[row + q] as number;
      else for (let q = 0; q < post; q++) out[row + q] = op(kind, out[row - post + q] as number, a[row + q] as number);
    }
  }
  return { data: out as never, shape: c.shape, dtype: c.dtype };
}

/** The last slice of a chunk along `axis`, kept as length 1. */
export function lastAlong(c: NDChunk, axis: number): NDChunk {
  return slice(
    c,
    c.shape.map((s, d) => (d === axis ? [s - 1, s, 1] : [0, s, 1]) as [number, number, number]),
  );
}

/** Element-wise sum (product) of two carries of the same shape. */
export function carryCombine(kind: Kind, x: NDChunk, y: NDChunk): NDChunk {
  const n = x.data.length;
  const out = allocData(x.dtype, n) as unknown as number[];
  const a = x.data as unknown as number[];
  const b = y.data as unknown as number[];
  for (let i = 0; i < n; i++) out[i] = op(kind, a[i] as number, b[i] as number);
  return { data: out as never, shape: x.shape, dtype: x.dtype };
}

/** A block's running values combined with the carry of the blocks before it (broadcast along `axis`). */
export function applyCarry(kind: Kind, local: NDChunk, carry: NDChunk, axis: number): NDChunk {
  const n = sizeOf(local.shape);
  const out = allocData(local.dtype, n) as unknown as number[];
  const a = local.data as unknown as number[];
  const cv = carry.data as unknown as number[];
  const pre = sizeOf(local.shape.slice(0, axis));
  const len = local.shape[axis] as number;
  const post = sizeOf(local.shape.slice(axis + 1));
  for (let p = 0; p < pre; p++) {
    for (let k = 0; k < len; k++) {
      const row = (p * len + k) * post;
      for (let q = 0; q < post; q++) out[row + q] = op(kind, cv[p * post + q] as number, a[row + q] as number);
    }
  }
  return { data: out as never, shape: local.shape, dtype: local.dtype };
}
