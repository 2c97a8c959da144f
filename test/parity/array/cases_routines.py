"""Shape, join and linear-algebra routines, from dask/array/tests/test_array_core.py (reshape,
stack, concatenate, matmul, map_blocks), test_routines.py (transpose, swapaxes, squeeze,
expand_dims, ravel, tensordot, dot, outer) and test_linalg.py."""
import numpy as np
from registry import case, err, inp

A = 'test_array_core.py::'
T = 'test_routines.py::'

RESHAPES = [
    ((10,), (10, 1, 1), 5), ((10,), (1, 10), 5), ((24,), (2, 3, 4), 12), ((1, 24), (2, 3, 4), 12),
    ((2, 3, 4), (24,), (1, 3, 4)), ((2, 3, 4), (24, 1), 4), ((4, 4, 1), (4, 4), 2), ((1, 4, 4), (1, 1, 4, 4), 2),
    ((2, 3), (3, 2), 3), ((4, 2, 3), (4, 6), 4), ((), (1,), 1), ((1,), (), 1), ((24,), (4, 6), (6, 12, 6)),
    ((64, 4), (8, 8, 4), (16, 2)), ((4, 8, 4, 2), (2, 1, 2, 32, 2), (2, 4, 2, 2)), ((4, 1, 4), (4, 4), (2, 1, 2)),
    ((0, 10), (0, 5, 2), (5, 5)), ((2, 0, 2), (0,), (4, 4, 4)),
]
for k, (old, new, _chunks) in enumerate(RESHAPES):
    x = inp(f'rs{k}', (np.arange(int(np.prod(old))) * 7 % 10 + 1).reshape(old))
    case(f'routines.reshape_{k}', A + f'test_reshape[{old}-{new}]', lambda x=x, new=new: x.reshape(new))
err('routines.reshape_error', A + 'test_reshape_exceptions', lambda: np.arange(10).reshape((4, 3)))
case('routines.reshape_minus1', A + 'test_reshape_unknown_dimensions', lambda: np.arange(24).reshape((2, -1, 3)))

t3 = inp('t3', np.arange(2 * 3 * 4, dtype='f8').reshape(2, 3, 4) * 1.5)
case('routines.transpose_default', T + 'test_transpose', lambda: t3.T)
case('routines.transpose_axes', T + 'test_transpose', lambda: np.transpose(t3, (1, 2, 0)))
case('routines.transpose_negative', T + 'test_transpose_negative_axes', lambda: np.transpose(t3, (-1, 0, -2)))
err('routines.transpose_bad_axes_error', T + 'test_transpose', lambda: np.transpose(t3, (0, 1)))
case('routines.swapaxes', T + 'test_swapaxes', lambda: np.swapaxes(t3, 0, 2))
case('routines.swapaxes_negative', T + 'test_swapaxes', lambda: np.swapaxes(t3, -1, 1))
sq = inp('sq', np.arange(6, dtype='f8').reshape(1, 6, 1))
case('routines.squeeze_all', T + 'test_squeeze', lambda: np.squeeze(sq))
case('routines.squeeze_axis', T + 'test_squeeze', lambda: np.squeeze(sq, axis=2))
err('routines.squeeze_error', T + 'test_squeeze', lambda: np.squeeze(sq, axis=1))
case('routines.expand_dims_0', T + 'test_expand_dims', lambda: np.expand_dims(t3, 0))
case('routines.expand_dims_multi', T + 'test_expand_dims', lambda: np.expand_dims(t3, (1, 4)))
case('routines.ravel', T + 'test_ravel', lambda: np.ravel(t3))

s1 = inp('s1', np.arange(24, dtype='f8').reshape(4, 6))
s2 = inp('s2', np.arange(24, 48, dtype='f8').reshape(4, 6))
s3 = inp('s3', np.arange(24, dtype='i4').reshape(4, 6) * -1)
for axis in (0, 1, 2):
    case(f'routines.stack_axis{axis}', A + 'test_stack', lambda axis=axis: np.stack([s1, s2, s3.astype('f8')], axis=axis))
case('routines.stack_promote', A + 'test_stack_promote_type', lambda: np.stack([s3, s3.astype('f4')]))
for axis in (0, 1, -1):
    case(f'routines.concatenate_axis{axis}', A + 'test_concatenate', lambda axis=axis: np.concatenate([s1, s2, s1], axis=axis))
case('routines.concatenate_types', A + 'test_concatenate_types', lambda: np.concatenate([s3, s1]))
err('routines.concatenate_error', A + 'test_concatenate_errs', lambda: np.concatenate([s1, s1.T]))
err('routines.stack_error', A + 'test_stack_errs', lambda: np.stack([s1, s1.T]))

