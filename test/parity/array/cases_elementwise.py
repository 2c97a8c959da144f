"""Element-wise operations, from dask/array/tests/test_array_core.py (test_arithmetic,
test_operator_dtype_promotion, test_astype, ...), test_ufunc.py and test_routines.py (round,
where). Where NumPy 1.24's value-based casting differs from NumPy 2 (NEP 50), the answer is
NumPy 2's, written by hand (see registry.nep50)."""
import numpy as np
from registry import case, err, inp, nep50

A = 'test_array_core.py::'
U = 'test_ufunc.py::'
T = 'test_routines.py::'
ea = inp('ea', np.arange(5).astype('f4') + 2)
eb = inp('eb', np.arange(5).astype('i8') + 2)
ec = inp('ec', np.arange(5).astype('i4') + 2)
uf = inp('uf', (np.arange(24, dtype='f8').reshape(4, 6) - 9.5) / 4)
up = inp('up', np.arange(1, 25, dtype='f8').reshape(4, 6) / 5)
i8s = inp('i8s', np.arange(-6, 6, dtype='i1'))
u8s = inp('u8s', np.arange(0, 250, 25, dtype='u1'))
i16s = inp('i16s', np.arange(-3, 3, dtype='i2') * 1000)
f4_10 = inp('f4_10', np.arange(10, dtype='f4'))
one_i8 = inp('one_i8', np.array([1]))
rnd = inp('rnd', np.array([2.675, -0.125, 0.5, 1.5, 2.5, -2.5, 1234.5678, 0.015, -7.55]))

BIN = {'add': np.add, 'mul': np.multiply, 'sub': np.subtract, 'div': np.true_divide, 'pow': np.power, 'mod': np.mod,
       'gt': np.greater, 'lt': np.less, 'ge': np.greater_equal, 'le': np.less_equal, 'eq': np.equal, 'ne': np.not_equal}
for k, f in BIN.items():
    case(f'elementwise.{k}_f4_i8', A + 'test_arithmetic', lambda f=f: f(ea, eb))
for k in ('add', 'mul', 'sub', 'div', 'pow', 'mod', 'gt', 'eq'):
    case(f'elementwise.{k}_f4_scalar2', A + 'test_arithmetic', lambda f=BIN[k]: f(ea, 2))
for k in ('add', 'sub', 'div', 'pow', 'mod', 'lt'):
    case(f'elementwise.{k}_scalar2_i8', A + 'test_arithmetic (reflected)', lambda f=BIN[k]: f(2, eb))
case('elementwise.and_i8', A + 'test_arithmetic', lambda: eb & eb)
case('elementwise.or_i8_true', A + 'test_arithmetic', lambda: eb | True)
case('elementwise.neg_f4', A + 'test_arithmetic', lambda: -ea)
case('elementwise.abs_f4', A + 'test_arithmetic', lambda: abs(ea - 4))
case('elementwise.not_eq', A + 'test_arithmetic', lambda: ~(ea == eb))
case('elementwise.exp_i8', A + 'test_arithmetic', lambda: np.exp(eb))
case('elementwise.log_f4', A + 'test_arithmetic', lambda: np.log(ea))
case('elementwise.sqrt_i4', A + 'test_arithmetic', lambda: np.sqrt(ec))
case('elementwise.cos_i8', A + 'test_arithmetic', lambda: np.cos(eb))
case('elementwise.add_i4_i8', A + 'test_arithmetic', lambda: ec + eb)
case('elementwise.mul_i4_f4', A + 'test_arithmetic', lambda: ec * ea)

for k in ('abs', 'ceil', 'floor', 'exp', 'sin', 'cos', 'tan', 'tanh', 'negative', 'isnan'):
    case(f'elementwise.unary_{k}', U + 'test_unary_ufunc', lambda k=k: getattr(np, k)(uf))
for k in ('sqrt', 'log', 'log1p'):
    case(f'elementwise.unary_{k}', U + 'test_unary_ufunc', lambda k=k: getattr(np, k)(up))
for k in ('add', 'subtract', 'multiply', 'divide', 'power', 'maximum', 'minimum', 'mod'):
    case(f'elementwise.binary_{k}', U + 'test_binary_ufunc', lambda k=k: getattr(np, k)(uf, up))
