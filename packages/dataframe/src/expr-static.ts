/**
 * What the types know of an expression before it meets a frame: the columns it reads, its
 * output name (kernels/expr-node.ts `nameOf`) and its dtype as a small type-level term
 * (`DTypeTerm`), resolved against a frame's schema when a verb takes it (`ResolveDType`), by
 * the same rules as the runtime's `typeOf` (kernels/expr-types.ts). `col('delay')` does not
 * know the dtype of 'delay' until `df.withColumns(...)` says which frame it reads.
 * test/schema-types.test-d.ts checks these rules; test/typed-schema.test.ts checks them against
 * the runtime. Only types here: nothing in this file exists at run time.
 */
import type { DType } from './kernels/columns.js';
import type { Scalar } from './kernels/expr-node.js';

/** The dtype of an expression as the types know it before the schema is known. */
export type DTypeTerm =
  | DType
  | 'null'
  | { readonly col: string }
  | { readonly arith: readonly [DTypeTerm, DTypeTerm]; readonly fn: 'add' | 'mul' }
  | { readonly same: DTypeTerm }
  | { readonly common: readonly DTypeTerm[] };

/** What the types carry for an expression: columns read, dtype term, output name. */
export interface ExprInfo {
  readonly cols: string;
  readonly dtype: DTypeTerm;
  readonly name: string;
}

/** The dtype of a literal, as `litType` (a whole number is int64, a fraction float64; `number` either). */
export type LitDType<V> = V extends null | undefined
  ? 'null'
  : V extends number
    ? number extends V
      ? 'int64' | 'float64'
      : `${V}` extends `${string}.${string}` | `${string}e${string}` | 'NaN' | 'Infinity' | '-Infinity'
        ? 'float64'
        : 'int64'
    : V extends string
      ? 'utf8'
      : V extends boolean
        ? 'bool'
        : V extends Date
          ? 'timestamp'
          : DType;

/** The info of an expression argument (an Expr, a scalar or a Date). */
export type InfoOf<X> = X extends ScalarLike | undefined
  ? { cols: never; dtype: LitDType<X>; name: 'literal' }
  : X extends { readonly info?: unknown }
    ? NonNullable<X['info']> extends infer I extends ExprInfo
      ? I
      : ExprInfo
    : ExprInfo;

/** The columns an argument reads. */
export type ColsOf<X> = InfoOf<X>['cols'];
/** The dtype term of an argument. */
export type TermOf<X> = InfoOf<X>['dtype'];
/** The output name of an argument. */
export type NameOf<X> = InfoOf<X>['name'];
/** The name of a call: its first argument's unless that is a literal ('literal' when all are). */
export type CallName<N extends string, X> = N extends 'literal' ? NameOf<X> : N;

/** A scalar argument (what an Expr method takes besides an Expr). */
export type ScalarLike = Scalar | Date;

type Numeric = 'float64' | 'int32' | 'int64';
type Time = 'date' | 'timestamp';

/** The common type of two dtypes (`commonType`); never when there is none (the runtime throws). */
export type CommonDType<A extends DType, B extends DType> = A extends B ? (B extends A ? A : CommonPair<A, B>) : CommonPair<A, B>;
type CommonPair<A extends DType, B extends DType> = A extends Numeric
  ? B extends Numeric
    ? A extends 'float64'
      ? 'float64'
      : B extends 'float64'
        ? 'float64'
        : 'int64'
    : never
  : A extends Time
    ? B extends Time
      ? 'timestamp'
      : never
    : never;

/** add / sub / mod (fn 'add') or mul of two resolved operand dtypes ('null' for a null literal), as `callType`. */
type Arith<A, B, Fn> = A extends 'float64'
  ? 'float64'
  : B extends 'float64'
    ? 'float64'
    : Fn extends 'mul'
      ? 'int64'
      : A extends 'int32'
        ? B extends 'int32' | 'null'
          ? 'int32'
          : 'int64'
        : 'int64';

/** Folds the common type over branch terms resolved over S ('null' branches skipped; float64 when all are null). */
type CommonAll<L, S, Acc> = L extends readonly [infer H, ...infer R]
  ? CommonAll<R, S, CommonStep<Resolve<H, S>, Acc>>
  : [Acc] extends [never]
    ? 'float64'
    : Acc;
type CommonStep<H, Acc> = H extends 'null' ? Acc : H extends DType ? ([Acc] extends [never] ? H : Acc extends DType ? CommonDType<Acc, H> : never) : Acc;

/** A term's dtype over schema S, 'null' for a null literal; any dtype for a term not known statically (an `Expr` typed as such). */
type Resolve<T, S> = [DTypeTerm] extends [T] ? DType : ResolveKnown<T, S>;
type ResolveKnown<T, S> = T extends DType | 'null'
  ? T
  : T extends { readonly col: infer K }
    ? K extends keyof S
      ? S[K] extends DType
        ? S[K]
        : DType
      : DType
    : T extends { readonly arith: readonly [infer A, infer B]; readonly fn: infer Fn }
      ? Arith<Resolve<A, S>, Resolve<B, S>, Fn>
      : T extends { readonly same: infer A }
        ? NullIsFloat<Resolve<A, S>>
        : T extends { readonly common: infer L }
          ? CommonAll<L, S, never>
          : DType;

type NullIsFloat<T> = T extends 'null' ? 'float64' : T;

/** The dtype of an expression whose dtype term is T over schema S (a null literal alone is float64, as `typeOf`). */
export type ResolveDType<T, S> = NullIsFloat<Resolve<T, S>> extends infer D extends DType ? D : DType;