m1 = inp('m1', (np.arange(5 * 6) % 7 - 3.0).reshape(5, 6))
m2 = inp('m2', (np.arange(6 * 4) % 5 + 0.5).reshape(6, 4))
v6 = inp('v6', np.arange(6, dtype='f8') - 2)
mi1 = inp('mi1', (np.arange(12) % 5).reshape(3, 4).astype('i4'))
mi2 = inp('mi2', (np.arange(20) % 3).reshape(4, 5).astype('i4'))
case('routines.matmul_2d', A + 'test_matmul', lambda: m1 @ m2)
case('routines.matmul_1d_2d', A + 'test_matmul', lambda: v6 @ m2)
case('routines.matmul_2d_1d', A + 'test_matmul', lambda: m1 @ v6)
case('routines.matmul_int', A + 'test_matmul', lambda: mi1 @ mi2)
err('routines.matmul_error', A + 'test_matmul', lambda: m1 @ m1)
case('routines.tensordot_axes1', T + 'test_tensordot', lambda: np.tensordot(m1, m2, axes=1))
case('routines.tensordot_axes_pairs', T + 'test_tensordot', lambda: np.tensordot(t3, t3, axes=((0, 1), (0, 1))))
case('routines.tensordot_axes_swapped', T + 'test_tensordot_2', lambda: np.tensordot(t3, t3, axes=((1, 0), (1, 0))))
case('routines.dot_method', T + 'test_dot_method', lambda: m1.dot(m2))
case('routines.dot_1d_1d', T + 'test_dot_method', lambda: np.dot(v6, v6))
case('routines.outer', T + 'test_outer', lambda: np.outer(v6, np.arange(4.0)))
case('routines.map_blocks_plus1', A + 'test_map_blocks', lambda: s1 + 1)

# corners
x23 = inp('x23', np.arange(6, dtype='i4').reshape(2, 3) + 1)
case('routines.ravel_transposed', T + 'test_ravel', lambda: np.ravel(t3.T))
case('routines.reshape_transposed', A + 'test_reshape', lambda: np.transpose(t3, (2, 0, 1)).reshape(4, 6))
case('routines.reshape_zero_size_minus1', A + 'test_reshape_unknown_dimensions', lambda: np.ones((0, 4)).reshape(-1, 2))
case('routines.transpose_1d', T + 'test_transpose', lambda: np.transpose(v6))
case('routines.expand_dims_negative', T + 'test_expand_dims', lambda: np.expand_dims(t3, -1))
case('routines.concatenate_i1_u1', A + 'test_concatenate_types', lambda: np.concatenate([np.array([-1, 2], dtype='i1'), np.array([200, 3], dtype='u1')]))
case('routines.concatenate_zero_size', A + 'test_concatenate_zero_size', lambda: np.concatenate([s1, np.ones((0, 6))]))
case('routines.stack_1d_axis_minus1', A + 'test_stack', lambda: np.stack([v6, v6 * 2], axis=-1))
case('routines.matmul_f4', A + 'test_matmul', lambda: m1.astype('f4') @ m2.astype('f4'))
case('routines.matmul_bool', A + 'test_matmul', lambda: (m1 > 0) @ (m2 > 2))
case('routines.matmul_i1_wraps', A + 'test_matmul', lambda: np.full((2, 3), 100, dtype='i1') @ np.full((3, 2), 2, dtype='i1'))
case('routines.dot_i4_f4', T + 'test_dot_method', lambda: x23.dot(np.ones((3, 2), dtype='f4')))
case('routines.tensordot_axes0', T + 'test_tensordot', lambda: np.tensordot(x23, v6[:2], axes=0))
case('routines.outer_int', T + 'test_outer', lambda: np.outer(np.arange(3), np.arange(4)))
case('routines.matmul_zero_inner', A + 'test_matmul', lambda: np.ones((3, 0)) @ np.ones((0, 2)))

# many blocks: (i * 7919 % 10007) / 10007 formula matrices, contracted over several blocks
L = 'test_linalg.py::'
fa = (np.arange(30 * 40) * 7919 % 10007 / 10007).reshape(30, 40)
fb = (np.arange(40 * 20) * 7919 % 10007 / 10007).reshape(40, 20)
case('routines.matmul_many_blocks', A + 'test_chunked_dot_product', lambda: fa @ fb)
case('routines.tensordot_many_blocks_t', T + 'test_tensordot', lambda: np.tensordot(fa, fa, axes=((0,), (0,))))
case('routines.dot_transpose_plus_one', A + 'test_chunked_transpose_plus_one', lambda: fa.dot(fa.T + 1))
case('routines.matvec_many_blocks', L + 'test_solve (matvec part)', lambda: fa @ fb[:, 0])
