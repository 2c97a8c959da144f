/**
 * Chunk specifications: `normalizeChunks` turns what users write (`1000`, `[1000, 500]`,
 * `'auto'`, `-1`, explicit block sizes per axis) into block sizes per axis, and small helpers
 * answer questions about blocks (their shape, their offset, how many there are).
 */
import { itemsize, type DType } from './dtype.js';
import { AxisError, ChunksError, UnknownChunksError } from './errors.js';

/** Block sizes per axis, as normalised. */
export type Chunks = readonly (readonly number[])[];

/** What users may write for one axis: a size, -1 (whole axis), 'auto', or explicit block sizes. */
export type AxisChunks = number | 'auto' | readonly number[];

/** What users may write for chunks. */
export type ChunksLike = number | 'auto' | readonly AxisChunks[] | Chunks;

/** Target bytes per chunk for 'auto' (Dask's array.chunk-size default). */
export const AUTO_CHUNK_BYTES = 128 * 2 ** 20;

function split(n: number, size: number): number[] {
  if (n === 0) return [0];
  const out: number[] = [];
  for (let s = 0; s < n; s += size) out.push(Math.min(size, n - s));
  return out;
}

/** Block sizes per axis for `chunks` over `shape`. */
export function normalizeChunks(chunks: ChunksLike, shape: readonly number[], dtype: DType = 'float64'): number[][] {
  if (typeof chunks !== 'number' && chunks !== 'auto' && !Array.isArray(chunks)) {
    throw new ChunksError(
      chunks,
      shape,
      `chunks must be a number, 'auto', or a list with one entry per axis (a size, -1, 'auto' or the block sizes)${typeof chunks === 'object' && chunks !== null ? '; the dict form { axis: chunks } is taken by rechunk' : ''}.`,
    );
  }
  const lost = shape.findIndex((n) => Number.isNaN(n));
  if (lost >= 0) throw new UnknownChunksError('chunks', shape, lost, `block sizes ${JSON.stringify(chunks)} cannot be cut from a length that is unknown`);
  const spec: AxisChunks[] = typeof chunks === 'number' || chunks === 'auto' ? shape.map(() => chunks) : [...(chunks as AxisChunks[])];
  if (spec.length !== shape.length) throw new ChunksError(chunks, shape, `${spec.length} axes given for ${shape.length} dimensions.`);
  const out: (number[] | undefined)[] = spec.map((c, d) => {
    const n = shape[d] as number;
    if (c === 'auto') return undefined;
    if (typeof c !== 'number' && !Array.isArray(c))
      throw new ChunksError(chunks, shape, `axis ${d}: ${JSON.stringify(c)} is not a block size, -1, 'auto' or a list of block sizes.`);
    if (typeof c === 'number') {
      if (c === -1) return [n];
      if (!Number.isInteger(c) || c < 1) throw new ChunksError(chunks, shape, `axis ${d}: a block size must be a positive integer or -1, got ${c}.`);
      return split(n, c);
    }
    const list = [...c];
    const sum = list.reduce((a, b) => a + b, 0);
    if (list.some((b) => !Number.isInteger(b) || b < 0) || sum !== n) {
      throw new ChunksError(chunks, shape, `axis ${d}: block sizes [${list.join(', ')}] must be non-negative integers adding up to ${n}.`);
    }
    return list.length === 0 ? [0] : list;
  });
  const autos = out.map((c, d) => (c === undefined ? d : -1)).filter((d) => d >= 0);
  if (autos.length > 0) {
    let fixed = itemsize(dtype);
    out.forEach((c) => {
      if (c !== undefined) fixed *= Math.max(...c, 1);
    });
    // axes shorter than the even share are taken whole, and the rest share what is left
    let left = [...autos];
    for (let changed = true; changed && left.length > 0;) {
      changed = false;
      const per = (AUTO_CHUNK_BYTES / fixed) ** (1 / left.length);
      for (const d of left) {
        const n = Math.max(1, shape[d] as number);
        if (n <= per) {
          out[d] = [shape[d] as number];
          fixed *= n;
          changed = true;
        }
      }
      left = left.filter((d) => out[d] === undefined);
    }
    const per = Math.max(1, Math.floor((AUTO_CHUNK_BYTES / fixed) ** (1 / Math.max(1, left.length))));
    for (const d of left) out[d] = split(shape[d] as number, Math.min(per, shape[d] as number));
  }
  return out as number[][];
}