case('elementwise.binary_broadcast_row', U + 'test_binary_ufunc (broadcast)', lambda: np.add(uf, up[0]))
case('elementwise.binary_broadcast_col', U + 'test_binary_ufunc (broadcast)', lambda: np.multiply(uf, up[:, :1]))
err('elementwise.broadcast_error', A + 'test_broadcast_shapes', lambda: np.add(uf, up[:, :4]))
case('elementwise.clip_both', U + 'test_clip', lambda: np.clip(uf, -1, 1.5))
case('elementwise.clip_lower', U + 'test_clip', lambda: np.clip(uf, 0, None))
case('elementwise.maximum_nan', U + 'test_binary_ufunc', lambda: np.maximum(np.array([np.nan, 1, 2]), np.array([0, np.nan, 3])))
case('elementwise.where_arrays', T + 'test_where', lambda: np.where(uf > 0, uf, up))
case('elementwise.where_scalars_i4', T + 'test_where_scalar_dtype', lambda: np.where(ec > 3, ec, 0))
case('elementwise.where_scalar_float', T + 'test_where_scalar_dtype', lambda: np.where(ec > 3, 1.5, ec))
case('elementwise.round_default', T + 'test_round', lambda: np.round(rnd))
case('elementwise.round_decimals2', T + 'test_round', lambda: np.round(rnd, 2))
case('elementwise.round_decimals_neg1', T + 'test_round', lambda: np.round(rnd, -1))
case('elementwise.astype_f8_i8', A + 'test_astype', lambda: (uf * 3).astype('i8'))
case('elementwise.astype_f8_i4', A + 'test_astype', lambda: (uf * 3).astype('i4'))
case('elementwise.astype_f8_f4', A + 'test_astype', lambda: up.astype('f4'))
case('elementwise.astype_i8_bool', A + 'test_astype', lambda: (eb - 3).astype(bool))
case('elementwise.astype_noop', A + 'test_astype', lambda: up.astype('f8'))
err('elementwise.astype_invalid_error', A + 'test_astype', lambda: up.astype('not-a-dtype'))

# scalar promotion (test_operator_dtype_promotion, test_elemwise_scalar_overflow_raises_overflowerror)
case('elementwise.promote_f4_plus_1', A + 'test_operator_dtype_promotion', lambda: f4_10 + 1)
case('elementwise.promote_f4_plus_i8_array', A + 'test_operator_dtype_promotion', lambda: f4_10 + one_i8)
case('elementwise.promote_i1_plus_5', A + 'test_operator_dtype_promotion', lambda: i8s + 5)
case('elementwise.promote_i1_plus_1p5', A + 'test_operator_dtype_promotion', lambda: i8s + 1.5)
case('elementwise.promote_i2_mul_3', A + 'test_operator_dtype_promotion', lambda: i16s * 3)
nep50('elementwise.nep50_f4_plus_1e50', A + 'test_operator_dtype_promotion',
      'NumPy 2 (NEP 50): a Python float does not widen float32, so 1e50 becomes inf in float32 (NumPy 1.24: float64).',
      lambda: f4_10 + 1e50, expected=np.full(10, np.inf, dtype='f4'))
nep50('elementwise.nep50_i1_mul_128', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): 128 does not fit int8, so OverflowError (NumPy 1.24: int16).',
      lambda: np.ones(2, dtype='i1') * 128, error='OverflowError')
nep50('elementwise.nep50_u1_plus_minus1', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): -1 does not fit uint8, so OverflowError (NumPy 1.24: int16).',
      lambda: u8s + -1, error='OverflowError')
nep50('elementwise.nep50_i2_plus_3e9', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): 3000000000 does not fit int16, so OverflowError (NumPy 1.24: int64).',
      lambda: i16s + 3000000000, error='OverflowError')
nep50('elementwise.nep50_i1_lt_1000', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): comparing int8 with an out-of-range Python int gives the mathematical answer (all True).',
      lambda: i8s < 1000, expected=np.ones(12, dtype=bool))
