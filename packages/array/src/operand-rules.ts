/**
 * The result dtype of a binary element-wise operation at the type level, as elementwise.ts
 * computes it: two arrays promote (NumPy's table); a scalar does not widen an array (NEP 50:
 * a boolean keeps the array's dtype, an integer keeps it except that bool becomes int64, a
 * fraction makes an integer array float64); `div` is float; `//` and `%` of bools are int8.
 * A number whose integer-ness the types cannot see (`number`, `1e21`) gives both answers.
 */
import type { DType } from './dtype.js';
import type { FloatDType, Promote } from './dtype-rules.js';

/** The binary operations whose result dtype is not simply the promoted one's or bool. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'floordiv' | 'mod' | 'pow' | 'and' | 'or' | 'maximum' | 'minimum';

/** Whether a number type is an integer: 'int', 'float', or 'unknown' (`number`, `1e21`). */
export type NumberKind<X extends number> = X extends number
  ? number extends X
    ? 'unknown'
    : `${X}` extends `${bigint}`
      ? 'int'
      : `${X}` extends `${number}.${number}`
        ? 'float'
        : 'unknown'
  : never;

/** An array of dtype D with an integer scalar: bool becomes int64, others keep D. */
type WithIntScalar<D extends DType> = D extends 'bool' ? 'int64' : D;

/** An array of dtype D with a fractional scalar: floats keep D, others give float64. */
type WithFloatScalar<D extends DType> = D extends FloatDType ? D : 'float64';

/** The dtype of an array of dtype D combined with the scalar S (NEP 50). */
export type ScalarOperandDType<D extends DType, S> = D extends DType
  ? S extends boolean
    ? D
    : S extends bigint
      ? WithIntScalar<D>
      : S extends number
        ? NumberKind<S> extends 'int'
          ? WithIntScalar<D>
          : NumberKind<S> extends 'float'
            ? WithFloatScalar<D>
            : WithIntScalar<D> | WithFloatScalar<D>
        : never
  : never;

/** The promoted dtype of an array of dtype D with operand O (an array: by its dtype; a scalar: NEP 50). */
type Promoted<D extends DType, O> = O extends { readonly dtype: infer E extends DType } ? Promote<D, E> : ScalarOperandDType<D, O>;

/** The result dtype of `op` between an array of dtype D and operand O. */
export type BinaryDType<Op extends BinaryOp, D extends DType, O> = Op extends 'div'
  ? Promoted<D, O> extends infer T extends DType
    ? T extends FloatDType
      ? T
      : 'float64'
    : never
  : Op extends 'floordiv' | 'mod'
    ? Promoted<D, O> extends infer T extends DType
      ? T extends 'bool'
        ? 'int8'
        : T
      : never
    : Promoted<D, O>;

/** The result dtype of `op(a, b)` with the array on either side (the module functions: `da.add(1, x)`). */
export type PairDType<Op extends BinaryOp, A, B> = A extends { readonly dtype: infer D extends DType }
  ? BinaryDType<Op, D, B>
  : B extends { readonly dtype: infer E extends DType }
    ? BinaryDType<Op, E, A>
    : never;

/** The dtype of `where(cond, x, y)`: x and y promoted as a binary operation (both scalars: not known statically). */
export type WhereDType<X, Y> = X extends { readonly dtype: DType }
  ? PairDType<'add', X, Y>
  : Y extends { readonly dtype: DType }
    ? PairDType<'add', X, Y>
    : DType;

/** The dtype of `clip(lo, hi)` on an array of dtype D: a maximum with lo, then a minimum with hi (null skips one). */
export type ClipDType<D extends DType, L, H> = ClipStep<ClipStep<D, L, 'maximum'>, H, 'minimum'>;

type ClipStep<D extends DType, B, Op extends BinaryOp> = [B] extends [null] ? D : BinaryDType<Op, D, Exclude<B, null>>;
