/** Module functions with NumPy's names (`da.add`, `da.subtract`, `da.where`, `da.sqrt`, ...). */
import type { DaskArray, Operand } from './array.js';
import { binary, clip as clipArray, round as roundArray, unary, where as whereArrays } from './elementwise.js';
import type { MomentOptions, ReduceOptions } from './reductions.js';
import type { DType } from './dtype.js';
import type { FloatOf, MomentDType, RoundDType, SumDType } from './dtype-rules.js';
import type { NoOptions, OperandsNdim, PairNdim, ReducedNdim } from './ndim-rules.js';
import type { ClipDType, PairDType, WhereDType } from './operand-rules.js';
import { typed } from './factory.js';

/** a + b */
export const add = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'add', A, B>, PairNdim<A, B>> =>
  typed(binary('add', a, b));
/** a - b */
export const subtract = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'sub', A, B>, PairNdim<A, B>> =>
  typed(binary('sub', a, b));
/** a * b */
export const multiply = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'mul', A, B>, PairNdim<A, B>> =>
  typed(binary('mul', a, b));
/** a / b (true division) */
export const divide = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'div', A, B>, PairNdim<A, B>> =>
  typed(binary('div', a, b));
/** a ** b */
export const power = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'pow', A, B>, PairNdim<A, B>> =>
  typed(binary('pow', a, b));
/** a // b (floor division, as NumPy's floor_divide) */
export const floorDivide = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'floordiv', A, B>, PairNdim<A, B>> =>
  typed(binary('floordiv', a, b));
/** a mod b (sign of b, as NumPy) */
export const mod = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'mod', A, B>, PairNdim<A, B>> =>
  typed(binary('mod', a, b));
/** The larger of a and b (NaN propagates). */
export const maximum = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'maximum', A, B>, PairNdim<A, B>> =>
  typed(binary('maximum', a, b));
/** The smaller of a and b (NaN propagates). */
export const minimum = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<PairDType<'minimum', A, B>, PairNdim<A, B>> =>
  typed(binary('minimum', a, b));
/** -x */ export const negative = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<D, N> => typed(unary('neg', x));
/** x where cond, else y (x and y promoted; the ndim of the largest array). */
export const where = <const C extends Operand, const X extends Operand, const Y extends Operand>(
  cond: C,
  x: X,
  y: Y,
): DaskArray<WhereDType<X, Y>, OperandsNdim<[C, X, Y]>> => typed(whereArrays(cond, x, y));
/** True where x is NaN. */ export const isnan = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<'bool', N> => typed(unary('isnan', x));
/** |x| */ export const abs = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<D, N> => typed(unary('abs', x));
/** Square root. */ export const sqrt = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<FloatOf<D>, N> => typed(unary('sqrt', x));
/** e ** x */ export const exp = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<FloatOf<D>, N> => typed(unary('exp', x));
/** Natural logarithm. */ export const log = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<FloatOf<D>, N> => typed(unary('log', x));
/** log(1 + x) */ export const log1p = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<FloatOf<D>, N> => typed(unary('log1p', x));
/** Sine. */ export const sin = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<FloatOf<D>, N> => typed(unary('sin', x));
/** Cosine. */ export const cos = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<FloatOf<D>, N> => typed(unary('cos', x));
/** Tangent. */ export const tan = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<FloatOf<D>, N> => typed(unary('tan', x));
/** Hyperbolic tangent. */ export const tanh = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<FloatOf<D>, N> => typed(unary('tanh', x));
/** Round down. */ export const floor = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<RoundDType<D>, N> => typed(unary('floor', x));
/** Round up. */ export const ceil = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<RoundDType<D>, N> => typed(unary('ceil', x));
/** Round half to even to `decimals` places. */
export const round = <D extends DType, N extends number>(x: DaskArray<D, N>, decimals = 0): DaskArray<RoundDType<D>, N> => typed(roundArray(x, decimals));
/** Limits values to [lo, hi] (null: no limit on that side). */
export const clip = <D extends DType, N extends number, const L extends Operand | null, const H extends Operand | null>(
  x: DaskArray<D, N>,
  lo: L,
  hi: H,
): DaskArray<ClipDType<D, L, H>, OperandsNdim<[DaskArray<D, N>, L, H]>> => typed(clipArray(x, lo, hi));
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
/** a == b (bool) */
export const equal = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<'bool', PairNdim<A, B>> => typed(binary('eq', a, b));
/** a != b (bool) */
export const notEqual = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<'bool', PairNdim<A, B>> => typed(binary('ne', a, b));
/** a < b (bool) */
export const less = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<'bool', PairNdim<A, B>> => typed(binary('lt', a, b));
/** a <= b (bool) */
export const lessEqual = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<'bool', PairNdim<A, B>> => typed(binary('le', a, b));
/** a > b (bool) */
export const greater = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<'bool', PairNdim<A, B>> => typed(binary('gt', a, b));
/** a >= b (bool) */
export const greaterEqual = <const A extends Operand, const B extends Operand>(a: A, b: B): DaskArray<'bool', PairNdim<A, B>> => typed(binary('ge', a, b));