/** The number of blocks along each axis. */
export function numblocksOf(chunks: Chunks): number[] {
  return chunks.map((c) => c.length);
}

/** The start of each block along an axis (and the total at the end). */
export function cumdims(c: readonly number[]): number[] {
  const out = [0];
  for (const s of c) out.push((out[out.length - 1] as number) + s);
  return out;
}

/** The shape of block `idx`. */
export function blockShape(chunks: Chunks, idx: readonly number[]): number[] {
  return idx.map((i, d) => (chunks[d] as number[])[i] as number);
}

/** Every block index in C order. */
export function* blockIndices(numblocks: readonly number[]): Generator<number[]> {
  const total = numblocks.reduce((a, b) => a * b, 1);
  const idx = numblocks.map(() => 0);
  for (let n = 0; n < total; n++) {
    yield [...idx];
    for (let d = numblocks.length - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (numblocks[d] as number)) break;
      idx[d] = 0;
    }
  }
}

/** The C-order position of a block index. */
export function linearBlock(idx: readonly number[], numblocks: readonly number[]): number {
  let k = 0;
  idx.forEach((i, d) => {
    k = k * (numblocks[d] as number) + i;
  });
  return k;
}

/** Normalises an axis (negative counts from the end). */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(a) || a < 0 || a >= ndim) throw new AxisError(op, axis, ndim);
  return a;
}

/** Normalises an axis argument (number, list or undefined/null meaning all) to a sorted unique list. */
export function normalizeAxes(op: string, axis: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, d) => d);
  const list = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normalizeAxis(op, a, ndim));
  if (new Set(list).size !== list.length) throw new AxisError(op, axis, ndim);
  return list.sort((a, b) => a - b);
}

/** Whether any block size along an axis is unknown (NaN, after a boolean mask). */
export function isUnknownAxis(c: readonly number[]): boolean {
  return c.some((v) => Number.isNaN(v));
}

/** Throws UnknownChunksError for the first of `axes` (all axes when left out) whose block sizes are unknown. */
export function requireKnownChunks(op: string, chunks: Chunks, axes?: readonly number[], detail = ''): void {
  for (const d of axes ?? chunks.map((_, k) => k)) {
    if (isUnknownAxis(chunks[d] as number[]))
      throw new UnknownChunksError(
        op,
        chunks.map((c) => c.reduce((a, b) => a + b, 0)),
        d,
        detail,
      );
  }
}

/** Block sizes equal axis by axis, an unknown (NaN) size equal to an unknown one. */
export function sameChunks(a: Chunks, b: Chunks): boolean {
  return a.length === b.length && a.every((c, d) => c.length === (b[d] as number[]).length && c.every((v, i) => Object.is(v, (b[d] as number[])[i])));
}

/**
 * The broadcast shape of arrays some of whose block sizes are unknown (NaN): an unknown axis
 * lines up with length 1 or with the very same blocks (`m.add(m.gt(0))`); anything else needs
 * the sizes (UnknownChunksError). Undefined when known lengths differ (a BroadcastError).
 */
export function broadcastChunkShapes(op: string, all: readonly Chunks[]): number[] | undefined {
  const sum = (c: readonly number[]): number => c.reduce((a, b) => a + b, 0);
  const nd = Math.max(0, ...all.map((c) => c.length));
  const out: number[] = [];
  for (let o = 0; o < nd; o++) {
    let pick: readonly number[] | undefined; // the blocks of the first length other than 1
    for (const ch of all) {
      const c = ch[o - (nd - ch.length)];
      if (c === undefined || sum(c) === 1) continue;
      if (pick === undefined) {
        pick = c;
        continue;
      }
      const [len, want] = [sum(c), sum(pick)];
      if (!Number.isNaN(len) && !Number.isNaN(want)) {
        if (len !== want) return undefined;
        continue;
      }
      const p = pick;
      if (c.length !== p.length || c.some((v, i) => !Object.is(v, p[i]))) {
        throw new UnknownChunksError(
          op,
          ch.map(sum),
          o - (nd - ch.length),
          'it lines up with another array only when both have the very same blocks (the same mask)',
        );
      }
    }
    out.push(pick === undefined ? 1 : sum(pick));
  }
  return out;
}
