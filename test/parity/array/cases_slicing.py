"""Slicing, take and boolean masks, from dask/array/tests/test_slicing.py (and test_array_core.py)."""
import numpy as np
from registry import case, err, inp

S = 'test_slicing.py::'
x100 = inp('x100', np.arange(100))
x115 = inp('x115', np.arange(115))
x3d = inp('x3d', np.arange(4 * 5 * 6, dtype='f8').reshape(4, 5, 6))
x2d = inp('x2d', np.arange(30 * 40, dtype='i4').reshape(30, 40))

ONE_D = {
    '10_51': np.s_[10:51], '100_12_m3': np.s_[100:12:-3], '102_none_m3': np.s_[102::-3], 'rev4': np.s_[::-4],
    'rev7': np.s_[::-7], 'm40_m10_4': np.s_[-40:-10:4], 'stop0': np.s_[:0], 'oob': np.s_[-102:102],
    'oob_rev': np.s_[102:-102:-1], 'step7': np.s_[::7], 'empty': np.s_[50:40],
}
for k, s in ONE_D.items():
    case(f'slicing.1d_{k}', S + 'test_slice_1d' if k not in ('stop0', 'oob', 'oob_rev', 'empty') else
         S + {'stop0': 'test_slice_stop_0', 'oob': 'test_permit_oob_slices', 'oob_rev': 'test_permit_oob_slices', 'empty': 'test_empty_slice'}[k],
         lambda s=s: x100[s])
case('slicing.1d_115_rev7', S + 'test_slice_1d', lambda: x115[::-7])
case('slicing.int_negative', S + 'test_negative_n_slicing', lambda: x100[-2])
err('slicing.int_oob_error', S + 'test_oob_check', lambda: x100[100])
case('slicing.newaxis_3d', S + 'test_slicing_with_newaxis', lambda: x3d[None, 1, :, None])
case('slicing.newaxis_ellipsis', S + 'test_slicing_none_int_ellipses', lambda: x3d[..., None, 2])
case('slicing.ellipsis_int', S + 'test_slicing_none_int_ellipses', lambda: x3d[1, ...])
case('slicing.int_int_slice', S + 'test_slicing_with_singleton_indices', lambda: x3d[2, 3, 1:5])
case('slicing.2d_chunks', S + 'test_slicing_and_chunks', lambda: x2d[1:, 20:])
case('slicing.2d_negative_steps', S + 'test_slicing_exhaustively', lambda: x2d[25:3:-4, ::-9])
err('slicing.too_many_indices_error', S + 'test_slicing_exhaustively', lambda: x3d[1, 2, 3, 4])
case('slicing.take_axis0', S + 'test_take', lambda: np.take(x100, [95, 3, 0, 50, 3], axis=0))
case('slicing.take_axis1_negative', S + 'test_take', lambda: np.take(x2d, [-1, 0, 17, 17], axis=1))
case('slicing.take_sorted', S + 'test_take_sorted', lambda: np.take(x3d, [0, 1, 3], axis=2))
err('slicing.take_oob_error', S + 'test_take', lambda: np.take(x100, [100], axis=0))
case('slicing.bool_mask_1d', S + 'test_boolean_numpy_array_slicing', lambda: x100[x100 % 3 == 1])
case('slicing.bool_mask_2d', S + 'test_index_with_bool_dask_array_2', lambda: x2d[x2d % 7 == 0])
case('slicing.bool_mask_none', S + 'test_boolean_mask_with_unknown_shape', lambda: x100[x100 > 1000])

# corners: uneven chunks, steps longer than a chunk, zero-length axes, NaN under a mask
xu = inp('xu', np.arange(23, dtype='f8') * 1.5)
case('slicing.uneven_rev', S + 'test_uneven_chunks', lambda: xu[::-1])
case('slicing.uneven_step_past_chunk', S + 'test_uneven_chunks', lambda: xu[1::9])
case('slicing.uneven_neg_step_past_chunk', S + 'test_uneven_chunks', lambda: xu[-2::-8])
case('slicing.2d_int_then_rev', S + 'test_slicing_exhaustively', lambda: x2d[-1, ::-13])
case('slicing.empty_axis_2d', S + 'test_slice_array_null_dimension', lambda: x2d[5:5, 3:9])
case('slicing.slice_of_slice', S + 'test_slicing_consistent_names', lambda: x100[10:90:3][::-2][2:9])
case('slicing.take_empty', S + 'test_take', lambda: np.take(x100, [], axis=0))
case('slicing.take_after_slice', S + 'test_take', lambda: np.take(x2d[::2], [14, 0, 7], axis=0))
case('slicing.mask_nan', S + 'test_boolean_numpy_array_slicing', lambda: np.array([1.0, np.nan, -2.0, 3.0, np.nan])[np.array([1.0, np.nan, -2.0, 3.0, np.nan]) > 0])
case('slicing.mask_then_sum', S + 'test_index_with_bool_dask_array', lambda: x2d[x2d % 5 == 0].sum())
