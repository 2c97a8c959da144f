"""Reductions and cumulative reductions, from dask/array/tests/test_reductions.py and
test_array_core.py::test_cumulative. Inputs are arange- or formula-based (no RNG)."""
import numpy as np
from registry import case, err, inp

R = 'test_reductions.py::'
f4_5 = inp('f4_5', np.arange(5, dtype='f4'))
i4_5 = inp('i4_5', np.arange(5, dtype='i4'))
f4_11 = inp('f4_11', np.arange(1, 122).reshape(11, 11).astype('f4'))
i4_11 = inp('i4_11', np.arange(1, 122).reshape(11, 11).astype('i4'))
# test_arg_reductions uses random (10, 10, 10) data; this formula has no ties
f8_10 = inp('f8_10', ((np.arange(1000) * 7919) % 1009 / 1009).reshape(10, 10, 10))
i8_10 = inp('i8_10', np.arange(10))
nan_a = inp('nan_a', np.array([np.inf, np.nan, -np.inf, 2]))
nan_b = inp('nan_b', np.array([np.nan, np.nan, 3, 2]))
x3 = inp('x3', np.array([[1, 1, 2, 3], [1, 1, 4, 0]]))
i4_15 = inp('i4_15', np.arange(1, 16, dtype='i4').reshape(3, 5))
# odd factors: the product (33!! = 6332659870762850625) is past 2**53 and not a float64
i4_odd = inp('i4_odd', np.arange(3, 35, 2, dtype='i4'))
cum3 = inp('cum3', np.arange(10 * 11 * 12, dtype=float).reshape(10, 11, 12))
cum3n = cum3.copy()
cum3n[1] = np.nan
cum3n = inp('cum3n', cum3n)
f8_20 = inp('f8_20', (((np.arange(480) * 37) % 101) / 100 + 0.5).reshape(20, 24))
nan2d = inp('nan2d', np.where(np.arange(30).reshape(5, 6) % 4 == 1, np.nan, np.arange(30.0).reshape(5, 6) - 12))

# test_reductions_1D, float32 and int32, chunks=2
for name, x in (('f4', f4_5), ('i4', i4_5)):
    for fn in ('sum', 'prod', 'mean', 'var', 'std', 'min', 'max', 'any', 'all'):
        case(f'reductions.{fn}_1d_{name}', R + 'test_reductions_1D', lambda fn=fn, x=x: getattr(np, fn)(x))
case('reductions.sum_1d_i4_keepdims', R + 'test_reductions_1D', lambda: np.sum(i4_5, keepdims=True))
case('reductions.mean_1d_f4_split2', R + 'test_reductions_1D', lambda: np.mean(f4_5))
for fn in ('nansum', 'nanmean', 'nanmin', 'nanmax'):
    case(f'reductions.{fn}_1d_f4', R + 'test_reductions_1D', lambda fn=fn: getattr(np, fn)(f4_5))

# test_reductions_2D, (11, 11) in chunks (4, 4)
TWO_D = [
    ('sum', None, False), ('sum', 0, False), ('sum', 1, False), ('sum', -1, False), ('sum', -2, False),
    ('sum', (1, 0), False), ('sum', 1, True), ('mean', None, False), ('mean', 0, False), ('mean', 1, True),
    ('var', 1, False), ('std', None, False), ('std', 0, False), ('min', 0, False), ('max', 1, False),
    ('any', 0, False), ('all', None, True), ('nansum', 0, False), ('nanmin', 1, False), ('nanmax', None, False),
    ('nanmean', 0, False), ('prod', 1, False),
]
for name, x in (('f4', f4_11), ('i4', i4_11)):
    for fn, axis, kd in TWO_D:
        if fn == 'prod' and name == 'i4':
            continue  # rows of 111..121 overflow int64; see prod_i4_* below
        ax = 'all' if axis is None else ('_'.join(map(str, axis)) if isinstance(axis, tuple) else str(axis))
        cid = f'reductions.{fn}_2d_{name}_axis{ax}{"_keepdims" if kd else ""}'
        case(cid, R + 'test_reductions_2D', lambda fn=fn, axis=axis, kd=kd, x=x: getattr(np, fn)(x, axis=axis, keepdims=kd))
