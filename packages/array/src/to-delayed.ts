/**
 * toDelayed: an array's blocks as core-graph Delayed values (Dask's `to_delayed`), nested by
 * block position, each the block's `{ data, shape, dtype }` chunk; a 0-d array gives one
 * Delayed of its scalar (what its compute() gives), so `delayed(f)(x.sum().toDelayed(),
 * df.col('y').sum())` mixes the lazy scalars of arrays, dataframes and delayed calls.
 */
import { Delayed, op } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import type { DType, Scalar } from './dtype.js';
import type { ScalarOf } from './dtype-rules.js';
import type { PositiveNdim } from './ndim-rules.js';
import type { NDChunk } from './kernels/chunk.js';
import { blockKey } from './layer.js';

/** Delayed blocks nested by block position (one level per axis). */
export type DelayedBlocks = (Delayed<NDChunk> | DelayedBlocks)[];

/** What toDelayed() of an array of dtype D and ndim N gives: one Delayed scalar for 0-d, nested blocks otherwise, either when N is not known. */
export type DelayedOf<D extends DType, N extends number> = N extends 0
  ? Delayed<ScalarOf<D>>
  : N extends PositiveNdim
    ? DelayedBlocks
    : Delayed<ScalarOf<D>> | DelayedBlocks;

const SCALAR_OF = op('@tsdask/array/kernels', 'scalarOf');

/** The blocks of `x` as Delayed values nested by position; a 0-d array's one Delayed scalar. */
export function toDelayed(x: DaskArray): Delayed<Scalar> | DelayedBlocks {
  const graph = x.graph;
  if (x.ndim === 0) return Delayed.fromGraph<Scalar>(graph, blockKey(x.name, []), SCALAR_OF);
  const nb = x.numblocks;
  const level = (prefix: number[]): DelayedBlocks => {
    const d = prefix.length;
    return Array.from({ length: nb[d] as number }, (_, i) =>
      d === nb.length - 1 ? Delayed.fromGraph<NDChunk>(graph, blockKey(x.name, [...prefix, i])) : level([...prefix, i]),
    );
  };
  return level([]);
}
