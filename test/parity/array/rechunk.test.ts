/**
 * Array parity: rechunk, ported from dask/array/tests/test_rechunk.py (each case's title names
 * the Dask test). The values must come back unchanged (NumPy's copy in reference.json) and the
 * chunks must be the ones Dask gives for the same call (recorded by gen_array.py).
 */
import * as da from '@tsdask/array';
import { input, parityArea, type Builder } from './support.js';

/** Cases that fail until a fix on another branch lands (the merge empties this list). */
const AWAITING_FIX = new Set<string>([]);

/** Dask's dict form `{ axis: chunks }`, typed loosely until ChunksLike has it. */
const dict = (x: da.DaskArray, spec: Record<number, number | number[] | 'auto'>): da.DaskArray => x.rechunk(spec as unknown as da.ChunksLike);

const B: Record<string, Builder> = {
  'rechunk.1d': () => input('r30', [[10, 10, 10]]).rechunk([[5, 5, 5, 5, 5, 5]]),
  'rechunk.2d': () =>
    input('r10x30', [
      [1, 2, 3, 4],
      [5, 5, 5, 5, 5, 5],
    ]).rechunk([
      [5, 5],
      [15, 15],
    ]),
  'rechunk.4d': () =>
    input('r4d', [
      [5, 5],
      [5, 5],
      [5, 5],
      [5, 5],
    ]).rechunk([[10], [10], [10], [10]]),
  'rechunk.expand': () =>
    input('r10x10', [5, 5]).rechunk([
      [3, 3, 3, 1],
      [3, 3, 3, 1],
    ]),
  'rechunk.blockshape': () =>
    input('r10x10', [
      [4, 4, 2],
      [3, 3, 3, 1],
    ]).rechunk([4, 3]),
  'rechunk.integer': () => input('r5', 4).rechunk(3),
  'rechunk.minus_one': () => input('r24', [4, 8]).rechunk([-1, 8]),
  'rechunk.dict_int': () => dict(input('r24', [4, 8]), { 0: 12 }),
  'rechunk.dict_tuple': () => dict(input('r24', [4, 8]), { 0: [12, 12] }),
  'rechunk.dict_minus_one': () => dict(input('r24', [4, 8]), { 0: -1 }),
  'rechunk.dict_auto': () => dict(input('r24', [4, 8]), { 1: 'auto' }),
  'rechunk.same': () => input('r24', [4, 8]).rechunk([4, 8]),
  'rechunk.empty': () => da.ones([0, 10], { chunks: [5, 5] }).rechunk([2, 2]),
  'rechunk.zero_dim': () => da.fromArray(new Float64Array([3.5]), { shape: [] }).rechunk([]),
  'rechunk.bad_sum_error': () => input('r30', 10).rechunk([[10, 10]]),
};

parityArea('rechunk', B, AWAITING_FIX);
