/**
 * Array parity: bad input. NumPy refuses each of these (reference.json records its exception,
 * from gen_array.py / cases_errors.py); ours must refuse too, with the typed error that answers
 * NumPy's (support.ts ERRORS, or the case's own `errors` where our class is named differently),
 * never an answer and never an untyped crash. Titles name the Dask test each case comes from.
 */
import * as da from '@tsdask/array';
import { parityArea, type Builder } from './support.js';

/** Cases that fail until a fix on another branch lands (the merge empties this list). */
const AWAITING_FIX = new Set<string>([]);

const x = (): da.DaskArray => da.arange(24, { chunks: 5 }).astype('float64').reshape([2, 3, 4]);
const as = (errors: readonly string[], build: () => da.DaskArray): Builder => ({ build, errors });

const B: Record<string, Builder> = {
  'errors.reshape_two_minus1': () => x().reshape([-1, -1]),
  'errors.expand_dims_axis_oob': () => x().expandDims(4),
  'errors.squeeze_axis_oob': () => x().squeeze({ axis: 3 }),
  'errors.swapaxes_oob': () => x().swapaxes(0, 3),
  'errors.transpose_repeated': () => x().transpose([0, 0, 1]),
  'errors.concatenate_axis_oob': () => da.concatenate([x(), x()], 3),
  'errors.concatenate_ndim': () => da.concatenate([x(), x().slice(0)]),
  'errors.concatenate_empty': () => da.concatenate([]),
  'errors.stack_axis_oob': () => da.stack([x(), x()], 4),
  'errors.stack_empty': () => da.stack([]),
  'errors.tensordot_mismatch': () => da.tensordot(x(), x(), [[0], [1]]),
  'errors.matmul_0d': () => da.matmul(x().sum(), x()),
  'errors.sum_axis_repeated': () => x().sum({ axis: [0, 0] }),
  'errors.mean_axis_oob': () => x().mean({ axis: 5 }),
  // NumPy: TypeError (axis must be an integer); ours names the axis
  'errors.argmax_axis_tuple': as(['AxisError'], () => x().argmax({ axis: [0, 1] as unknown as number })),
  'errors.cumsum_axis_negative_oob': () => x().cumsum({ axis: -4 }),
  'errors.index_float': () => x().slice(1.5),
  // NumPy: TypeError / ValueError for a float or zero step in a slice; ours is an IndexError
  'errors.slice_float': as(['IndexError'], () => x().slice({ start: 0, stop: 2.5 })),
  'errors.slice_float_start': as(['IndexError'], () => da.arange(10, { chunks: 4 }).slice({ start: 0.5, stop: 3 })),
  'errors.slice_step0': as(['IndexError'], () => x().slice({ step: 0 })),
  'errors.index_oob_negative': () => x().slice({}, -4),
  'errors.take_float': () => x().take([1.5], 0),
  'errors.take_axis_oob': () => x().take([0], 3),
  'errors.where_broadcast': () => da.where(x().gt(1), x(), da.ones([5], { chunks: 2 })),
  'errors.clip_broadcast': () => da.clip(x(), da.zeros([3], { chunks: 2 }), 1),
  'errors.zeros_negative': () => da.zeros([2, -1]),
  'errors.eye_negative': () => da.eye(-1),
  'errors.linspace_negative_num': () => da.linspace(0, 1, -3),
  'errors.arange_nan': () => da.arange(0, NaN),
  'errors.full_bad_dtype': () => da.full([2], 1, { dtype: 'not-a-dtype' as da.DType }),
  // NumPy: ValueError for ragged nested lists; ours is the InputError for bad data
  'errors.ragged_input': as(['InputError'], () => da.fromArray([[1, 2], [3]])),
  // Dask: ZeroDivisionError; ours says the block size must be a positive integer
  'errors.rechunk_zero': as(['ChunksError'], () => da.ones([10], { chunks: 5 }).rechunk(0)),
};

parityArea('errors', B, AWAITING_FIX);
