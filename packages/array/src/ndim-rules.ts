/**
 * The number of dimensions at the type level: a DaskArray's second type parameter N is its
 * ndim where it is known statically (a literal 0..32, from a shape written as a tuple or from
 * nested arrays) and `number` where it is not. These rules follow the runtime's shape rules
 * (reductions remove their axes unless keepdims; matmul of 1-d and 2-d operands; broadcasting
 * takes the larger ndim) and fall back to `number` whenever an input is not known. What
 * `compute()` gives follows from N: a scalar for 0-d, an NDArray otherwise, either when N is
 * not known.
 */
import type { DType } from './dtype.js';
import type { ScalarOf } from './dtype-rules.js';
import type { NDArray } from './ndarray.js';

/** The ndims the type level counts with (more dimensions than these read as `number`). */
type KnownNdim =
  0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30 | 31 | 32;

/** A tuple of length N (N a KnownNdim). */
type Tuple<N extends number, T extends unknown[] = []> = T['length'] extends N ? T : Tuple<N, [...T, unknown]>;

/** N minus K (never when K > N: the runtime throws), `number` when either is not known. */
export type SubNdim<N extends number, K extends number> = [N, K] extends [KnownNdim, KnownNdim]
  ? Tuple<N> extends [...Tuple<K>, ...infer R]
    ? R['length']
    : never
  : number;

/** N plus K, `number` when either is not known (or the sum is past 32). */
export type AddNdim<N extends number, K extends number> = [N, K] extends [KnownNdim, KnownNdim]
  ? [...Tuple<N>, ...Tuple<K>]['length'] extends infer S extends KnownNdim
    ? S
    : number
  : number;

/** The larger of N and M (broadcasting), `number` when either is not known. */
export type MaxNdim<N extends number, M extends number> = [N, M] extends [KnownNdim, KnownNdim]
  ? Tuple<N> extends [...Tuple<M>, ...unknown[]]
    ? N
    : M
  : number;

/** The ndim left after reducing over `A` (an axis option's type) an array of ndim N without keepdims. */
type AxisReduced<N extends number, A> = A extends null | undefined
  ? 0
  : A extends number
    ? SubNdim<N, 1>
    : A extends readonly number[]
      ? number extends A['length']
        ? number
        : SubNdim<N, A['length']>
      : number;

/**
 * The ndim of a reduction of an ndim-N array with options O: N with `keepdims: true`; without
 * keepdims, 0 when no axis is given, N minus the number of axes when they are given; `number`
 * when the options are not known statically (a keepdims or axis typed only as boolean / number[]).
 */
export type ReducedNdim<N extends number, O> = [OptionOf<O, 'keepdims'>] extends [true]
  ? N
  : [OptionOf<O, 'keepdims'>] extends [false | undefined]
    ? AxisReduced<N, OptionOf<O, 'axis'>>
    : number;

/** The type of option K in O (undefined when O has no such key). */
type OptionOf<O, K extends string> = K extends keyof O ? O[K] : undefined;

/** The ndim of an element-wise result: broadcasting with another array takes the larger ndim; a scalar keeps N. */
export type BroadcastNdim<N extends number, O> = O extends { readonly ndim: infer M extends number } ? MaxNdim<N, M> : N;

/** The ndim of `op(a, b)` with the array on either side: the larger ndim of two arrays, the array's with a scalar. */
export type PairNdim<A, B> = A extends { readonly ndim: infer N extends number }
  ? BroadcastNdim<N, B>
  : B extends { readonly ndim: infer M extends number }
    ? M
    : never;

/** The ndim of an element-wise operation over several operands: the largest ndim among the arrays. */
export type OperandsNdim<Ops extends readonly unknown[], Acc extends number = never> = Ops extends readonly [infer H, ...infer R]
  ? OperandsNdim<R, H extends { readonly ndim: infer M extends number } ? ([Acc] extends [never] ? M : MaxNdim<Acc, M>) : Acc>
  : Acc;

