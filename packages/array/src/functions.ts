/** Module functions with NumPy's names (`da.add`, `da.subtract`, `da.where`, `da.sqrt`, ...). */
import type { DaskArray, Operand } from './array.js';
import { binary, clip as clipArray, round as roundArray, unary, where as whereArrays } from './elementwise.js';
import type { MomentOptions, ReduceOptions } from './reductions.js';
import type { DType } from './dtype.js';
import type { MomentDType, SumDType } from './dtype-rules.js';
import type { NoOptions, ReducedNdim } from './ndim-rules.js';

/** a + b */ export const add = (a: Operand, b: Operand): DaskArray => binary('add', a, b);
/** a - b */ export const subtract = (a: Operand, b: Operand): DaskArray => binary('sub', a, b);
/** a * b */ export const multiply = (a: Operand, b: Operand): DaskArray => binary('mul', a, b);
/** a / b (true division) */ export const divide = (a: Operand, b: Operand): DaskArray => binary('div', a, b);
/** a ** b */ export const power = (a: Operand, b: Operand): DaskArray => binary('pow', a, b);
/** a // b (floor division, as NumPy's floor_divide) */ export const floorDivide = (a: Operand, b: Operand): DaskArray => binary('floordiv', a, b);
/** a mod b (sign of b, as NumPy) */ export const mod = (a: Operand, b: Operand): DaskArray => binary('mod', a, b);
/** The larger of a and b (NaN propagates). */ export const maximum = (a: Operand, b: Operand): DaskArray => binary('maximum', a, b);
/** The smaller of a and b (NaN propagates). */ export const minimum = (a: Operand, b: Operand): DaskArray => binary('minimum', a, b);
/** -x */ export const negative = (x: DaskArray): DaskArray => unary('neg', x);
/** x where cond, else y. */ export const where = (cond: Operand, x: Operand, y: Operand): DaskArray => whereArrays(cond, x, y);
/** True where x is NaN. */ export const isnan = (x: DaskArray): DaskArray => unary('isnan', x);
/** |x| */ export const abs = (x: DaskArray): DaskArray => unary('abs', x);
/** Square root. */ export const sqrt = (x: DaskArray): DaskArray => unary('sqrt', x);
/** e ** x */ export const exp = (x: DaskArray): DaskArray => unary('exp', x);
/** Natural logarithm. */ export const log = (x: DaskArray): DaskArray => unary('log', x);
/** log(1 + x) */ export const log1p = (x: DaskArray): DaskArray => unary('log1p', x);
/** Sine. */ export const sin = (x: DaskArray): DaskArray => unary('sin', x);
/** Cosine. */ export const cos = (x: DaskArray): DaskArray => unary('cos', x);
/** Tangent. */ export const tan = (x: DaskArray): DaskArray => unary('tan', x);
/** Hyperbolic tangent. */ export const tanh = (x: DaskArray): DaskArray => unary('tanh', x);
/** Round down. */ export const floor = (x: DaskArray): DaskArray => unary('floor', x);
/** Round up. */ export const ceil = (x: DaskArray): DaskArray => unary('ceil', x);
/** Round half to even to `decimals` places. */ export const round = (x: DaskArray, decimals = 0): DaskArray => roundArray(x, decimals);
/** Limits values to [lo, hi]. */ export const clip = (x: DaskArray, lo: Operand | null, hi: Operand | null): DaskArray => clipArray(x, lo, hi);
/** Sum (typed as x.sum). */
export const sum = <D extends DType, N extends number, const O extends ReduceOptions = NoOptions>(
  x: DaskArray<D, N>,
  o?: O,
): DaskArray<SumDType<D>, ReducedNdim<N, O>> => x.sum(o);
/** Mean (typed as x.mean). */
export const mean = <D extends DType, N extends number, const O extends ReduceOptions = NoOptions>(
  x: DaskArray<D, N>,
  o?: O,
): DaskArray<MomentDType<D>, ReducedNdim<N, O>> => x.mean(o);
/** Standard deviation (typed as x.std). */
export const std = <D extends DType, N extends number, const O extends MomentOptions = NoOptions>(
  x: DaskArray<D, N>,
  o?: O,
): DaskArray<MomentDType<D>, ReducedNdim<N, O>> => x.std(o);
/** Variance (typed as x.var). */
export const variance = <D extends DType, N extends number, const O extends MomentOptions = NoOptions>(
  x: DaskArray<D, N>,
  o?: O,
): DaskArray<MomentDType<D>, ReducedNdim<N, O>> => x.var(o);
/** a == b (bool) */ export const equal = (a: Operand, b: Operand): DaskArray => binary('eq', a, b);
/** a != b (bool) */ export const notEqual = (a: Operand, b: Operand): DaskArray => binary('ne', a, b);
/** a < b (bool) */ export const less = (a: Operand, b: Operand): DaskArray => binary('lt', a, b);
/** a <= b (bool) */ export const lessEqual = (a: Operand, b: Operand): DaskArray => binary('le', a, b);
/** a > b (bool) */ export const greater = (a: Operand, b: Operand): DaskArray => binary('gt', a, b);
/** a >= b (bool) */ export const greaterEqual = (a: Operand, b: Operand): DaskArray => binary('ge', a, b);
