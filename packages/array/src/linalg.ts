/**
 * Linear algebra: matmul / dot (2-d, with 1-d operands promoted as NumPy does), tensordot over
 * axis pairs and outer. One task per output block sums the block products along the contracted
 * block index (a BlockwiseLayer with a contracted letter). The result has NumPy's dtype: the
 * operands' promoted type.
 */
import { BlockwiseLayer, task, tokenize } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer } from './factory.js';
import type { Promote } from './dtype-rules.js';
import type { MatmulNdim } from './ndim-rules.js';
import { normalizeAxis, requireKnownChunks } from './chunks.js';
import { promoteTypes, type DType } from './dtype.js';
import { ShapeError } from './errors.js';
import { K } from './layer.js';
import { rechunk } from './rechunk.js';
import { expandDims, squeeze, transpose } from './shape.js';

/** NumPy's result dtype of a matrix product: the promoted type (int8 wraps in int8, bool @ bool is bool). */
function outDType(a: DaskArray, b: DaskArray): DType {
  return promoteTypes(a.dtype, b.dtype);
}

/** tensordot over pairs of axes (an integer n means the last n of a with the first n of b); the dtype is promoted. */
export function tensordot<D extends DType, E extends DType>(
  a: DaskArray<D>,
  b: DaskArray<E>,
  axes?: number | [readonly number[], readonly number[]],
): DaskArray<Promote<D, E>>;
export function tensordot(a: DaskArray, b0: DaskArray, axes: number | [readonly number[], readonly number[]] = 2): DaskArray {
  const [ax, bx] =
    typeof axes === 'number'
      ? [Array.from({ length: axes }, (_, i) => a.ndim - axes + i), Array.from({ length: axes }, (_, i) => i)]
      : [axes[0].map((d) => normalizeAxis('tensordot', d, a.ndim)), axes[1].map((d) => normalizeAxis('tensordot', d, b0.ndim))];
  if (ax.length !== bx.length) throw new ShapeError('tensordot', [a.shape, b0.shape], 'the two axis lists differ in length.');
  requireKnownChunks('tensordot', a.chunks, ax, 'cannot contract over it');
  requireKnownChunks('tensordot', b0.chunks, bx, 'cannot contract over it');
  ax.forEach((d, i) => {
    if (a.shape[d] !== b0.shape[bx[i] as number])
      throw new ShapeError(
        'tensordot',
        [a.shape, b0.shape],
        `axis ${d} of a (${a.shape[d]}) does not match axis ${bx[i]} of b (${b0.shape[bx[i] as number]}).`,
      );
  });
  // block lists along contracted letters pair up only when both operands list them in the same
  // order: sort the pairs by a's axes and move b's contracted axes to the front in that order
  const pairs = ax.map((d, i) => [d, bx[i] as number] as const).sort((p, q) => p[0] - q[0]);
  ax.splice(0, ax.length, ...pairs.map((p) => p[0]));
  const bperm = [...pairs.map((p) => p[1]), ...b0.chunks.map((_, d) => d).filter((d) => !bx.includes(d))];
  const bt = transpose(b0, bperm);
  bx.splice(0, bx.length, ...pairs.map((_, i) => i));
  const b = rechunk(
    bt,
    bt.chunks.map((c, d) => (bx.includes(d) ? [...(a.chunks[ax[bx.indexOf(d)] as number] as number[])] : [...c])),
  );
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const aIndex = a.chunks.map((_, d) => letters[d] as string);
  const bIndex = b.chunks.map((_, d) => (bx.includes(d) ? (aIndex[ax[bx.indexOf(d)] as number] as string) : (letters[a.ndim + d] as string)));
  const freeA = aIndex.filter((_, d) => !ax.includes(d));
  const freeB = bIndex.filter((_, d) => !bx.includes(d));
  const outIndex = [...freeA, ...freeB].join('');
  const chunks = [...a.chunks.filter((_, d) => !ax.includes(d)), ...b.chunks.filter((_, d) => !bx.includes(d))].map((c) => [...c]);
  const dtype = outDType(a, b);
  const name = `tensordot-${tokenize(a.name, b.name, ax, bx)}`;
  const template = task(K('tensordotSum'), task(K('flatList'), BlockwiseLayer.arg(0)), task(K('flatList'), BlockwiseLayer.arg(1)), ax, bx, dtype);
  const layer = new BlockwiseLayer(
    name,
    outIndex,
    chunks.map((c) => c.length),
    template,
    [
      { name: a.name, index: aIndex.join(''), numblocks: a.numblocks },
      { name: b.name, index: bIndex.join(''), numblocks: b.numblocks },
    ],
    { kind: 'tensordot', fusable: false },
  );
  return arrayFromLayer(layer, [a, b], chunks, dtype);
}

/** Matrix product (1-d operands are treated as row / column vectors and the axis removed). */
export function matmul<D extends DType, N extends number, E extends DType, M extends number>(
  a: DaskArray<D, N>,
  b: DaskArray<E, M>,
): DaskArray<Promote<D, E>, MatmulNdim<N, M>>;
export function matmul(a: DaskArray, b: DaskArray): DaskArray {
  if (a.ndim === 0 || b.ndim === 0 || a.ndim > 2 || b.ndim > 2) throw new ShapeError('matmul', [a.shape, b.shape], 'operands must be 1-d or 2-d.');
  const a2 = a.ndim === 1 ? expandDims(a, 0) : a;
  const b2 = b.ndim === 1 ? expandDims(b, 1) : b;
  requireKnownChunks('matmul', a2.chunks, [1], 'cannot contract over it');
  requireKnownChunks('matmul', b2.chunks, [0], 'cannot contract over it');
  if (a2.shape[1] !== b2.shape[0]) throw new ShapeError('matmul', [a.shape, b.shape], `inner dimensions ${a2.shape[1]} and ${b2.shape[0]} differ.`);
  let out = tensordot(a2, b2, [[1], [0]]);
  if (a.ndim === 1) out = squeeze(out, 0);
  if (b.ndim === 1) out = squeeze(out, out.ndim - 1);
  return out;
}

/** dot: matmul for 1-d and 2-d arrays. */
export function dot<D extends DType, N extends number, E extends DType, M extends number>(
  a: DaskArray<D, N>,
  b: DaskArray<E, M>,
): DaskArray<Promote<D, E>, MatmulNdim<N, M>>;
export function dot(a: DaskArray, b: DaskArray): DaskArray {
  return matmul(a, b);
}

/** The outer product of two arrays (flattened): 2-d, the dtype promoted. */
export function outer<D extends DType, E extends DType>(a: DaskArray<D>, b: DaskArray<E>): DaskArray<Promote<D, E>, 2>;
export function outer(a: DaskArray, b: DaskArray): DaskArray {
  return tensordot(a.ravel(), b.ravel(), 0);
}
