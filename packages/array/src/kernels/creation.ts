/**
 * Creation kernels: constant fills, ranges, identity blocks and seeded random blocks. Random
 * numbers come from xoshiro128** seeded per block from (seed, block number), so the same seed
 * and chunks give the same numbers on every scheduler and thread.
 */
import type { DType } from '../dtype.js';
import { allocData, sizeOf, type NDChunk } from './chunk.js';

/** A chunk of `shape` filled with `value`. */
export function full(shape: number[], value: number | bigint | boolean, dtype: DType): NDChunk {
  const data = allocData(dtype, sizeOf(shape));
  const v = dtype === 'int64' ? BigInt(typeof value === 'number' ? Math.trunc(value) : value) : typeof value === 'boolean' ? +value : Number(value);
  if (v !== 0 && v !== 0n) (data as { fill(v: unknown): unknown }).fill(dtype === 'bool' ? (v ? 1 : 0) : v);
  return { data, shape, dtype };
}

/**
 * `n` values start + (offset + i) * step (NumPy's arange/linspace formula), `last` replacing the
 * final one (linspace's stop). Integer dtypes take the floor, as NumPy 2's linspace; int64 with an
 * integer start and step is computed in BigInt, so values past 2^53 stay exact.
 */
export function range(start: number, step: number, offset: number, n: number, dtype: DType, last?: number): NDChunk {
  const data = allocData(dtype, n);
  const float = dtype === 'float64' || dtype === 'float32';
  if (dtype === 'int64' && Number.isInteger(start) && Number.isInteger(step) && (last === undefined || Number.isInteger(last))) {
    const b0 = BigInt(start),
      bs = BigInt(step);
    for (let i = 0; i < n; i++) (data as BigInt64Array)[i] = b0 + BigInt(offset + i) * bs;
    if (last !== undefined && n > 0) (data as BigInt64Array)[n - 1] = BigInt(last);
  } else if (dtype === 'int64') {
    for (let i = 0; i < n; i++) (data as BigInt64Array)[i] = BigInt(Math.floor(start + (offset + i) * step));
    if (last !== undefined && n > 0) (data as BigInt64Array)[n - 1] = BigInt(Math.floor(last));
  } else {
    const d = data as Float64Array;
    if (float) for (let i = 0; i < n; i++) d[i] = start + (offset + i) * step;
    else for (let i = 0; i < n; i++) d[i] = Math.floor(start + (offset + i) * step);
    if (last !== undefined && n > 0) d[n - 1] = float ? last : Math.floor(last);
  }
  return { data, shape: [n], dtype };
}

/** A block of the identity-like matrix with ones on diagonal k, at (row0, col0). */
export function eye(shape: [number, number], row0: number, col0: number, k: number, dtype: DType): NDChunk {
  const [r, c] = shape;
  const data = allocData(dtype, r * c);
  const one = dtype === 'int64' ? 1n : 1;
  for (let i = 0; i < r; i++) {
    const j = row0 + i + k - col0;
    if (j >= 0 && j < c) (data as unknown as (number | bigint)[])[i * c + j] = one;
  }
  return { data, shape, dtype };
}

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** The state of one block's xoshiro128** stream, so a block can be generated in pieces. */
export interface UniformStream {
  s: Int32Array;
}

/** Starts the stream of block `block` under `seed`. */
export function uniformStream(seed: number, block: number): UniformStream {
  const sm = splitmix32((seed ^ Math.imul(block + 1, 0x27d4eb2d)) | 0);
  const s = Int32Array.of(sm() | 0, sm() | 0, sm() | 0, sm() | 0);
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  return { s };
}

/**
 * JavaScript source of one draw from the stream held in locals `s0..s3`: advances xoshiro128**
 * twice and assigns the uniform [0, 1) double made of the two outputs' top 27 and 26 bits (53
 * random bits) to `v`. Shared by `fillUniform` and the fused generate-and-reduce loops
 * (reduce-generated.ts), so both draw exactly the same numbers.
 */
export function uniformDrawSource(v: string): string {
  return `{
  let r = Math.imul(s1, 5);
  r = Math.imul((r << 7) | (r >>> 25), 9);
  let t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
  let q = Math.imul(s1, 5);
  q = Math.imul((q << 7) | (q >>> 25), 9);
  t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
  ${v} = ((r >>> 5) * 67108864 + (q >>> 6)) * 1.1102230246251565e-16;
}`;
}

/** Fills `out[0..n)` with the stream's next uniform [0, 1) doubles (53 random bits each). */
export const fillUniform = new Function(`return function fillUniform(st, out, n = out.length) {
  const s = st.s;
  let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
  for (let i = 0; i < n; i++) ${uniformDrawSource('out[i]')}
  s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
};`)() as (st: UniformStream, out: Float64Array, n?: number) => void;

/** Fills `out` with uniform [0, 1) doubles from a seed pair. */
function uniforms(out: Float64Array, seed: number, block: number): void {
  fillUniform(uniformStream(seed, block), out);
}

/** Uniform [0, 1) float64 numbers for one block. */
export function randomUniform(shape: number[], seed: number, block: number): NDChunk {
  const data = allocData('float64', sizeOf(shape)) as Float64Array;
  uniforms(data, seed, block);
  return { data, shape, dtype: 'float64' };
}

/** Normal numbers (Box-Muller) with mean `loc` and deviation `scale` for one block. */
export function randomNormal(shape: number[], seed: number, block: number, loc: number, scale: number): NDChunk {
  const n = sizeOf(shape);
  const data = allocData('float64', n) as Float64Array;
  const u = new Float64Array(n + (n % 2));
  uniforms(u, seed, block);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - (u[i] as number)));
    const th = 2 * Math.PI * (u[i + 1] as number);
    data[i] = loc + scale * r * Math.cos(th);
    if (i + 1 < n) data[i + 1] = loc + scale * r * Math.sin(th);
  }
  return { data, shape, dtype: 'float64' };
}

/** Integers uniform in [low, high) for one block. */
export function randomInt(shape: number[], seed: number, block: number, low: number, high: number, dtype: DType): NDChunk {
  const n = sizeOf(shape);
  const u = new Float64Array(n);
  uniforms(u, seed, block);
  const data = allocData(dtype, n);
  const span = high - low;
  if (dtype === 'int64') {
    for (let i = 0; i < n; i++) (data as BigInt64Array)[i] = BigInt(low + Math.floor((u[i] as number) * span));
  } else {
    for (let i = 0; i < n; i++) (data as Float64Array)[i] = low + Math.floor((u[i] as number) * span);
  }
  return { data, shape, dtype };
}
