/**
 * concatenate and stack: blocks of the inputs are re-labelled along the axis (no copies); the
 * other axes are rechunked to the first array's blocks when they differ.
 */
import { HighLevelGraph, ref, task, tokenize } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { newArray } from './factory.js';
import { isUnknownAxis, normalizeAxis, requireKnownChunks, sameChunks } from './chunks.js';
import { promoteTypes, type DType } from './dtype.js';
import type { Promote } from './dtype-rules.js';
import type { AddNdim } from './ndim-rules.js';
import { astype } from './elementwise.js';
import { ShapeError } from './errors.js';
import { blockKey, ChunkLayer } from './layer.js';
import { rechunk } from './rechunk.js';
import { expandDims } from './shape.js';

/** Joins arrays along an existing axis (the dtype promoted over all of them). */
export function concatenate<D extends DType, N extends number>(arrays: readonly DaskArray<D, N>[], axis?: number): DaskArray<Promote<D, D>, N>;
export function concatenate(arrays: readonly DaskArray[], axis0 = 0): DaskArray {
  if (arrays.length === 0) throw new ShapeError('concatenate', [], 'needs at least one array.');
  const first = arrays[0] as DaskArray;
  const axis = normalizeAxis('concatenate', axis0, first.ndim);
  // blocks of unknown size are fine along the axis (they are only re-labelled); across it, only
  // the very same blocks line up (as in element-wise operations)
  for (const a of arrays) {
    if (a.ndim !== first.ndim) continue;
    const d = a.chunks.findIndex(
      (c, k) => k !== axis && (isUnknownAxis(c) || isUnknownAxis(first.chunks[k] as number[])) && !sameChunks([c], [first.chunks[k] as number[]]),
    );
    if (d >= 0)
      requireKnownChunks(
        'concatenate',
        isUnknownAxis(a.chunks[d] as number[]) ? a.chunks : first.chunks,
        [d],
        'across the joining axis, arrays line up only when they have the very same blocks',
      );
  }
  for (const a of arrays) {
    if (a.ndim !== first.ndim || a.shape.some((s, d) => d !== axis && !Object.is(s, first.shape[d]))) {
      throw new ShapeError(
        'concatenate',
        arrays.map((x) => x.shape),
        `all shapes must match except along axis ${axis}.`,
      );
    }
  }
  const dtype = arrays.map((a) => a.dtype).reduce(promoteTypes);
  const parts = arrays.map((a) =>
    rechunk(
      astype(a, dtype),
      a.chunks.map((c, d) => (d === axis ? [...c] : [...(first.chunks[d] as number[])])),
    ),
  );
  const chunks = first.chunks.map((c, d) => (d === axis ? parts.flatMap((p) => p.chunks[axis] as number[]) : [...c]));
  const owner: [string, number][] = parts.flatMap((p) => (p.chunks[axis] as number[]).map((_, i) => [p.name, i] as [string, number]));
  const name = `concatenate-${tokenize(
    parts.map((p) => p.name),
    axis,
  )}`;
  const layer = new ChunkLayer(
    name,
    'concatenate',
    chunks.map((c) => c.length),
    [...new Set(parts.map((p) => p.name))],
    (idx) => {
      const [src, i] = owner[idx[axis] as number] as [string, number];
      const inIdx = [...idx];
      inIdx[axis] = i;
      return task('@tsdask/core-graph/ops#identity', ref(blockKey(src, inIdx)));
    },
  );
  return newArray(HighLevelGraph.fromLayer(layer, ...parts.map((p) => p.graph)), name, chunks, dtype);
}

/** Joins arrays of the same shape along a new axis (the dtype promoted over all of them). */
export function stack<D extends DType, N extends number>(arrays: readonly DaskArray<D, N>[], axis?: number): DaskArray<Promote<D, D>, AddNdim<N, 1>>;
export function stack(arrays: readonly DaskArray[], axis = 0): DaskArray {
  if (arrays.length === 0) throw new ShapeError('stack', [], 'needs at least one array.');
  const nd = (arrays[0] as DaskArray).ndim + 1;
  const ax = normalizeAxis('stack', axis, nd);
  for (const a of arrays) requireKnownChunks('stack', a.chunks, undefined, 'the arrays cannot be checked to have the same shape');
  for (const a of arrays) {
    if (a.ndim !== nd - 1 || a.shape.some((s, d) => s !== (arrays[0] as DaskArray).shape[d]))
      throw new ShapeError(
        'stack',
        arrays.map((x) => x.shape),
        'all arrays must have the same shape.',
      );
  }
  return concatenate(
    arrays.map((a) => expandDims(a, ax)),
    ax,
  );
}