nep50('elementwise.nep50_u1_ge_minus1', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): uint8 >= -1 is mathematically True everywhere.',
      lambda: u8s >= -1, expected=np.ones(10, dtype=bool))

# dtype corners: array-array promotion, integer wrap-around, division and modulo by zero, signs
pi1 = inp('pi1', np.array([100, -100, 7, -7, 0, 127], dtype='i1'))
pu1 = inp('pu1', np.array([200, 1, 7, 3, 0, 255], dtype='u1'))
pu2 = inp('pu2', np.array([300, 2, 7, 65535, 0, 256], dtype='u2'))
pi4 = inp('pi4', np.array([-7, 7, 3, -3, 0, 2147483647], dtype='i4'))
pu4 = inp('pu4', np.array([7, 4000000000, 3, 1, 0, 5], dtype='u4'))
pf4 = inp('pf4', np.array([-7.5, 7.5, 0.0, -0.0, np.nan, 2.25], dtype='f4'))
pf8 = inp('pf8', np.array([-7.5, 7.5, 0.0, -1.0, np.nan, np.inf]))
pi2 = inp('pi2', np.array([-3, 3, 2, -2, 0, 1000], dtype='i2'))
pb = inp('pb', np.array([True, False, True, False, True, True]))
pb2 = inp('pb2', np.array([True, True, False, False, True, False]))
O = A + 'test_arithmetic (dtype corners)'
case('elementwise.add_u1_i1', O, lambda: pu1 + pi1)
case('elementwise.add_u4_i4', O, lambda: pu4 + pi4)
case('elementwise.mul_f4_i4', O, lambda: pf4 * pi4)
case('elementwise.mul_f4_i2', O, lambda: pf4 * pi2)
case('elementwise.add_i1_i1_wraps', O, lambda: pi1 + pi1)
case('elementwise.mul_u2_u2_wraps', O, lambda: pu2 * pu2)
case('elementwise.add_bool_bool', O, lambda: pb + pb2)
case('elementwise.mul_bool_bool', O, lambda: pb * pb2)
case('elementwise.add_bool_i1', O, lambda: pb + pi1)
case('elementwise.div_i4_by_zero', O, lambda: pi4 / np.zeros(6, dtype='i4'))
case('elementwise.mod_i4_by_zero', O, lambda: pi4 % np.zeros(6, dtype='i4'))
case('elementwise.mod_i4_negative', O, lambda: pi4 % np.array([3, -3, -2, 2, 5, -5], dtype='i4'))
case('elementwise.mod_f8_negative', O, lambda: pf8 % np.array([2.0, -2.0, 3.0, 0.0, 1.0, 2.0]))
case('elementwise.mod_i1_scalar_negative', O, lambda: pi1 % -3)
case('elementwise.pow_i2_scalar2_wraps', O, lambda: pi2 ** 2)
case('elementwise.pow_i4_scalar_half', O, lambda: pi4 ** 0.5)
case('elementwise.pow_f4_nan_scalar2', O, lambda: pf4 ** 2)
case('elementwise.pow_i4_i4', O, lambda: np.array([2, 3, -2, 0, 1, 5], dtype='i4') ** np.array([3, 0, 3, 0, 9, 2], dtype='i4'))
err('elementwise.pow_int_negative_error', O, lambda: np.power(pi4, np.array([1, -1, 1, 1, 1, 1], dtype='i4')))
case('elementwise.abs_i1_min', O, lambda: np.abs(np.array([-128, -1, 5], dtype='i1')))
case('elementwise.neg_u1', O, lambda: -pu1)
case('elementwise.not_i1', O, lambda: ~pi1)
case('elementwise.not_u1', O, lambda: ~pu1)
case('elementwise.and_i1_scalar', O, lambda: pi1 & 6)
case('elementwise.or_bool_bool', O, lambda: pb | pb2)
case('elementwise.and_bool_bool', O, lambda: pb & pb2)
err('elementwise.and_float_error', O, lambda: pf8 & pf8)
case('elementwise.sub_u1_u1_wraps', O, lambda: pu1 - np.full(6, 3, dtype='u1'))
case('elementwise.round_i4', T + 'test_round', lambda: np.round(pi4))
case('elementwise.round_f4', T + 'test_round', lambda: np.round(pf4))
case('elementwise.ceil_f4', U + 'test_unary_ufunc', lambda: np.ceil(pf4))
case('elementwise.sqrt_negative_nan', U + 'test_unary_ufunc', lambda: np.sqrt(pf8))
case('elementwise.log_zero_negative', U + 'test_unary_ufunc', lambda: np.log(pf8))
case('elementwise.exp_f4', U + 'test_unary_ufunc', lambda: np.exp(pf4))
case('elementwise.sqrt_i2', U + 'test_unary_ufunc', lambda: np.sqrt(np.abs(pi2)))
case('elementwise.tanh_i4', U + 'test_unary_ufunc', lambda: np.tanh(pi4))
case('elementwise.isnan_i4', U + 'test_unary_ufunc', lambda: np.isnan(pi4))
case('elementwise.eq_nan', O, lambda: pf8 == pf8)
case('elementwise.ne_nan', O, lambda: pf8 != pf8)
case('elementwise.lt_u4_i4', O, lambda: pu4 < pi4)
case('elementwise.maximum_i1_u1', O, lambda: np.maximum(pi1, pu1))
case('elementwise.minimum_f4_nan', O, lambda: np.minimum(pf4, np.float32(1)))
case('elementwise.clip_i4_float_bounds', U + 'test_clip', lambda: np.clip(pi4, 0.5, 3.5))
case('elementwise.clip_i4_int_bounds', U + 'test_clip', lambda: np.clip(pi4, -3, 3))
case('elementwise.clip_inverted', U + 'test_clip', lambda: np.clip(pf8, 3, 1))
case('elementwise.where_bool_dtype', T + 'test_where', lambda: np.where(pb, pi1, pu1))
case('elementwise.where_nan_cond', T + 'test_where', lambda: np.where(pf8 > 0, pf8, -1.0))
case('elementwise.astype_i8_i1_wraps', A + 'test_astype', lambda: np.array([300, -129, 127, 128, 0, 255]).astype('i1'))
case('elementwise.astype_f8_bool_nan', A + 'test_astype', lambda: pf8.astype(bool))
case('elementwise.astype_bool_f4', A + 'test_astype', lambda: pb.astype('f4'))
case('elementwise.astype_f8_i4_trunc', A + 'test_astype', lambda: np.array([-2.7, -0.5, 0.5, 2.7, 1e9, -1e9]).astype('i4'))
case('elementwise.astype_u4_f4', A + 'test_astype', lambda: pu4.astype('f4'))

