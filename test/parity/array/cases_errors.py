"""Bad input: NumPy refuses, so must we, with a typed error (test_reduction_errors,
test_reshape_exceptions, test_squeeze, test_expand_dims, test_concatenate_errs, test_stack_errs,
test_tensordot, test_oob_check, test_slice_with_floats, test_take, test_arange, test_eye, ...)."""
import numpy as np
from registry import err

A = 'test_array_core.py::'
T = 'test_routines.py::'
S = 'test_slicing.py::'
C = 'test_creation.py::'
x = np.arange(24.0).reshape(2, 3, 4)
err('errors.reshape_two_minus1', A + 'test_reshape_exceptions', lambda: x.reshape(-1, -1))
err('errors.expand_dims_axis_oob', T + 'test_expand_dims', lambda: np.expand_dims(x, 4))
err('errors.squeeze_axis_oob', T + 'test_squeeze', lambda: np.squeeze(x, axis=3))
err('errors.swapaxes_oob', T + 'test_swapaxes', lambda: np.swapaxes(x, 0, 3))
err('errors.transpose_repeated', T + 'test_transpose', lambda: np.transpose(x, (0, 0, 1)))
err('errors.concatenate_axis_oob', A + 'test_concatenate_errs', lambda: np.concatenate([x, x], axis=3))
err('errors.concatenate_ndim', A + 'test_concatenate_errs', lambda: np.concatenate([x, x[0]]))
err('errors.concatenate_empty', A + 'test_concatenate_errs', lambda: np.concatenate([]))
err('errors.stack_axis_oob', A + 'test_stack_errs', lambda: np.stack([x, x], axis=4))
err('errors.stack_empty', A + 'test_stack_errs', lambda: np.stack([]))
err('errors.tensordot_mismatch', T + 'test_tensordot', lambda: np.tensordot(x, x, axes=((0,), (1,))))
err('errors.matmul_0d', A + 'test_matmul', lambda: np.matmul(np.float64(1.0), x))
err('errors.sum_axis_repeated', 'test_reductions.py::test_reduction_errors', lambda: x.sum(axis=(0, 0)))
err('errors.mean_axis_oob', 'test_reductions.py::test_reduction_errors', lambda: x.mean(axis=5))
err('errors.argmax_axis_tuple', 'test_reductions.py::test_arg_reductions', lambda: np.argmax(x, axis=(0, 1)))
err('errors.cumsum_axis_negative_oob', 'test_array_core.py::test_cumulative', lambda: np.cumsum(x, axis=-4))
err('errors.index_float', S + 'test_slice_with_floats', lambda: x[1.5])
err('errors.slice_float', S + 'test_slice_with_floats', lambda: x[0:2.5])
err('errors.slice_float_start', S + 'test_slice_with_floats', lambda: np.arange(10)[0.5:3])
err('errors.slice_step0', S + 'test_slicing_exhaustively', lambda: x[::0])
err('errors.index_oob_negative', S + 'test_oob_check', lambda: x[:, -4])
err('errors.take_float', S + 'test_take', lambda: x[np.array([1.5])])
err('errors.take_axis_oob', S + 'test_take', lambda: np.take(x, [0], axis=3))
err('errors.where_broadcast', T + 'test_where_incorrect_args', lambda: np.where(x > 1, x, np.ones(5)))
err('errors.clip_broadcast', 'test_ufunc.py::test_clip', lambda: np.clip(x, np.zeros(3), 1))
err('errors.zeros_negative', C + 'test_arr_like', lambda: np.zeros((2, -1)))
err('errors.eye_negative', C + 'test_eye', lambda: np.eye(-1))
err('errors.linspace_negative_num', C + 'test_linspace', lambda: np.linspace(0, 1, -3))
err('errors.arange_nan', C + 'test_arange', lambda: np.arange(0, np.nan))
err('errors.full_bad_dtype', A + 'test_full', lambda: np.full((2,), 1, dtype='not-a-dtype'))
err('errors.ragged_input', A + 'test_from_array_list', lambda: np.array([[1, 2], [3]], dtype=float))
err('errors.rechunk_zero', 'test_rechunk.py::test_rechunk_zero', lambda: __import__('dask.array').array.ones(10, chunks=5).rechunk(0))
