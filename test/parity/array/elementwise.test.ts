/**
 * Array parity: element-wise operations, ported from dask/array/tests/test_array_core.py
 * (test_arithmetic, test_operator_dtype_promotion, test_astype, ...), test_ufunc.py and
 * test_routines.py (round, where). Answers: reference.json, from NumPy via gen_array.py /
 * cases_elementwise.py; the nep50_* cases hold NumPy 2's answer, worked out by hand.
 */
import * as da from '@tsdask/array';
import { input, parityArea, type Builder } from './support.js';

/** Cases that fail until a fix on another branch lands (the merge empties this list). */
const AWAITING_FIX = new Set<string>([]);

const a = (): da.DaskArray => input('ea', 2); // float32 arange(5) + 2
const b = (): da.DaskArray => input('eb', 2); // int64 arange(5) + 2
const c = (): da.DaskArray => input('ec', 2); // int32 arange(5) + 2
const uf = (): da.DaskArray => input('uf', [3, 4]);
const up = (): da.DaskArray => input('up', [3, 4]);
/** round(decimals): the signature the fix adds; today's round() takes no argument. */
const roundTo = (x: da.DaskArray, decimals: number): da.DaskArray => (x.round as unknown as (d: number) => da.DaskArray).call(x, decimals);

type Bin = 'add' | 'mul' | 'sub' | 'div' | 'pow' | 'mod' | 'gt' | 'lt' | 'ge' | 'le' | 'eq' | 'ne';
const FN: Record<Bin, (p: da.Operand, q: da.Operand) => da.DaskArray> = {
  add: da.add,
  mul: da.multiply,
  sub: da.subtract,
  div: da.divide,
  pow: da.power,
  mod: da.mod,
  gt: (p, q) => (p as da.DaskArray).gt(q),
  lt: (p, q) => (p as da.DaskArray).lt(q),
  ge: (p, q) => (p as da.DaskArray).ge(q),
  le: (p, q) => (p as da.DaskArray).le(q),
  eq: (p, q) => (p as da.DaskArray).eq(q),
  ne: (p, q) => (p as da.DaskArray).ne(q),
};

const B: Record<string, Builder> = {};
for (const k of Object.keys(FN) as Bin[]) B[`elementwise.${k}_f4_i8`] = () => FN[k](a(), b());
for (const k of ['add', 'mul', 'sub', 'div', 'pow', 'mod', 'gt', 'eq'] as Bin[]) B[`elementwise.${k}_f4_scalar2`] = () => FN[k](a(), 2);
// reflected: 2 + b, 2 - b, ... (2 < b is b > 2)
for (const k of ['add', 'sub', 'div', 'pow', 'mod'] as Bin[]) B[`elementwise.${k}_scalar2_i8`] = () => FN[k](2, b());
B['elementwise.lt_scalar2_i8'] = () => b().gt(2);
B['elementwise.and_i8'] = () => b().and(b());
B['elementwise.or_i8_true'] = () => b().or(true);
B['elementwise.neg_f4'] = () => a().neg();
B['elementwise.abs_f4'] = () => a().sub(4).abs();
B['elementwise.not_eq'] = () => a().eq(b()).not();
B['elementwise.exp_i8'] = () => b().exp();
B['elementwise.log_f4'] = () => a().log();
B['elementwise.sqrt_i4'] = () => c().sqrt();
B['elementwise.cos_i8'] = () => b().cos();
B['elementwise.add_i4_i8'] = () => c().add(b());
B['elementwise.mul_i4_f4'] = () => c().mul(a());

