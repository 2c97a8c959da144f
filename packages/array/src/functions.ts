/** Module functions with NumPy's names (`da.add`, `da.subtract`, `da.where`, `da.sqrt`, ...). */
import type { DaskArray, Operand } from './array.js';
import { binary, clip as clipArray, round as roundArray, unary, where as whereArrays } from './elementwise.js';
import type { MomentOptions, ReduceOptions } from './reductions.js';
import type { DType } from './dtype.js';
import type { FloatOf, MomentDType, RoundDType, SumDType } from './dtype-rules.js';
import type { NoOptions, OperandsNdim, PairNdim, ReducedNdim } from './ndim-rules.js';
import type { BinaryOp, ClipDType, PairDType, WhereDType } from './operand-rules.js';
import { typed } from './factory.js';

/** A module function `op(a, b)` of arithmetic: the result's dtype by NumPy 2 promotion (operand-rules.ts). */
export type Arithmetic<Op extends BinaryOp> = <const A extends Operand, const B extends Operand>(a: A, b: B) => DaskArray<PairDType<Op, A, B>, PairNdim<A, B>>;
/** A module function `op(a, b)` that compares: a bool array. */
export type Comparison = <const A extends Operand, const B extends Operand>(a: A, b: B) => DaskArray<'bool', PairNdim<A, B>>;

const arithmetic = <Op extends BinaryOp>(op: Op): Arithmetic<Op> => ((a: Operand, b: Operand) => typed(binary(op, a, b))) as Arithmetic<Op>;
const comparison = (op: string): Comparison => ((a: Operand, b: Operand) => typed(binary(op, a, b))) as Comparison;

/** A module function `op(x)` whose result is floating (float32 stays float32, the rest becomes float64). */
export type Floating = <D extends DType, N extends number>(x: DaskArray<D, N>) => DaskArray<FloatOf<D>, N>;
/** A module function `op(x)` whose result keeps x's dtype. */
export type Keeping = <D extends DType, N extends number>(x: DaskArray<D, N>) => DaskArray<D, N>;
const floating = (op: string): Floating => ((x: DaskArray) => typed(unary(op, x))) as Floating;
const keeping = (op: string): Keeping => ((x: DaskArray) => typed(unary(op, x))) as Keeping;

/** a + b */
export const add = arithmetic('add');
/** a - b */
export const subtract = arithmetic('sub');
/** a * b */
export const multiply = arithmetic('mul');
/** a / b (true division) */
export const divide = arithmetic('div');
/** a ** b */
export const power = arithmetic('pow');
/** a // b (floor division, as NumPy's floor_divide) */
export const floorDivide = arithmetic('floordiv');
/** a mod b (sign of b, as NumPy) */
export const mod = arithmetic('mod');
/** The larger of a and b (NaN propagates). */
export const maximum = arithmetic('maximum');
/** The smaller of a and b (NaN propagates). */
export const minimum = arithmetic('minimum');
/** -x */ export const negative = keeping('neg');
/** x where cond, else y (x and y promoted; the ndim of the largest array). */
export const where = <const C extends Operand, const X extends Operand, const Y extends Operand>(
  cond: C,
  x: X,
  y: Y,
): DaskArray<WhereDType<X, Y>, OperandsNdim<[C, X, Y]>> => typed(whereArrays(cond, x, y));
/** True where x is NaN. */ export const isnan = <D extends DType, N extends number>(x: DaskArray<D, N>): DaskArray<'bool', N> => typed(unary('isnan', x));
/** |x| */ export const abs = keeping('abs');
/** Square root. */ export const sqrt = floating('sqrt');
/** e ** x */ export const exp = floating('exp');
/** Natural logarithm. */ export const log = floating('log');
/** log(1 + x) */ export const log1p = floating('log1p');
/** Sine. */ export const sin = floating('sin');
/** Cosine. */ export const cos = floating('cos');
/** Tangent. */ export const tan = floating('tan');
/** Hyperbolic tangent. */ export const tanh = floating('tanh');
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
export const equal = comparison('eq');
/** a != b (bool) */
export const notEqual = comparison('ne');
/** a < b (bool) */
export const less = comparison('lt');
/** a <= b (bool) */
export const lessEqual = comparison('le');
/** a > b (bool) */
export const greater = comparison('gt');
/** a >= b (bool) */
export const greaterEqual = comparison('ge');
