/**
 * Linear algebra kernels: the sum over a contracted block index of block products (the task of
 * one output block of matmul / tensordot). Cache-friendly i-k-j loops in float64. An integer
 * result is exact: float64 serves while every partial sum stays within 2^53 (checked from the
 * blocks' largest magnitudes); past that the products are summed as BigInt. Either way the sum
 * wraps to the result's width (int8 @ int8 wraps in int8, as NumPy's matmul does), and a bool
 * result is whether any product is true.
 */
import type { DType } from '../dtype.js';
import { allocData, sizeOf, type NDChunk } from './chunk.js';
import { transpose } from './layout.js';

function toF64(c: NDChunk): Float64Array {
  if (c.dtype === 'float64') return c.data as Float64Array;
  if (c.dtype === 'int64') return Float64Array.from(c.data as BigInt64Array, Number);
  return Float64Array.from(c.data as Float64Array);
}

function gemmAcc(out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number): void {
  // i-k-j order, four k at a time: one load and store of `out` per four multiply-adds
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    const ai = i * k;
    for (let p = 0; p < k4; p += 4) {
      const a0 = a[ai + p] as number,
        a1 = a[ai + p + 1] as number,
        a2 = a[ai + p + 2] as number,
        a3 = a[ai + p + 3] as number;
      const b0 = p * n,
        b1 = b0 + n,
        b2 = b1 + n,
        b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        out[oi + j] =
          (out[oi + j] as number) + a0 * (b[b0 + j] as number) + a1 * (b[b1 + j] as number) + a2 * (b[b2 + j] as number) + a3 * (b[b3 + j] as number);
      }
    }
    for (let p = k4; p < k; p++) {
      const av = a[ai + p] as number;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[oi + j] = (out[oi + j] as number) + av * (b[bp + j] as number);
    }
  }
}

function finish(acc: Float64Array, shape: number[], dtype: DType): NDChunk {
  if (dtype === 'float64') return { data: acc, shape, dtype };
  const out = allocData(dtype, acc.length);
  if (dtype === 'int64') for (let i = 0; i < acc.length; i++) (out as BigInt64Array)[i] = BigInt(Math.round(acc[i] as number));
  else if (dtype === 'bool') for (let i = 0; i < acc.length; i++) (out as Uint8Array)[i] = acc[i] !== 0 ? 1 : 0;
  else (out as Float64Array).set(acc); // integers: exact here, and a typed array store wraps to the width
  return { data: out, shape, dtype };
}

/** A BigInt sum as `dtype`: int64 as is, narrower integers wrapped to their width. */
function narrowBig(acc: BigInt64Array, shape: number[], dtype: DType): NDChunk {
  if (dtype === 'int64') return { data: acc, shape, dtype };
  const out = allocData(dtype, acc.length) as Float64Array;
  for (let i = 0; i < acc.length; i++) out[i] = Number(BigInt.asIntN(32, acc[i] as bigint)); // the store wraps to 8/16 bits
  return { data: out, shape, dtype };
}

/** Sum over k of as[k] @ bs[k] for 2-d blocks. */
export function matmulSum(as: NDChunk[], bs: NDChunk[], dtype: DType): NDChunk {
  const m = (as[0] as NDChunk).shape[0] as number;
  const n = (bs[0] as NDChunk).shape[1] as number;
  const pairs = as.map((a, t) => ({ a, b: bs[t] as NDChunk, k: a.shape[1] as number }));
  return contract(pairs, m, n, [m, n], dtype);
}

/** Sum over pairs of tensordot(a, b, axesA, axesB) for blocks (lists flattened in the same order). */
export function tensordotSum(as: NDChunk[], bs: NDChunk[], axesA: number[], axesB: number[], dtype: DType): NDChunk {
  const a0 = as[0] as NDChunk;
  const b0 = bs[0] as NDChunk;
  const freeA = a0.shape.map((_, d) => d).filter((d) => !axesA.includes(d));
  const freeB = b0.shape.map((_, d) => d).filter((d) => !axesB.includes(d));
  const shape = [...freeA.map((d) => a0.shape[d] as number), ...freeB.map((d) => b0.shape[d] as number)];
  const m = sizeOf(freeA.map((d) => a0.shape[d] as number));
  const n = sizeOf(freeB.map((d) => b0.shape[d] as number));
  const pairs = as.map((a, t) => ({
    a: transpose(a, [...freeA, ...axesA]),
    b: transpose(bs[t] as NDChunk, [...axesB, ...freeB]),
    k: sizeOf(axesA.map((d) => a.shape[d] as number)),
  }));
  return contract(pairs, m, n, shape, dtype);
}

const INTEGER = new Set<DType>(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32']);

/** Sum of a_t (m x k_t) @ b_t (k_t x n) over the pairs, C order, as `dtype`. */
function contract(pairs: { a: NDChunk; b: NDChunk; k: number }[], m: number, n: number, shape: number[], dtype: DType): NDChunk {
  if (INTEGER.has(dtype) && !exactInFloat64(pairs)) {
    const acc = new BigInt64Array(m * n);
    for (const { a, b, k } of pairs) gemmAccBig(acc, toBig(a), toBig(b), m, k, n);
    return narrowBig(acc, shape, dtype);
  }
  const acc = allocData('float64', m * n) as Float64Array;
  for (const { a, b, k } of pairs) gemmAcc(acc, toF64(a), toF64(b), m, k, n);
  return finish(acc, shape, dtype);
}

/** Whether every partial sum of the products stays an integer float64 holds exactly (below 2^53). */
function exactInFloat64(pairs: { a: NDChunk; b: NDChunk; k: number }[]): boolean {
  let bound = 0;
  for (const { a, b, k } of pairs) {
    const ma = maxAbs(a);
    const mb = maxAbs(b);
    if (ma > 2 ** 53 || mb > 2 ** 53) return false;
    bound += ma * mb * k;
  }
  return bound <= 2 ** 53;
}

function maxAbs(c: NDChunk): number {
  let max = 0;
  if (c.dtype === 'int64') {
    for (const v of c.data as BigInt64Array) {
      const x = v < 0n ? -v : v;
      if (x > BigInt(max)) max = Number(x);
    }
    return max;
  }
  const d = c.data as Float64Array;
  for (let i = 0; i < d.length; i++) {
    const x = Math.abs(d[i] as number);
    if (x > max) max = x;
  }
  return max;
}

function toBig(c: NDChunk): BigInt64Array {
  if (c.dtype === 'int64') return c.data as BigInt64Array;
  return BigInt64Array.from(c.data as Float64Array, (v) => BigInt(v));
}

/** gemmAcc in 64-bit integers: BigInt products, stored modulo 2^64 (two's complement wrap). */
function gemmAccBig(out: BigInt64Array, a: BigInt64Array, b: BigInt64Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p] as bigint;
      if (av === 0n) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[oi + j] = (out[oi + j] as bigint) + av * (b[bp + j] as bigint);
    }
  }
}

/** Flattens nested lists of chunks (the blocks along contracted indices) into one list. */
export function flatList(x: unknown): NDChunk[] {
  if (!Array.isArray(x)) return [x as NDChunk];
  return (x as unknown[]).flatMap((v) => flatList(v));
}