// test_ufunc.py::test_unary_ufunc / test_binary_ufunc
const UNARY: Record<string, (x: da.DaskArray) => da.DaskArray> = {
  abs: da.abs,
  ceil: da.ceil,
  floor: da.floor,
  exp: da.exp,
  sin: da.sin,
  cos: da.cos,
  tan: da.tan,
  tanh: da.tanh,
  negative: da.negative,
  isnan: da.isnan,
};
for (const [k, f] of Object.entries(UNARY)) B[`elementwise.unary_${k}`] = () => f(uf());
B['elementwise.unary_sqrt'] = () => da.sqrt(up());
B['elementwise.unary_log'] = () => da.log(up());
B['elementwise.unary_log1p'] = () => da.log1p(up());
const BINARY: Record<string, (p: da.Operand, q: da.Operand) => da.DaskArray> = {
  add: da.add,
  subtract: da.subtract,
  multiply: da.multiply,
  divide: da.divide,
  power: da.power,
  maximum: da.maximum,
  minimum: da.minimum,
  mod: da.mod,
};
for (const [k, f] of Object.entries(BINARY)) B[`elementwise.binary_${k}`] = () => f(uf(), up());
B['elementwise.binary_broadcast_row'] = () => da.add(uf(), up().slice(0));
B['elementwise.binary_broadcast_col'] = () => da.multiply(uf(), up().get(':, :1'));
B['elementwise.broadcast_error'] = () => da.add(uf(), up().get(':, :4'));
B['elementwise.clip_both'] = () => da.clip(uf(), -1, 1.5);
B['elementwise.clip_lower'] = () => da.clip(uf(), 0, null);
B['elementwise.maximum_nan'] = () => da.maximum(da.fromArray([NaN, 1, 2], { chunks: 2 }), da.fromArray([0, NaN, 3], { chunks: 2 }));
B['elementwise.where_arrays'] = () => da.where(uf().gt(0), uf(), up());
B['elementwise.where_scalars_i4'] = () => da.where(c().gt(3), c(), 0);
B['elementwise.where_scalar_float'] = () => da.where(c().gt(3), 1.5, c());
B['elementwise.round_default'] = () => input('rnd', 4).round();
B['elementwise.round_decimals2'] = () => roundTo(input('rnd', 4), 2);
B['elementwise.round_decimals_neg1'] = () => roundTo(input('rnd', 4), -1);
B['elementwise.astype_f8_i8'] = () => uf().mul(3).astype('int64');
B['elementwise.astype_f8_i4'] = () => uf().mul(3).astype('int32');
B['elementwise.astype_f8_f4'] = () => up().astype('float32');
B['elementwise.astype_i8_bool'] = () => b().sub(3).astype('bool');
B['elementwise.astype_noop'] = () => up().astype('float64');
B['elementwise.astype_invalid_error'] = () => up().astype('not-a-dtype' as da.DType);

// scalar promotion: NEP 50 (NumPy 2)
B['elementwise.promote_f4_plus_1'] = () => input('f4_10', 5).add(1);
B['elementwise.promote_f4_plus_i8_array'] = () => input('f4_10', 5).add(input('one_i8', 1));
B['elementwise.promote_i1_plus_5'] = () => input('i8s', 5).add(5);
B['elementwise.promote_i1_plus_1p5'] = () => input('i8s', 5).add(1.5);
B['elementwise.promote_i2_mul_3'] = () => input('i16s', 4).mul(3);
B['elementwise.nep50_f4_plus_1e50'] = () => input('f4_10', 5).add(1e50);
B['elementwise.nep50_i1_mul_128'] = () => da.ones([2], { dtype: 'int8', chunks: 1 }).mul(128);
B['elementwise.nep50_u1_plus_minus1'] = () => input('u8s', 4).add(-1);
B['elementwise.nep50_i2_plus_3e9'] = () => input('i16s', 4).add(3e9);
B['elementwise.nep50_i1_lt_1000'] = () => input('i8s', 5).lt(1000);
B['elementwise.nep50_u1_ge_minus1'] = () => input('u8s', 4).ge(-1);

