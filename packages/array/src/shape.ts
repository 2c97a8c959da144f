/**
 * Shape operations: transpose / swapaxes (block-wise with permuted block indices), squeeze and
 * expandDims (re-indexing blocks), and chunk-aware reshape: the input is rechunked so trailing
 * axes are whole, then each output block gathers the flat ranges it covers.
 */
import { ref, task, tokenize, type Node } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer } from './factory.js';
import { cumdims, normalizeAxes, normalizeAxis, requireKnownChunks } from './chunks.js';
import { AxisError, ShapeError } from './errors.js';
import { sizeOf } from './kernels/chunk.js';
import { blockKey, ChunkLayer, K } from './layer.js';
import { rechunk } from './rechunk.js';

/** Permutes the axes (reverses them when `axes` is left out). */
export function transpose(x: DaskArray, axes?: readonly number[]): DaskArray {
  const perm = axes === undefined ? x.chunks.map((_, d) => x.ndim - 1 - d) : axes.map((a) => normalizeAxis('transpose', a, x.ndim));
  if (perm.length !== x.ndim || new Set(perm).size !== x.ndim) throw new AxisError('transpose', axes, x.ndim);
  if (perm.every((p, d) => p === d)) return x;
  const chunks = perm.map((p) => [...(x.chunks[p] as number[])]);
  const name = `transpose-${tokenize(x.name, perm)}`;
  const layer = new ChunkLayer(
    name,
    'transpose',
    chunks.map((c) => c.length),
    [x.name],
    (idx) => {
      const inIdx = new Array<number>(x.ndim);
      perm.forEach((p, d) => {
        inIdx[p] = idx[d] as number;
      });
      return task(K('transpose'), ref(blockKey(x.name, inIdx)), perm);
    },
  );
  return arrayFromLayer(layer, [x], chunks, x.dtype);
}

/** Swaps two axes. */
export function swapaxes(x: DaskArray, a: number, b: number): DaskArray {
  const p = x.chunks.map((_, d) => d);
  const i = normalizeAxis('swapaxes', a, x.ndim);
  const j = normalizeAxis('swapaxes', b, x.ndim);
  [p[i], p[j]] = [p[j] as number, p[i] as number];
  return transpose(x, p);
}

/** Re-labels blocks; `inAxisOf(d)` is the input axis that output axis d comes from (for block lengths that are unknown). */
function reindex(op: string, x: DaskArray, chunks: number[][], inIdxOf: (idx: number[]) => number[], inAxisOf: (d: number) => number = () => 0): DaskArray {
  const name = `${op}-${tokenize(op, x.name, chunks)}`;
  // an unknown (NaN) length is written -1 - (input axis): the reshape kernel reads it off the block
  const layer = new ChunkLayer(
    name,
    op,
    chunks.map((c) => c.length),
    [x.name],
    (idx) =>
      task(
        K('reshape'),
        ref(blockKey(x.name, inIdxOf(idx))),
        idx.map((i, d) => {
          const v = (chunks[d] as number[])[i] as number;
          return Number.isNaN(v) ? -1 - inAxisOf(d) : v;
        }),
      ),
  );
  return arrayFromLayer(layer, [x], chunks, x.dtype);
}

/** Removes axes of length 1 (all of them when `axis` is left out). */
export function squeeze(x: DaskArray, axis?: number | number[]): DaskArray {
  const axes = axis === undefined ? x.shape.map((s, d) => (s === 1 ? d : -1)).filter((d) => d >= 0) : normalizeAxes('squeeze', axis, x.ndim);
  requireKnownChunks('squeeze', x.chunks, axes, 'cannot tell whether its length is 1');
  for (const d of axes) if (x.shape[d] !== 1) throw new ShapeError('squeeze', [x.shape], `cannot squeeze axis ${d} of length ${x.shape[d]}.`);
  if (axes.length === 0) return x;
  const chunks = x.chunks.filter((_, d) => !axes.includes(d)).map((c) => [...c]);
  const kept = x.chunks.map((_, d) => d).filter((d) => !axes.includes(d));
  return reindex(
    'squeeze',
    x,
    chunks,
    (idx) => {
      const out: number[] = [];
      let k = 0;
      for (let d = 0; d < x.ndim; d++) out.push(axes.includes(d) ? 0 : (idx[k++] as number));
      return out;
    },
    (d) => kept[d] as number,
  );
}

