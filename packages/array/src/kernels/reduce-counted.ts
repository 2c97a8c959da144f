/**
 * min / max (and nan-variants) over axes whose length is unknown until compute (after a boolean
 * mask): the partial also counts the elements it saw, so an empty or all-masked reduction raises
 * EmptyReductionError as NumPy does, instead of returning the identity (Infinity, INT64_MAX).
 * Within one chunk every output position reduces the same number of elements, so one count per
 * partial is enough.
 */
import type { DType } from '../dtype.js';
import { EmptyReductionError } from '../errors.js';
import { sizeOf, type NDChunk } from './chunk.js';
import { combineSimple, finishSimple, reduceSimple, type SimpleKind } from './reduce.js';

/** Accumulators and the number of elements each output position reduced. */
export interface CountedPartial {
  acc: NDChunk;
  n: number;
}

/** reduceSimple of one chunk, with its element count per output position. */
export function reduceCounted(kind: SimpleKind, c: NDChunk, axes: number[]): CountedPartial {
  return { acc: reduceSimple(kind, c, axes), n: sizeOf(axes.map((d) => c.shape[d] as number)) };
}

/** Merges counted partials of the same shape. */
export function combineCounted(kind: SimpleKind, parts: CountedPartial[]): CountedPartial {
  return {
    acc: combineSimple(
      kind,
      parts.map((p) => p.acc),
    ),
    n: parts.reduce((a, p) => a + p.n, 0),
  };
}

/** The result chunk; raises EmptyReductionError when no element was reduced. */
export function finishCounted(kind: SimpleKind, p: CountedPartial, dtype: DType, outShape: number[]): NDChunk {
  if (p.n === 0 && sizeOf(outShape) > 0) {
    throw new EmptyReductionError(kind, [], `the reduced axes held no elements when computed (an empty or all-masked array);`);
  }
  return finishSimple(kind, p.acc, dtype, outShape);
}