case('reductions.sum_2d_f4_split2_axis0', R + 'test_reductions_2D (split_every=2)', lambda: np.sum(f4_11, axis=0))
case('reductions.max_2d_i4_split2_keepdims', R + 'test_reductions_2D (split_every=2)', lambda: np.max(i4_11, axis=0, keepdims=True))

# int32 products are exact int64 (NumPy's default accumulator on Linux)
case('reductions.prod_i4_axis1', R + 'test_reductions_2D (prod, int32)', lambda: np.prod(i4_15, axis=1))
case('reductions.prod_i4_all', R + 'test_reductions_2D (prod, int32)', lambda: np.prod(i4_15))
case('reductions.prod_i4_past_2p53', R + 'test_reductions_2D (prod, int32)', lambda: np.prod(i4_odd))

case('reductions.var_2d_i4_ddof1_axis0', R + 'test_moment (ddof)', lambda: np.var(i4_11, axis=0, ddof=1))
case('reductions.std_2d_f4_ddof1', R + 'test_moment (ddof)', lambda: np.std(f4_11, ddof=1))
err('reductions.sum_axis2_error', R + 'test_reduction_errors', lambda: np.ones((5, 5)).sum(axis=2))
err('reductions.sum_axis_minus3_error', R + 'test_reduction_errors', lambda: np.ones((5, 5)).sum(axis=-3))

# test_arg_reductions, (10, 10, 10) in chunks (3, 4, 5)
for fn in ('argmin', 'argmax'):
    for axis in (None, 0, 1, 2):
        case(f'reductions.{fn}_3d_axis{"all" if axis is None else axis}', R + 'test_arg_reductions', lambda fn=fn, axis=axis: getattr(np, fn)(f8_10, axis))
    case(f'reductions.{fn}_3d_keepdims', R + 'test_arg_reductions', lambda fn=fn: getattr(np, fn)(f8_10, keepdims=True))
    case(f'reductions.{fn}_1d_split2', R + 'test_arg_reductions', lambda fn=fn: getattr(np, fn)(i8_10, 0))
    err(f'reductions.{fn}_axis3_error', R + 'test_arg_reductions', lambda fn=fn: getattr(np, fn)(f8_10, 3))

# test_reductions_1D_nans, chunks=1
for xn, x in (('a', nan_a), ('b', nan_b)):
    for fn in ('nansum', 'nanmean', 'nanmin', 'nanmax'):
        case(f'reductions.{fn}_nans_{xn}', R + 'test_reductions_1D_nans', lambda fn=fn, x=x: getattr(np, fn)(x))
case('reductions.sum_nans_propagate', R + 'test_nan', lambda: np.sum(nan2d, axis=0))
case('reductions.nansum_2d_axis1', R + 'test_nan', lambda: np.nansum(nan2d, axis=1))
case('reductions.nanmean_2d_axis0', R + 'test_nan', lambda: np.nanmean(nan2d, axis=0))
case('reductions.nanmax_2d_all', R + 'test_nan', lambda: np.nanmax(nan2d))

# test_min_max_empty_chunks
case('reductions.min_masked_some_chunks_empty', R + 'test_min_max_empty_chunks', lambda: np.min(i8_10[i8_10 < 2]))
case('reductions.max_masked_2d', R + 'test_min_max_empty_chunks', lambda: np.max(x3[x3 >= 2]))
err('reductions.min_all_masked_error', R + 'test_min_max_empty_chunks', lambda: np.min(i8_10[i8_10 < 0]))
err('reductions.max_all_masked_error', R + 'test_min_max_empty_chunks', lambda: np.max(i8_10[i8_10 < 0]))
err('reductions.argmax_empty_error', R + 'test_min_max_empty_chunks (argmax)', lambda: np.argmax(np.ones((0,))))
case('reductions.mean_empty_axis1', R + 'test_reductions_with_empty_array', lambda: np.ones((10, 0, 5)).mean(axis=1))
case('reductions.sum_empty_axis0', R + 'test_reductions_with_empty_array', lambda: np.ones((10, 0, 5)).sum(axis=0))
case('reductions.sum_negative_axes', R + 'test_reductions_with_negative_axes', lambda: cum3.sum(axis=(-1, -3)))

