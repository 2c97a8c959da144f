/**
 * The dtype rules of dtype.ts and reductions.ts at the type level, so that a result's static
 * type says what the runtime gives: the JavaScript value of an element (`ScalarOf`), the
 * TypedArray of a dtype, NumPy's promotion table, and the result dtypes of sums, means and
 * math functions. Where a dtype is not known statically (the `DType` union), every rule
 * distributes over the union and gives every possible answer, never a wrong narrow one.
 * test/typed-results.test.ts checks each rule against the runtime.
 */
import type { DType } from './dtype.js';
import type { NumberKind } from './operand-rules.js';

/** The JavaScript value of one element of dtype D: bigint for int64, boolean for bool, number otherwise. */
export type ScalarOf<D extends DType> = D extends 'int64' ? bigint : D extends 'bool' ? boolean : number;

/** The TypedArray that holds dtype D (bool is stored as 0/1 in a Uint8Array). */
export interface TypedArrays {
  float64: Float64Array;
  float32: Float32Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
}

/** The TypedArray of dtype D. */
export type TypedArrayOf<D extends DType> = TypedArrays[D];

/** NumPy's promote_types as a table (what `promoteTypes(a, b)` returns). */
// prettier-ignore
interface PromoteTable {
  float64: { float64: 'float64'; float32: 'float64'; int8: 'float64'; int16: 'float64'; int32: 'float64'; uint8: 'float64'; uint16: 'float64'; uint32: 'float64'; int64: 'float64'; bool: 'float64' };
  float32: { float64: 'float64'; float32: 'float32'; int8: 'float32'; int16: 'float32'; int32: 'float64'; uint8: 'float32'; uint16: 'float32'; uint32: 'float64'; int64: 'float64'; bool: 'float32' };
  int8: { float64: 'float64'; float32: 'float32'; int8: 'int8'; int16: 'int16'; int32: 'int32'; uint8: 'int16'; uint16: 'int32'; uint32: 'int64'; int64: 'int64'; bool: 'int8' };
  int16: { float64: 'float64'; float32: 'float32'; int8: 'int16'; int16: 'int16'; int32: 'int32'; uint8: 'int16'; uint16: 'int32'; uint32: 'int64'; int64: 'int64'; bool: 'int16' };
  int32: { float64: 'float64'; float32: 'float64'; int8: 'int32'; int16: 'int32'; int32: 'int32'; uint8: 'int32'; uint16: 'int32'; uint32: 'int64'; int64: 'int64'; bool: 'int32' };
  uint8: { float64: 'float64'; float32: 'float32'; int8: 'int16'; int16: 'int16'; int32: 'int32'; uint8: 'uint8'; uint16: 'uint16'; uint32: 'uint32'; int64: 'int64'; bool: 'uint8' };
  uint16: { float64: 'float64'; float32: 'float32'; int8: 'int32'; int16: 'int32'; int32: 'int32'; uint8: 'uint16'; uint16: 'uint16'; uint32: 'uint32'; int64: 'int64'; bool: 'uint16' };
  uint32: { float64: 'float64'; float32: 'float64'; int8: 'int64'; int16: 'int64'; int32: 'int64'; uint8: 'uint32'; uint16: 'uint32'; uint32: 'uint32'; int64: 'int64'; bool: 'uint32' };
  int64: { float64: 'float64'; float32: 'float64'; int8: 'int64'; int16: 'int64'; int32: 'int64'; uint8: 'int64'; uint16: 'int64'; uint32: 'int64'; int64: 'int64'; bool: 'int64' };
  bool: { float64: 'float64'; float32: 'float32'; int8: 'int8'; int16: 'int16'; int32: 'int32'; uint8: 'uint8'; uint16: 'uint16'; uint32: 'uint32'; int64: 'int64'; bool: 'bool' };
}

/** The promoted dtype of two array dtypes (NumPy's promote_types; a union gives every pair's answer). */
export type Promote<A extends DType, B extends DType> = A extends DType ? (B extends DType ? PromoteTable[A][B] : never) : never;

/** The float dtypes. */
export type FloatDType = 'float64' | 'float32';

/** The dtype of sum / prod / nansum / cumsum / cumprod: a float keeps its dtype, integers and bool give int64. */
export type SumDType<D extends DType> = D extends FloatDType ? D : 'int64';

/** The dtype of mean / var / std (and their nan forms): float32 stays float32, everything else is float64. */
export type MomentDType<D extends DType> = D extends 'float32' ? 'float32' : 'float64';

/** The float dtype of math functions (sqrt, exp, ...): floats keep theirs, small integers give float32, others float64. */
export type FloatOf<D extends DType> = D extends FloatDType ? D : D extends 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' ? 'float32' : 'float64';

/** The dtype of floor / ceil / round: bool gives float32, every other dtype keeps its own. */
export type RoundDType<D extends DType> = D extends 'bool' ? 'float32' : D;

/** The dtype of a scalar on its own (full()'s default dtype for its fill value). */
export type ScalarDType<S> = S extends boolean ? 'bool' : S extends bigint ? 'int64' : 'float64';

/** The dtype of a TypedArray type, by its tag (a Uint8Array reads as uint8, as at runtime). */
export type TypedArrayDType<T> = T extends { readonly [Symbol.toStringTag]: infer Tag extends keyof TagDTypes } ? TagDTypes[Tag] : DType;

interface TagDTypes {
  Float64Array: 'float64';
  Float32Array: 'float32';
  Int8Array: 'int8';
  Int16Array: 'int16';
  Int32Array: 'int32';
  Uint8Array: 'uint8';
  Uint16Array: 'uint16';
  Uint32Array: 'uint32';
  BigInt64Array: 'int64';
}

/** The values at the bottom of nested arrays (unknown past 32 levels or for a recursive type). */
type Leaves<T, Depth extends unknown[] = []> = Depth['length'] extends 33 ? unknown : T extends readonly (infer E)[] ? Leaves<E, [...Depth, unknown]> : T;

/** True when nested arrays are known to hold a value: a non-empty tuple down to the bottom. */
type NonEmpty<T> = T extends readonly [infer F, ...unknown[]] ? (F extends readonly unknown[] ? NonEmpty<F> : true) : false;

/**
 * fromArray's dtype of nested JS arrays: all booleans give bool, all bigints int64, anything
 * else float64; an empty input is float64, so bool / int64 need a non-empty tuple type to be sure.
 */
export type NestedDType<T> = [Leaves<T>] extends [never]
  ? 'float64'
  : [Leaves<T>] extends [boolean]
    ? NonEmpty<T> extends true
      ? 'bool'
      : 'bool' | 'float64'
    : [Leaves<T>] extends [bigint]
      ? NonEmpty<T> extends true
        ? 'int64'
        : 'int64' | 'float64'
      : 'float64';

/** fromArray's dtype of its data: an NDArray's or chunk's own, a TypedArray's, or nested arrays'. */
export type FromArrayDType<T> = T extends { readonly dtype: infer E extends DType } ? E : T extends ArrayBufferView ? TypedArrayDType<T> : NestedDType<T>;

/** arange's dtype: int64 when start, stop and step are integers, float64 when one is a fraction (both when not known). */
export type ArangeDType<Xs extends readonly number[]> =
  'float' extends NumberKind<Xs[number]> ? 'float64' : 'unknown' extends NumberKind<Xs[number]> ? 'int64' | 'float64' : 'int64';