# more NEP 50 scalars: reflected operands, a fill value, int64 limits
nep50('elementwise.nep50_reflected_mul_128', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): 128 * int8 array raises OverflowError, as the array * 128 does (NumPy 1.24: int16).',
      lambda: 128 * np.ones(2, dtype='i1'), error='OverflowError')
nep50('elementwise.nep50_reflected_sub_u1', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): -1 - uint8 array raises OverflowError (NumPy 1.24: int16).',
      lambda: -1 - u8s, error='OverflowError')
nep50('elementwise.nep50_i8_plus_1e20', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): 10**20 (1e20, an integer-valued number) does not fit int64, so OverflowError (NumPy 1.24: object).',
      lambda: eb + 10 ** 20, error='OverflowError')
nep50('elementwise.nep50_i4_plus_2p40', A + 'test_elemwise_scalar_overflow_raises_overflowerror',
      'NumPy 2 (NEP 50): 2**40 does not fit int32, so OverflowError (NumPy 1.24: int64).',
      lambda: ec + 2 ** 40, error='OverflowError')
nep50('elementwise.nep50_full_i1_300', 'test_array_core.py::test_full',
      'NumPy 2: full(2, 300, dtype=int8) raises OverflowError (NumPy 1.24 wraps to 44 with a DeprecationWarning).',
      lambda: np.full(2, 300, dtype='i1'), error='OverflowError')
case('elementwise.promote_i2_plus_1p5_reflected', A + 'test_operator_dtype_promotion', lambda: 1.5 + i16s)
case('elementwise.promote_u1_plus_255', A + 'test_operator_dtype_promotion', lambda: u8s + 255)
