/**
 * Layout kernels: strided slicing, placing pieces into a bigger chunk (rechunk, concatenate,
 * the final assembly of a result), transposition, reshape of contiguous data, gathering along
 * an axis (take), compress by a mask, and flat concatenation (reshape across chunk borders).
 */
import type { DType, TypedArray } from '../dtype.js';
import { allocData, sizeOf, stridesOf, type NDChunk } from './chunk.js';

/** `[start, stop, step]` with NumPy's meaning (already normalised: stop may be -1 for negative steps). */
export type SliceSpec = readonly [number, number, number];

function lenOf([start, stop, step]: SliceSpec): number {
  return step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((stop - start) / step));
}

/** A strided slice of a chunk, one spec per axis (`null`: the whole axis, for blocks of unknown size). */
export function slice(c: NDChunk, specs0: (SliceSpec | null)[]): NDChunk {
  const nd = c.shape.length;
  const specs: SliceSpec[] = specs0.map((s, d) => s ?? [0, c.shape[d] as number, 1]);
  const shape = specs.map(lenOf);
  const n = sizeOf(shape);
  const out = allocData(c.dtype, n) as unknown as number[];
  if (n === 0) return { data: out as unknown as TypedArray, shape, dtype: c.dtype };
  const a = c.data as unknown as number[];
  if (nd === 0) {
    out[0] = a[0] as number;
    return { data: out as unknown as TypedArray, shape, dtype: c.dtype };
  }
  const st = stridesOf(c.shape);
  const inner = shape[nd - 1] as number;
  const [s0, , k0] = specs[nd - 1] as SliceSpec;
  const innerStep = k0 * (st[nd - 1] as number);
  const rows = n / inner;
  const idx = new Array<number>(nd - 1).fill(0);
  let base = 0;
  for (let d = 0; d < nd - 1; d++) base += (specs[d] as SliceSpec)[0] * (st[d] as number);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    let i = base + s0;
    if (innerStep === 1) {
      for (let j = 0; j < inner; j++) out[o++] = a[i + j] as number;
    } else {
      for (let j = 0; j < inner; j++, i += innerStep) out[o++] = a[i] as number;
    }
    for (let d = nd - 2; d >= 0; d--) {
      const step = (specs[d] as SliceSpec)[2] * (st[d] as number);
      idx[d] = (idx[d] as number) + 1;
      base += step;
      if ((idx[d] as number) < (shape[d] as number)) break;
      base -= step * (shape[d] as number);
      idx[d] = 0;
    }
  }
  return { data: out as unknown as TypedArray, shape, dtype: c.dtype };
}

/** Copies `piece` into `out` (of `outShape`) at `offset`. */
export function placeInto(out: TypedArray, outShape: readonly number[], piece: NDChunk, offset: readonly number[]): void {
  const nd = outShape.length;
  const n = sizeOf(piece.shape);
  if (n === 0) return;
  if (nd === 0) {
    (out as unknown as number[])[0] = (piece.data as unknown as number[])[0] as number;
    return;
  }
  const ost = stridesOf(outShape);
  const inner = piece.shape[nd - 1] as number;
  const rows = n / inner;
  const idx = new Array<number>(nd - 1).fill(0);
  let base = 0;
  for (let d = 0; d < nd; d++) base += (offset[d] as number) * (ost[d] as number);
  const src = piece.data as unknown as { subarray(a: number, b: number): ArrayLike<number> };
  const dst = out as unknown as { set(a: ArrayLike<number>, o: number): void };
  for (let r = 0; r < rows; r++) {
    dst.set(src.subarray(r * inner, r * inner + inner), base);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      base += ost[d] as number;
      if ((idx[d] as number) < (piece.shape[d] as number)) break;
      base -= (ost[d] as number) * (piece.shape[d] as number);
      idx[d] = 0;
    }
  }
}

/** A new chunk of `shape` made of pieces placed at offsets. */
export function assemble(shape: number[], dtype: DType, pieces: NDChunk[], offsets: number[][]): NDChunk {
  if (pieces.length === 1 && sizeOf((pieces[0] as NDChunk).shape) === sizeOf(shape) && (pieces[0] as NDChunk).dtype === dtype) {
    return { data: (pieces[0] as NDChunk).data, shape, dtype };
  }
  const data = allocData(dtype, sizeOf(shape));
  pieces.forEach((p, i) => placeInto(data, shape, p, offsets[i] as number[]));
  return { data, shape, dtype };
}

