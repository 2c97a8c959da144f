/**
 * argmin / argmax kernels over one axis, or over the flattened array (axis null). Partials are
 * `{ v, i }`: best values and their global indices; ties keep the first index and NaN wins
 * (NumPy's rules).
 */
import { EmptyReductionError } from '../errors.js';
import { allocData, sizeOf, type NDChunk } from './chunk.js';
import { resolveShape } from './reduce.js';

/** Best values and indices; `n` (1-d arrays of unknown length) is the elements seen, and the indices are then relative to them. */
type ArgPartial = { v: NDChunk; i: NDChunk; n?: number };

/** int64 values are compared as BigInt: through float64, 2^60 and 2^60 + 1 would tie. */
function better(max: boolean, v: number | bigint, best: number | bigint): boolean {
  if (best !== best) return false;
  if (v !== v) return true;
  return max ? v > best : v < best;
}

/** The best value and global index of a chunk, along `axis` (null: over all, with global offsets and shape). */
export function argPartial(kind: 'argmin' | 'argmax', c: NDChunk, axis: number | null, offsets: number[], globalShape: number[], counted = false): ArgPartial {
  if (counted) return { ...argPartial(kind, c, 0, [0], [...c.shape]), n: c.shape[0] as number };
  const max = kind === 'argmax';
  const big = c.dtype === 'int64';
  const a = c.data as unknown as ArrayLike<number | bigint>;
  const vdt = big ? 'int64' : 'float64';
  if (axis === null) {
    let bi = -1;
    let bv: number | bigint = NaN;
    for (let k = 0; k < a.length; k++) {
      const v = a[k] as number | bigint;
      if (bi < 0 || better(max, v, bv)) {
        bv = v;
        bi = k;
      }
    }
    let gi = 0;
    if (bi >= 0) {
      let rem = bi;
      const local: number[] = new Array<number>(c.shape.length);
      for (let d = c.shape.length - 1; d >= 0; d--) {
        local[d] = rem % (c.shape[d] as number);
        rem = Math.floor(rem / (c.shape[d] as number));
      }
      for (let d = 0; d < c.shape.length; d++) gi = gi * (globalShape[d] as number) + (local[d] as number) + (offsets[d] as number);
    }
    const shape = c.shape.map(() => 1);
    const vd = big ? BigInt64Array.of(bi < 0 ? 0n : (bv as bigint)) : Float64Array.of(bi < 0 ? NaN : (bv as number));
    return { v: { data: vd, shape, dtype: vdt }, i: { data: Float64Array.of(bi < 0 ? -1 : gi), shape, dtype: 'float64' } };
  }
  const shape = c.shape.map((s, d) => (d === axis ? 1 : s));
  const pre = sizeOf(c.shape.slice(0, axis));
  const len = c.shape[axis] as number;
  const post = sizeOf(c.shape.slice(axis + 1));
  const vs = (big ? new BigInt64Array(pre * post) : new Float64Array(pre * post).fill(NaN)) as unknown as (number | bigint)[];
  const is = new Float64Array(pre * post).fill(-1);
  const off = offsets[axis] as number;
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      let bi = -1;
      let bv: number | bigint = big ? 0n : NaN;
      for (let k = 0; k < len; k++) {
        const v = a[(p * len + k) * post + q] as number | bigint;
        if (bi < 0 || better(max, v, bv)) {
          bv = v;
          bi = k;
        }
      }
      vs[p * post + q] = bv;
      is[p * post + q] = bi < 0 ? -1 : bi + off;
    }
  }
  return { v: { data: vs as unknown as Float64Array, shape, dtype: vdt }, i: { data: is, shape, dtype: 'float64' } };
}

/** Merges partials in block order (counted partials: each one's indices move past the elements before it). */
export function argCombine(kind: 'argmin' | 'argmax', parts: ArgPartial[]): ArgPartial {
  const max = kind === 'argmax';
  const first = parts[0] as ArgPartial;
  const n = first.v.data.length;
  const v = (first.v.data as Float64Array).slice() as unknown as (number | bigint)[];
  const i = Float64Array.from(first.i.data as Float64Array);
  let seen = first.n ?? 0;
  for (let k = 1; k < parts.length; k++) {
    const part = parts[k] as ArgPartial;
    const pv = part.v.data as unknown as (number | bigint)[];
    const pi = part.i.data as Float64Array;
    const off = part.n === undefined ? 0 : seen;
    for (let j = 0; j < n; j++) {
      if ((pi[j] as number) < 0) continue;
      if ((i[j] as number) < 0 || better(max, pv[j] as number | bigint, v[j] as number | bigint)) {
        v[j] = pv[j] as number | bigint;
        i[j] = (pi[j] as number) + off;
      }
    }
    seen += part.n ?? 0;
  }
  const out: ArgPartial = {
    v: { data: v as unknown as Float64Array, shape: first.v.shape, dtype: first.v.dtype },
    i: { data: i, shape: first.i.shape, dtype: 'float64' },
  };
  if (first.n !== undefined) out.n = seen;
  return out;
}

/** The int64 indices of the final partial (an index -1 means nothing was reduced: an EmptyReductionError). */
export function argFinish(p: ArgPartial, outShape: number[], kind: 'argmin' | 'argmax' = 'argmin'): NDChunk {
  const src = p.i.data as Float64Array;
  const out = allocData('int64', src.length) as BigInt64Array;
  for (let k = 0; k < src.length; k++) {
    if ((src[k] as number) < 0)
      throw new EmptyReductionError(kind, [], 'attempt to get the arg of an empty sequence (the array was empty or all-masked when computed);');
    out[k] = BigInt(src[k] as number);
  }
  return { data: out, shape: resolveShape(outShape, p.i.shape), dtype: 'int64' };
}
