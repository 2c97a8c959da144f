/**
 * Data types: the names NumPy uses, their TypedArray, item size, and NumPy's promotion rules
 * (`result_type`, with Python scalars following NEP 50: a scalar does not widen an array).
 */

/** The element types of tsdask arrays. bool is stored as 0/1 in a Uint8Array. */
export type DType = 'float64' | 'float32' | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32' | 'int64' | 'bool';

/** Any TypedArray a chunk may hold. */
export type TypedArray = Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array;

type Ctor = { new (n: number): TypedArray; new (b: ArrayBufferLike, off?: number, n?: number): TypedArray; BYTES_PER_ELEMENT: number };

const CTORS: Record<DType, Ctor> = {
  float64: Float64Array,
  float32: Float32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
} as unknown as Record<DType, Ctor>;

export const DTYPES: readonly DType[] = Object.keys(CTORS) as DType[];

/** True when `x` names a dtype. */
export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(CTORS, x);
}

/** The TypedArray constructor of a dtype. */
export function typedArrayOf(dtype: DType): Ctor {
  return CTORS[dtype];
}

/** Bytes per element. */
export function itemsize(dtype: DType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** The dtype a TypedArray holds (Uint8Array reads as uint8). */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  for (const d of DTYPES) if (d !== 'bool' && a.constructor === CTORS[d]) return d;
  return undefined;
}

/** 'b' bool, 'u' unsigned, 'i' signed, 'f' float (NumPy's kind letters). */
export function kindOf(d: DType): 'b' | 'u' | 'i' | 'f' {
  if (d === 'bool') return 'b';
  if (d[0] === 'u') return 'u';
  if (d[0] === 'i') return 'i';
  return 'f';
}

const BITS: Record<DType, number> = { bool: 1, int8: 8, uint8: 8, int16: 16, uint16: 16, int32: 32, uint32: 32, int64: 64, float32: 32, float64: 64 };

function signedOfBits(bits: number): DType {
  return bits <= 8 ? 'int8' : bits <= 16 ? 'int16' : bits <= 32 ? 'int32' : 'int64';
}

/** NumPy's promotion of two array dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'b') return b;
  if (kb === 'b') return a;
  if (ka === 'f' || kb === 'f') {
    if (ka === 'f' && kb === 'f') return BITS[a] >= BITS[b] ? a : b;
    const [f, i] = ka === 'f' ? [a, b] : [b, a];
    if (f === 'float64') return 'float64';
    return BITS[i] <= 16 ? 'float32' : 'float64';
  }
  if (ka === kb) return BITS[a] >= BITS[b] ? a : b;
  const [u, s] = ka === 'u' ? [a, b] : [b, a];
  if (BITS[s] > BITS[u]) return s;
  return signedOfBits(BITS[u] * 2);
}

/** A Python-style scalar operand. */
export type Scalar = number | bigint | boolean;

/** The dtype of a scalar on its own. */
export function scalarDType(x: Scalar): DType {
  if (typeof x === 'boolean') return 'bool';
  if (typeof x === 'bigint') return 'int64';
  return 'float64';
}

/** NumPy (NEP 50) promotion of an array dtype with a scalar: the scalar's kind may widen, its size does not. */
export function promoteWithScalar(a: DType, x: Scalar): DType {
  const ka = kindOf(a);
  if (typeof x === 'boolean') return a;
  if (isIntScalar(x)) {
    if (ka === 'b') return 'int64';
    return a;
  }
  return ka === 'f' ? a : 'float64';
}

const RANGES: Partial<Record<DType, readonly [bigint, bigint]>> = {
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int16: [-32768n, 32767n],
  uint16: [0n, 65535n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** The inclusive value range of an integer dtype (undefined for float and bool). */
export function intRange(d: DType): readonly [bigint, bigint] | undefined {
  return RANGES[d];
}

/**
 * True for a Python-int-like scalar (NEP 50's weak int): a bigint, or a number with an integer
 * value other than -0 (which only a Python float can be).
 */
export function isIntScalar(x: unknown): x is number | bigint {
  return typeof x === 'bigint' || (typeof x === 'number' && Number.isInteger(x) && !Object.is(x, -0));
}

/**
 * Where an integer scalar falls against an integer dtype's range: -1 below, 0 inside, 1 above
 * (0 for float and bool dtypes, which take any integer).
 */
export function intScalarPlace(x: number | bigint, d: DType): -1 | 0 | 1 {
  const r = RANGES[d];
  if (r === undefined) return 0;
  const v = typeof x === 'bigint' ? x : BigInt(x);
  return v < r[0] ? -1 : v > r[1] ? 1 : 0;
}

/** The float type NumPy gives for math functions (sqrt, exp, ...) of a dtype. */
export function floatOf(d: DType): DType {
  if (d === 'float32' || d === 'float64') return d;
  return BITS[d] <= 16 ? 'float32' : 'float64';
}