# test_array_cumreduction_axis, (10, 11, 12) in chunks (4, 5, 6)
for axis in (None, 0, 1, 2):
    case(f'reductions.cumsum_3d_axis{"none" if axis is None else axis}', R + 'test_array_cumreduction_axis', lambda axis=axis: np.cumsum(cum3, axis=axis))
case('reductions.cumprod_3d_axis2', R + 'test_array_cumreduction_axis', lambda: np.cumprod(cum3 / 100 + 1, axis=2))
case('reductions.cumsum_3d_nan_axis0', R + 'test_array_cumreduction_axis (use_nan)', lambda: np.cumsum(cum3n, axis=0))
case('reductions.cumsum_3d_nan_axis1', R + 'test_array_cumreduction_axis (use_nan)', lambda: np.cumsum(cum3n, axis=1))
# test_array_core.py::test_cumulative
C = 'test_array_core.py::test_cumulative'
case('reductions.cumsum_arange20', C, lambda: np.arange(20).cumsum())
case('reductions.cumprod_arange20', C, lambda: np.arange(20).cumprod())
case('reductions.cumprod_arange1_15', C, lambda: np.arange(1, 16).cumprod())
for axis in (0, 1):
    case(f'reductions.cumsum_2d_axis{axis}', C, lambda axis=axis: f8_20.cumsum(axis=axis))
    case(f'reductions.cumprod_2d_axis{axis}', C, lambda axis=axis: f8_20.cumprod(axis=axis))
err('reductions.cumsum_axis3_error', C, lambda: cum3.cumsum(axis=3))
case('reductions.cumsum_i4_dtype', R + 'test_array_cumreduction_dtype', lambda: np.cumsum(i4_5))

