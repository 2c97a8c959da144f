/**
 * argmin / argmax kernels over one axis, or over the flattened array (axis null). Partials are
 * `{ v, i }`: best values and their global indices; ties keep the first index and NaN wins
 * (NumPy's rules).
 */
import { allocData, sizeOf, type NDChunk } from './chunk.js';
import { resolveShape } from './reduce.js';

type ArgPartial = { v: NDChunk; i: NDChunk };

function better(max: boolean, v: number, best: number): boolean {
  if (best !== best) return false;
  if (v !== v) return true;
  return max ? v > best : v < best;
}

/** The best value and global index of a chunk, along `axis` (null: over all, with global offsets and shape). */
export function argPartial(kind: 'argmin' | 'argmax', c: NDChunk, axis: number | null, offsets: number[], globalShape: number[]): ArgPartial {
  const max = kind === 'argmax';
  const a = c.dtype === 'int64' ? Float64Array.from(c.data as BigInt64Array, Number) : (c.data as Float64Array);
  if (axis === null) {
    let bi = -1;
    let bv = NaN;
    for (let k = 0; k < a.length; k++) {
      const v = a[k] as number;
      if (bi < 0 || better(max, v, bv)) { bv = v; bi = k; }
    }
    let gi = 0;
    if (bi >= 0) {
      let rem = bi;
      const local: number[] = new Array<number>(c.shape.length);
      for (let d = c.shape.length - 1; d >= 0; d--) { local[d] = rem % (c.shape[d] as number); rem = Math.floor(rem / (c.shape[d] as number)); }
      for (let d = 0; d < c.shape.length; d++) gi = gi * (globalShape[d] as number) + (local[d] as number) + (offsets[d] as number);
    }
    const shape = c.shape.map(() => 1);
    return { v: { data: Float64Array.of(bi < 0 ? NaN : bv), shape, dtype: 'float64' }, i: { data: Float64Array.of(bi < 0 ? -1 : gi), shape, dtype: 'float64' } };
  }
  const shape = c.shape.map((s, d) => (d === axis ? 1 : s));
  const pre = sizeOf(c.shape.slice(0, axis));
  const len = c.shape[axis] as number;
  const post = sizeOf(c.shape.slice(axis + 1));
  const vs = new Float64Array(pre * post).fill(NaN);
  const is = new Float64Array(pre * post).fill(-1);
  const off = offsets[axis] as number;
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      let bi = -1;
      let bv = NaN;
      for (let k = 0; k < len; k++) {
        const v = a[(p * len + k) * post + q] as number;
        if (bi < 0 || better(max, v, bv)) { bv = v; bi = k; }
      }
      vs[p * post + q] = bv;
      is[p * post + q] = bi < 0 ? -1 : bi + off;
    }
  }
  return { v: { data: vs, shape, dtype: 'float64' }, i: { data: is, shape, dtype: 'float64' } };
}

/** Merges partials in block order. */
export function argCombine(kind: 'argmin' | 'argmax', parts: ArgPartial[]): ArgPartial {
  const max = kind === 'argmax';
  const first = parts[0] as ArgPartial;
  const n = first.v.data.length;
  const v = Float64Array.from(first.v.data as Float64Array);
  const i = Float64Array.from(first.i.data as Float64Array);
  for (let k = 1; k < parts.length; k++) {
    const pv = (parts[k] as ArgPartial).v.data as Float64Array;
    const pi = (parts[k] as ArgPartial).i.data as Float64Array;
    for (let j = 0; j < n; j++) {
      if ((pi[j] as number) < 0) continue;
      if ((i[j] as number) < 0 || better(max, pv[j] as number, v[j] as number)) { v[j] = pv[j] as number; i[j] = pi[j] as number; }
    }
  }
  return { v: { data: v, shape: first.v.shape, dtype: 'float64' }, i: { data: i, shape: first.i.shape, dtype: 'float64' } };
}

/** The int64 indices of the final partial. */
export function argFinish(p: ArgPartial, outShape: number[]): NDChunk {
  const src = p.i.data as Float64Array;
  const out = allocData('int64', src.length) as BigInt64Array;
  for (let k = 0; k < src.length; k++) out[k] = BigInt(src[k] as number);
  return { data: out, shape: resolveShape(outShape, p.i.shape), dtype: 'int64' };
}