/** Inserts axes of length 1 at the given positions of the result. */
export function expandDims(x: DaskArray, axis: number | number[]): DaskArray {
  const nd = x.ndim + (typeof axis === 'number' ? 1 : axis.length);
  const axes = normalizeAxes('expandDims', axis, nd);
  const chunks: number[][] = [];
  let k = 0;
  for (let d = 0; d < nd; d++) chunks.push(axes.includes(d) ? [1] : [...(x.chunks[k++] as number[])]);
  const from = chunks.map((_, d) => d - axes.filter((a) => a < d).length);
  return reindex(
    'expand-dims',
    x,
    chunks,
    (idx) => idx.filter((_, d) => !axes.includes(d)),
    (d) => from[d] as number,
  );
}

/** The same elements (C order) with a new shape; one length may be -1. */
export function reshape(x: DaskArray, shape0: readonly number[]): DaskArray {
  if (x.ndim === 1 && shape0.length === 1 && shape0[0] === -1) return x; // ravel of a 1-d array
  requireKnownChunks('reshape', x.chunks);
  const shape = [...shape0];
  const neg = shape.filter((s) => s === -1).length;
  const known = sizeOf(shape.filter((s) => s !== -1));
  if (neg > 1 || shape.some((s) => !Number.isInteger(s) || s < -1))
    throw new ShapeError('reshape', [x.shape, shape0], 'lengths must be non-negative integers with at most one -1.');
  if (neg === 1) shape[shape.indexOf(-1)] = known === 0 ? 0 : x.size / known;
  if (sizeOf(shape) !== x.size || shape.some((s) => !Number.isInteger(s)))
    throw new ShapeError('reshape', [x.shape, shape0], `cannot reshape an array of size ${x.size} into this shape.`);
  if (shape.length === x.ndim && shape.every((s, d) => s === x.shape[d])) return x;
  if (x.ndim === 0 || x.size === 0 || shape.length === 0) {
    const y =
      x.ndim === 0
        ? x
        : rechunk(
            x,
            x.shape.map((s) => [s]),
          );
    return reindex(
      'reshape',
      y,
      shape.map((s) => [s]),
      () => y.chunks.map(() => 0),
    );
  }
  // input: rows along axis 0, trailing axes whole, so each block is one flat range
  const xin = rechunk(
    x,
    x.chunks.map((c, d) => (d === 0 ? [...c] : [x.shape[d] as number])),
  );
  const inRange = cumdims((xin.chunks[0] as number[]).map((r) => r * sizeOf(x.shape.slice(1))));
  const trail = sizeOf(shape.slice(1));
  const target = Math.max(1, Math.round((Math.max(...(x.chunks[0] as number[])) * sizeOf(x.shape.slice(1))) / Math.max(1, trail)));
  const rows: number[] = [];
  for (let r = 0; r < (shape[0] as number); r += target) rows.push(Math.min(target, (shape[0] as number) - r));
  if (rows.length === 0) rows.push(0);
  const chunks = [rows, ...shape.slice(1).map((s) => [s])];
  const outRange = cumdims(rows.map((r) => r * trail));
  const name = `reshape-${tokenize(xin.name, shape)}`;
  const layer = new ChunkLayer(
    name,
    'reshape',
    chunks.map((c) => c.length),
    [xin.name],
    (idx) => {
      const o = idx[0] as number;
      const lo = outRange[o] as number;
      const hi = outRange[o + 1] as number;
      const parts: Node[] = [];
      for (let b = 0; b + 1 < inRange.length; b++) {
        const a = Math.max(lo, inRange[b] as number);
        const e = Math.min(hi, inRange[b + 1] as number);
        if (e > a) parts.push([ref(blockKey(xin.name, [b, ...x.shape.slice(1).map(() => 0)])), a - (inRange[b] as number), e - (inRange[b] as number)]);
      }
      return task(K('flatConcat'), [rows[o] as number, ...shape.slice(1)], x.dtype, parts);
    },
  );
  return arrayFromLayer(layer, [xin], chunks, x.dtype);
}