/** cumsum / cumprod: flattened (1-d) without an axis, the same ndim with one. */
export type CumNdim<N extends number, O> = 'axis' extends keyof O ? (O extends { axis: number } ? N : number) : 1;

/** The ndim of a matrix product of 1-d / 2-d operands: N + M - 2 (0 for two vectors). */
export type MatmulNdim<N extends number, M extends number> = SubNdim<AddNdim<N, M>, 2>;

/** The ndim of a shape given as a tuple (`number` for a plain `number[]`). */
export type NdimOf<S extends readonly number[]> = number extends S['length'] ? number : S['length'];

/**
 * What `compute()` of an array of dtype D and ndim N gives: the element's value for 0-d, an
 * NDArray of D otherwise, either when N is not known. (Written with N as the checked type of
 * each condition, so that TypeScript can see that it grows with N: DaskArray is covariant.)
 */
export type ArrayResultOf<D extends DType, N extends number> = N extends 0 ? ScalarOf<D> : N extends PositiveNdim ? NDArray<D> : NDArray<D> | ScalarOf<D>;

/** The known ndims of arrays that compute to an NDArray. */
export type PositiveNdim = Exclude<KnownNdim, 0>;

/** The ndim of nested JS arrays (how deep the arrays go; `number` past 32 levels or for a recursive type). */
export type NestedNdim<T, Depth extends unknown[] = []> = Depth['length'] extends 33
  ? number
  : T extends readonly (infer E)[]
    ? NestedNdim<E, [...Depth, unknown]>
    : Depth['length'];

/** fromArray's ndim: a given shape's, 1 for a TypedArray, nested arrays' depth (unknown for an NDArray). */
export type FromArrayNdim<T, S> = S extends readonly number[]
  ? NdimOf<S>
  : T extends { readonly dtype: DType }
    ? number
    : T extends ArrayBufferView
      ? 1
      : NestedNdim<T>;

/** How many axes index items remove (integers) and add (nulls), or 'unknown' when an item's kind is not known. */
type CountItems<I extends readonly unknown[], Removed extends unknown[] = [], Added extends unknown[] = []> = I extends readonly [infer H, ...infer R]
  ? [H] extends [number]
    ? CountItems<R, [...Removed, unknown], Added>
    : [H] extends [null]
      ? CountItems<R, Removed, [...Added, unknown]>
      : [H] extends ['...' | { start?: unknown; stop?: unknown; step?: unknown }]
        ? CountItems<R, Removed, Added>
        : 'unknown'
  : number extends I['length']
    ? 'unknown'
    : [Removed['length'], Added['length']];

/**
 * The ndim after `slice(...items)`: every integer removes its axis, every null adds one, slices
 * and '...' keep theirs (so indexing every axis of an array with integers gives a 0-d result).
 */
export type SliceNdim<N extends number, I extends readonly unknown[]> =
  CountItems<I> extends [infer Rm extends number, infer Ad extends number] ? SubNdim<AddNdim<N, Ad>, Rm> : number;

type Space = ' ' | '\t' | '\n';
type Trim<S extends string> = S extends `${Space}${infer R}` ? Trim<R> : S extends `${infer R}${Space}` ? Trim<R> : S;
/** One item of `get('...')` text as parseIndex reads it (unknown for what the types cannot read). */
type TextItem<S extends string> = S extends 'None' | 'null'
  ? null
  : S extends '...'
    ? '...'
    : S extends `${string}:${string}`
      ? { start: null }
      : S extends `${bigint}`
        ? number
        : unknown;
type TextItems<S extends string, Acc extends unknown[] = []> = S extends `${infer H},${infer R}`
  ? TextItems<R, [...Acc, TextItem<Trim<H>>]>
  : [...Acc, TextItem<Trim<S>>];

/** The ndim after `get(text)` (NumPy's index text, `'1, ::2, None'`), `number` for text not known statically. */
export type GetNdim<N extends number, S extends string> = string extends S ? number : SliceNdim<N, TextItems<S>>;

/** The options type of a call that passes none (a reduction's default type argument). */
export type NoOptions = Record<never, never>;