# dtype corners: accumulator dtypes of small ints and bools, NaN handling, empty inputs, ddof
D = R + 'test_reductions_1D (dtype corners)'
rb = inp('rb', np.array([True, False, True, True, False, True, True]))
ri1 = inp('ri1', np.array([100, 100, 100, -7, 120, 3, 90], dtype='i1'))
ru1 = inp('ru1', np.array([200, 250, 255, 7, 1, 100, 3], dtype='u1'))
ru2 = inp('ru2', np.array([60000, 60000, 7, 3, 1, 2, 9], dtype='u2'))
rf4 = inp('rf4', np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], dtype='f4'))
rnan = inp('rnan', np.array([1.0, 5.0, np.nan, 9.0, -2.0, np.nan, 3.0]))
rnan2 = inp('rnan2', np.array([[np.nan, np.nan, np.nan], [1.0, np.nan, 2.0]]))
rbig = inp('rbig', np.array([2 ** 53 + 1, 2 ** 53 + 3, 5, -7, 2 ** 60, -(2 ** 60), 11]))
case('reductions.sum_bool', D, lambda: np.sum(rb))
case('reductions.mean_bool', D, lambda: np.mean(rb))
case('reductions.max_bool', D, lambda: np.max(rb))
case('reductions.cumsum_bool', D, lambda: np.cumsum(rb))
case('reductions.sum_i1', D, lambda: np.sum(ri1))
case('reductions.prod_i1', D, lambda: np.prod(ri1[:4]))
case('reductions.cumsum_i1', D, lambda: np.cumsum(ri1))
case('reductions.min_u1', D, lambda: np.min(ru1))
case('reductions.max_u2', D, lambda: np.max(ru2))
case('reductions.mean_u1', D, lambda: np.mean(ru1))
case('reductions.var_u2', D, lambda: np.var(ru2))
case('reductions.sum_f4', D, lambda: np.sum(rf4))
case('reductions.cumsum_f4', D, lambda: np.cumsum(rf4))
case('reductions.cumprod_f4', D, lambda: np.cumprod(rf4))
case('reductions.std_f4', D, lambda: np.std(rf4))
case('reductions.sum_i8_exact', D, lambda: np.sum(rbig))
case('reductions.max_i8_big', D, lambda: np.max(rbig))
case('reductions.min_i8_big', D, lambda: np.min(rbig))
case('reductions.argmax_i8_big', D, lambda: np.argmax(rbig))
case('reductions.cumsum_i8_big', D, lambda: np.cumsum(rbig))
N = R + 'test_nan'
case('reductions.min_nan_propagates', N, lambda: np.min(rnan))
case('reductions.max_nan_propagates', N, lambda: np.max(rnan))
case('reductions.argmax_nan_first', N, lambda: np.argmax(rnan))
case('reductions.argmin_nan_first', N, lambda: np.argmin(rnan))
case('reductions.nanmin_all_nan_row', N, lambda: np.nanmin(rnan2, axis=1))
case('reductions.nanmean_all_nan_row', N, lambda: np.nanmean(rnan2, axis=1))
case('reductions.nansum_all_nan_row', N, lambda: np.nansum(rnan2, axis=1))
case('reductions.any_nan', N, lambda: np.any(rnan2, axis=1))
case('reductions.all_nan', N, lambda: np.all(rnan2, axis=0))
case('reductions.cumsum_nan', N, lambda: np.cumsum(rnan))
E = R + 'test_reductions_with_empty_array'
case('reductions.sum_empty', E, lambda: np.sum(np.ones((0,))))
case('reductions.prod_empty', E, lambda: np.prod(np.ones((0,))))
case('reductions.mean_empty', E, lambda: np.mean(np.ones((0,))))
case('reductions.any_empty', E, lambda: np.any(np.ones((0,))))
case('reductions.all_empty', E, lambda: np.all(np.ones((0,))))
err('reductions.min_empty_error', E, lambda: np.min(np.ones((0,))))
case('reductions.var_ddof_eq_n', R + 'test_moment (ddof)', lambda: np.var(np.array([1.0, 3.0]), ddof=2))
case('reductions.std_ddof_past_n', R + 'test_moment (ddof)', lambda: np.std(np.array([1.0, 3.0]), ddof=3))
case('reductions.sum_axis_empty_tuple', R + 'test_reductions_1D (axis=())', lambda: np.sum(i4_5, axis=()))
case('reductions.max_axis_empty_tuple', R + 'test_reductions_1D (axis=())', lambda: np.max(f4_5, axis=()))
case('reductions.argmin_axis1_keepdims', R + 'test_arg_reductions', lambda: np.argmin(f8_10, axis=1, keepdims=True))

# many blocks: (100, 100) of (i * 7919 % 10007) / 10007 in chunks (7, 13), split_every=3
# (test_tree_reduce_depth, test_reductions_2D's split_every); our side builds the same formula
TREE = R + 'test_tree_reduce_depth'
big = (np.arange(10000) * 7919 % 10007 / 10007).reshape(100, 100)
for fn, axis in (('sum', None), ('sum', 0), ('mean', 1), ('var', 0), ('std', None), ('min', 1), ('max', None),
                 ('argmin', 0), ('argmax', 1), ('argmax', None), ('nansum', 1), ('prod', 0)):
    name = f'reductions.tree_{fn}_axis{"all" if axis is None else axis}'
    case(name, TREE, lambda fn=fn, axis=axis: getattr(np, fn)(big if fn != 'prod' else big + 0.5, axis=axis))
case('reductions.tree_cumsum_1d', TREE, lambda: np.cumsum(np.arange(1000) % 17 - 8))
case('reductions.tree_cumprod_axis1', TREE, lambda: np.cumprod(big[:10, :60] + 0.5, axis=1))
# ties: NumPy returns the first of equal extremes, also when they sit in different blocks
ties = np.array([1, 5, 5, 5, 0, 0, 5, 0])
case('reductions.argmax_ties_across_blocks', R + 'test_arg_reductions', lambda: np.argmax(ties))
case('reductions.argmin_ties_across_blocks', R + 'test_arg_reductions', lambda: np.argmin(ties))
case('reductions.argmax_ties_axis1', R + 'test_arg_reductions', lambda: np.argmax(np.arange(300).reshape(10, 30) % 5, axis=1))