/** Transposes a chunk: output axis d is input axis perm[d]. */
export function transpose(c: NDChunk, perm: number[]): NDChunk {
  const nd = c.shape.length;
  const shape = perm.map((p) => c.shape[p] as number);
  const n = sizeOf(shape);
  const out = allocData(c.dtype, n) as unknown as number[];
  const a = c.data as unknown as number[];
  const ist = stridesOf(c.shape);
  const st = perm.map((p) => ist[p] as number);
  if (n === 0) return { data: out as unknown as TypedArray, shape, dtype: c.dtype };
  if (nd === 0) {
    out[0] = a[0] as number;
    return { data: out as unknown as TypedArray, shape, dtype: c.dtype };
  }
  if (nd === 2 && perm[0] === 1) {
    // 2-d transpose in 32 x 32 tiles, so reads and writes both stay in cache
    const R = shape[0] as number,
      C = shape[1] as number;
    const T = 32;
    for (let i0 = 0; i0 < R; i0 += T) {
      const i1 = Math.min(R, i0 + T);
      for (let j0 = 0; j0 < C; j0 += T) {
        const j1 = Math.min(C, j0 + T);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[i * C + j] = a[j * R + i] as number;
      }
    }
    return { data: out as unknown as TypedArray, shape, dtype: c.dtype };
  }
  const inner = shape[nd - 1] as number;
  const is = st[nd - 1] as number;
  const idx = new Array<number>(nd - 1).fill(0);
  let base = 0;
  let o = 0;
  for (let r = 0; r < n / inner; r++) {
    for (let j = 0, i = base; j < inner; j++, i += is) out[o++] = a[i] as number;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      base += st[d] as number;
      if ((idx[d] as number) < (shape[d] as number)) break;
      base -= (st[d] as number) * (shape[d] as number);
      idx[d] = 0;
    }
  }
  return { data: out as unknown as TypedArray, shape, dtype: c.dtype };
}

/** The same data with another shape of the same size; an entry `-1 - d` takes the length of input axis d (a block of unknown size). */
export function reshape(c: NDChunk, shape: number[]): NDChunk {
  return { data: c.data, shape: shape.map((s) => (s < 0 ? (c.shape[-1 - s] as number) : s)), dtype: c.dtype };
}

/** Concatenates flat ranges `[chunk, start, stop]` into a chunk of `shape`. */
export function flatConcat(shape: number[], dtype: DType, pieces: [NDChunk, number, number][]): NDChunk {
  const data = allocData(dtype, sizeOf(shape));
  let o = 0;
  for (const [c, s, e] of pieces) {
    (data as unknown as { set(a: ArrayLike<number>, o: number): void }).set((c.data as Float64Array).subarray(s, e), o);
    o += e - s;
  }
  return { data, shape, dtype };
}

/** Gathers positions `index` along `axis` from several chunks: `parts[k]` gives `[chunk, local indices, output positions]`. */
export function gather(shape0: number[], dtype: DType, axis: number, parts: [NDChunk, number[], number[]][]): NDChunk {
  // a negative length is an axis of unknown block size: the same as the input blocks'
  const shape = shape0.map((s, d) => (s < 0 ? (parts[0]?.[0].shape[d] ?? 0) : s));
  const data = allocData(dtype, sizeOf(shape)) as unknown as number[];
  const pre = sizeOf(shape.slice(0, axis));
  const post = sizeOf(shape.slice(axis + 1));
  const outLen = shape[axis] as number;
  for (const [c, local, pos] of parts) {
    const a = c.data as unknown as number[];
    const inLen = c.shape[axis] as number;
    for (let p = 0; p < pre; p++) {
      for (let k = 0; k < local.length; k++) {
        const src = (p * inLen + (local[k] as number)) * post;
        const dst = (p * outLen + (pos[k] as number)) * post;
        for (let q = 0; q < post; q++) data[dst + q] = a[src + q] as number;
      }
    }
  }
  return { data: data as unknown as TypedArray, shape, dtype };
}

/** The elements of a 1-d chunk where a 1-d mask is nonzero. */
export function compress(c: NDChunk, mask: NDChunk): NDChunk {
  const m = mask.data as Uint8Array;
  let n = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) n++;
  const out = allocData(c.dtype, n) as unknown as number[];
  const a = c.data as unknown as number[];
  let o = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) out[o++] = a[i] as number;
  return { data: out as unknown as TypedArray, shape: [n], dtype: c.dtype };
}

/** The shape of a chunk (what computeChunkSizes asks of each block). */
export function chunkShape(c: NDChunk): number[] {
  return [...c.shape];
}
