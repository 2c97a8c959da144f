/**
 * The chunk type every kernel takes and returns: plain data `{ data, shape, dtype }` in C order,
 * so it survives structured clone between threads. Buffers are allocated on SharedArrayBuffer
 * where the platform has it, so chunks cross threads without copies.
 */
import { typedArrayOf, type DType, type TypedArray } from '../dtype.js';

/** One chunk: a C-ordered TypedArray with its shape and dtype. */
export interface NDChunk {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

const HAS_SAB = typeof SharedArrayBuffer !== 'undefined';

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** C-order strides (in elements) of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = s;
    s *= shape[d] as number;
  }
  return st;
}

/**
 * The offset of the start of each row (each index of all dims but the last, in C order) of an
 * array of `shape` laid out with `strides` (0 on a broadcast or reduced axis): an odometer over
 * the outer dims, one add per row.
 */
export function rowStarts(shape: readonly number[], strides: readonly number[], rows: number): Int32Array {
  const nd = shape.length;
  const out = new Int32Array(rows);
  const idx = new Array<number>(Math.max(0, nd - 1)).fill(0);
  let off = 0;
  for (let r = 0; r < rows; r++) {
    out[r] = off;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      off += strides[d] as number;
      if ((idx[d] as number) < (shape[d] as number)) break;
      off -= (strides[d] as number) * (shape[d] as number);
      idx[d] = 0;
    }
  }
  return out;
}

/** A zero-filled TypedArray of `n` elements, on a SharedArrayBuffer when available. */
export function allocData(dtype: DType, n: number): TypedArray {
  const C = typedArrayOf(dtype);
  if (!HAS_SAB) return new C(n);
  return new C(new SharedArrayBuffer(n * C.BYTES_PER_ELEMENT), 0, n);
}

/** A new zero-filled chunk. */
export function allocChunk(dtype: DType, shape: readonly number[]): NDChunk {
  return { data: allocData(dtype, sizeOf(shape)), shape: [...shape], dtype };
}

/** A chunk over existing data (no copy). */
export function chunkOf(data: TypedArray, shape: readonly number[], dtype: DType): NDChunk {
  return { data, shape: [...shape], dtype };
}

/** Reads element `i` of a chunk as a JS value (number, or bigint for int64). */
export function readAt(c: NDChunk, i: number): number | bigint {
  return (c.data as ArrayLike<number | bigint>)[i] as number | bigint;
}

/** Checks that a value computed by user code is a chunk of the expected shape and dtype. */
export function checkChunk(c: unknown, shape: number[], dtype: DType): NDChunk {
  const x = c as Partial<NDChunk> | null;
  if (x === null || typeof x !== 'object' || !ArrayBuffer.isView(x.data) || !Array.isArray(x.shape)) {
    throw new TypeError(`expected an NDArray or { data, shape, dtype } of shape (${shape.join(', ')}), got ${x === null ? 'null' : typeof x}.`);
  }
  if (x.shape.length !== shape.length || x.shape.some((s, d) => s !== shape[d])) {
    throw new RangeError(`expected a block of shape (${shape.join(', ')}), got (${x.shape.join(', ')}).`);
  }
  if (x.dtype !== dtype) throw new TypeError(`expected a block of dtype ${dtype}, got ${String(x.dtype)}.`);
  return { data: x.data, shape, dtype };
}