// dtype corners (test_arithmetic): promotion, wrap-around, division and modulo by zero, signs
const p = (name: string): da.DaskArray => input(name, 4);
const i4 = (vals: number[]): da.DaskArray => da.fromArray(Int32Array.from(vals), { chunks: 4 });
B['elementwise.add_u1_i1'] = () => p('pu1').add(p('pi1'));
B['elementwise.add_u4_i4'] = () => p('pu4').add(p('pi4'));
B['elementwise.mul_f4_i4'] = () => p('pf4').mul(p('pi4'));
B['elementwise.mul_f4_i2'] = () => p('pf4').mul(p('pi2'));
B['elementwise.add_i1_i1_wraps'] = () => p('pi1').add(p('pi1'));
B['elementwise.mul_u2_u2_wraps'] = () => p('pu2').mul(p('pu2'));
B['elementwise.add_bool_bool'] = () => p('pb').add(p('pb2'));
B['elementwise.mul_bool_bool'] = () => p('pb').mul(p('pb2'));
B['elementwise.add_bool_i1'] = () => p('pb').add(p('pi1'));
B['elementwise.div_i4_by_zero'] = () => p('pi4').div(da.zeros([6], { dtype: 'int32', chunks: 4 }));
B['elementwise.mod_i4_by_zero'] = () => p('pi4').mod(da.zeros([6], { dtype: 'int32', chunks: 4 }));
B['elementwise.mod_i4_negative'] = () => p('pi4').mod(i4([3, -3, -2, 2, 5, -5]));
B['elementwise.mod_f8_negative'] = () => p('pf8').mod(da.fromArray([2.0, -2.0, 3.0, 0.0, 1.0, 2.0], { chunks: 4 }));
B['elementwise.mod_i1_scalar_negative'] = () => p('pi1').mod(-3);
B['elementwise.pow_i2_scalar2_wraps'] = () => p('pi2').pow(2);
B['elementwise.pow_i4_scalar_half'] = () => p('pi4').pow(0.5);
B['elementwise.pow_f4_nan_scalar2'] = () => p('pf4').pow(2);
B['elementwise.pow_i4_i4'] = () => i4([2, 3, -2, 0, 1, 5]).pow(i4([3, 0, 3, 0, 9, 2]));
B['elementwise.pow_int_negative_error'] = { build: () => p('pi4').pow(i4([1, -1, 1, 1, 1, 1])), errors: ['DTypeError', 'InputError', 'ShapeError'] };
B['elementwise.abs_i1_min'] = () => da.fromArray(Int8Array.from([-128, -1, 5]), { chunks: 2 }).abs();
B['elementwise.neg_u1'] = () => p('pu1').neg();
B['elementwise.not_i1'] = () => p('pi1').not();
B['elementwise.not_u1'] = () => p('pu1').not();
B['elementwise.and_i1_scalar'] = () => p('pi1').and(6);
B['elementwise.or_bool_bool'] = () => p('pb').or(p('pb2'));
B['elementwise.and_bool_bool'] = () => p('pb').and(p('pb2'));
B['elementwise.and_float_error'] = () => p('pf8').and(p('pf8'));
B['elementwise.sub_u1_u1_wraps'] = () => p('pu1').sub(da.full([6], 3, { dtype: 'uint8', chunks: 4 }));
B['elementwise.round_i4'] = () => p('pi4').round();
B['elementwise.round_f4'] = () => p('pf4').round();
B['elementwise.ceil_f4'] = () => p('pf4').ceil();
B['elementwise.sqrt_negative_nan'] = () => p('pf8').sqrt();
B['elementwise.log_zero_negative'] = () => p('pf8').log();
B['elementwise.exp_f4'] = () => p('pf4').exp();
B['elementwise.sqrt_i2'] = () => p('pi2').abs().sqrt();
B['elementwise.tanh_i4'] = () => p('pi4').tanh();
B['elementwise.isnan_i4'] = () => p('pi4').isnan();
B['elementwise.eq_nan'] = () => p('pf8').eq(p('pf8'));
B['elementwise.ne_nan'] = () => p('pf8').ne(p('pf8'));
B['elementwise.lt_u4_i4'] = () => p('pu4').lt(p('pi4'));
B['elementwise.maximum_i1_u1'] = () => da.maximum(p('pi1'), p('pu1'));
B['elementwise.minimum_f4_nan'] = () => da.minimum(p('pf4'), 1);
B['elementwise.clip_i4_float_bounds'] = () => da.clip(p('pi4'), 0.5, 3.5);
B['elementwise.clip_i4_int_bounds'] = () => da.clip(p('pi4'), -3, 3);
B['elementwise.clip_inverted'] = () => da.clip(p('pf8'), 3, 1);
B['elementwise.where_bool_dtype'] = () => da.where(p('pb'), p('pi1'), p('pu1'));
B['elementwise.where_nan_cond'] = () => da.where(p('pf8').gt(0), p('pf8'), -1.0);
B['elementwise.astype_i8_i1_wraps'] = () => da.fromArray(BigInt64Array.from([300n, -129n, 127n, 128n, 0n, 255n]), { chunks: 4 }).astype('int8');
B['elementwise.astype_f8_bool_nan'] = () => p('pf8').astype('bool');
B['elementwise.astype_bool_f4'] = () => p('pb').astype('float32');
B['elementwise.astype_f8_i4_trunc'] = () => da.fromArray([-2.7, -0.5, 0.5, 2.7, 1e9, -1e9], { chunks: 4 }).astype('int32');
B['elementwise.astype_u4_f4'] = () => p('pu4').astype('float32');
// more NEP 50 scalars: reflected operands, a fill value, int64 limits
B['elementwise.nep50_reflected_mul_128'] = () => da.multiply(128, da.ones([2], { dtype: 'int8', chunks: 1 }));
B['elementwise.nep50_reflected_sub_u1'] = () => da.subtract(-1, input('u8s', 4));
B['elementwise.nep50_i8_plus_1e20'] = () => b().add(1e20);
B['elementwise.nep50_i4_plus_2p40'] = () => c().add(2 ** 40);
B['elementwise.nep50_full_i1_300'] = () => da.full([2], 300, { dtype: 'int8', chunks: 1 });
B['elementwise.promote_i2_plus_1p5_reflected'] = () => da.add(1.5, input('i16s', 4));
B['elementwise.promote_u1_plus_255'] = () => input('u8s', 4).add(255);

parityArea('elementwise', B, AWAITING_FIX);
