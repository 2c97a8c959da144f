/**
 * rechunk: new block sizes, each output block assembled from slices of the input blocks it
 * overlaps. When one output block would read more than `MAX_INPUTS` input blocks, the plan goes
 * through an intermediate chunking (the axes are rechunked one at a time), which bounds the
 * fan-in of every task.
 */
import { ref, task, tokenize, type Node } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer } from './factory.js';
import { cumdims, isUnknownAxis, normalizeAxis, normalizeChunks, sameChunks, type AxisChunks, type ChunksLike } from './chunks.js';
import { ChunksError, UnknownChunksError } from './errors.js';
import { blockKey, ChunkLayer, K } from './layer.js';

const MAX_INPUTS = 64;

/** For one axis: for each output block, the pieces `[input block, start, stop, out offset]`. */
function axisPlan(from: readonly number[], to: readonly number[]): [number, number, number, number][][] {
  const fs = cumdims(from);
  const ts = cumdims(to);
  return to.map((_, j) => {
    const lo = ts[j] as number;
    const hi = ts[j + 1] as number;
    const out: [number, number, number, number][] = [];
    for (let i = 0; i < from.length; i++) {
      const a = Math.max(lo, fs[i] as number);
      const b = Math.min(hi, fs[i + 1] as number);
      if (b > a || (hi === lo && from.length === 1 && i === 0)) out.push([i, a - (fs[i] as number), b - (fs[i] as number), a - lo]);
    }
    return out;
  });
}

function oneStage(x: DaskArray, chunks: number[][]): DaskArray {
  const plans = chunks.map((c, d) => axisPlan(x.chunks[d] as number[], c));
  const name = `rechunk-${tokenize('rechunk', x.name, chunks)}`;
  const layer = new ChunkLayer(
    name,
    'rechunk',
    chunks.map((c) => c.length),
    [x.name],
    (idx) => {
      const per = idx.map((j, d) => (plans[d] as [number, number, number, number][][])[j] as [number, number, number, number][]);
      const pieces: Node[] = [];
      const offsets: number[][] = [];
      const rec = (d: number, blk: number[], specs: [number, number, number][], off: number[]): void => {
        if (d === per.length) {
          const whole = specs.every(([s, e], k) => s === 0 && e === ((x.chunks[k] as number[])[blk[k] as number] as number));
          const r = ref(blockKey(x.name, blk));
          pieces.push(whole ? r : task(K('slice'), r, specs));
          offsets.push(off);
          return;
        }
        for (const [b, s, e, o] of per[d] as [number, number, number, number][]) rec(d + 1, [...blk, b], [...specs, [s, e, 1]], [...off, o]);
      };
      rec(0, [], [], []);
      return task(
        K('assemble'),
        idx.map((j, d) => (chunks[d] as number[])[j] as number),
        x.dtype,
        pieces,
        offsets,
      );
    },
  );
  return arrayFromLayer(layer, [x], chunks, x.dtype);
}

/**
 * What rechunk accepts: what `normalizeChunks` does, a list whose `null` keeps an axis as it is,
 * or Dask's dict form `{ 0: 12, [-1]: 'auto' }` (axes left out, or null, keep their chunks).
 */
export type RechunkLike = ChunksLike | readonly (AxisChunks | null)[] | { readonly [axis: number]: AxisChunks | null };

function fromDict(x: DaskArray, spec: { readonly [axis: string]: AxisChunks | null }): (AxisChunks | null)[] {
  const out: (AxisChunks | null)[] = x.chunks.map(() => null);
  const seen = new Set<number>();
  for (const [k, v] of Object.entries(spec)) {
    const ax = Number(k);
    if (k.trim() === '' || !Number.isInteger(ax))
      throw new ChunksError(spec, x.shape, `key '${k}' is not an axis number; use { axis: chunks } with axes -${x.ndim}..${x.ndim - 1}.`);
    const d = normalizeAxis('rechunk', ax, x.ndim);
    if (seen.has(d)) throw new ChunksError(spec, x.shape, `axis ${d} is given twice (as ${k} and another key).`);
    seen.add(d);
    out[d] = v;
  }
  return out;
}

/** The array with new block sizes (a list per axis, one size, 'auto', or Dask's dict `{ axis: chunks }`). */
export function rechunk(x: DaskArray, chunksLike: RechunkLike): DaskArray {
  const list = Array.isArray(chunksLike)
    ? (chunksLike as (AxisChunks | null)[])
    : typeof chunksLike === 'object' && chunksLike !== null
      ? fromDict(x, chunksLike as { readonly [axis: string]: AxisChunks | null })
      : undefined;
  const spec =
    list !== undefined ? list.map((c, d) => (c === -1 ? [x.shape[d] as number] : c === null || c === undefined ? (x.chunks[d] ?? c) : c)) : chunksLike;
  const chunks = x.chunks.some(isUnknownAxis) ? keepUnknown(x, spec as ChunksLike) : normalizeChunks(spec as ChunksLike, x.shape, x.dtype);
  if (sameChunks(chunks, x.chunks)) return x;
  const fanIn = chunks.reduce((acc, c, d) => acc * Math.max(...axisPlan(x.chunks[d] as number[], c).map((p) => p.length), 1), 1);
  if (fanIn <= MAX_INPUTS || x.ndim < 2) return oneStage(x, chunks);
  let cur = x;
  for (let d = 0; d < x.ndim; d++) {
    const step = cur.chunks.map((c, k) => (k === d ? (chunks[d] as number[]) : [...c]));
    if (!sameChunks(step, cur.chunks)) cur = oneStage(cur, step);
  }
  return cur;
}

/**
 * Normalised chunks for an array with unknown (NaN) block sizes: an unknown axis may only keep
 * its blocks as they are (anything else needs the sizes); known axes are normalised as usual.
 */
function keepUnknown(x: DaskArray, spec: ChunksLike): number[][] {
  const per: AxisChunks[] = typeof spec === 'number' || spec === 'auto' ? x.chunks.map(() => spec) : [...(spec as AxisChunks[])];
  const unknown = x.chunks.map(isUnknownAxis);
  if (per.length === x.ndim) {
    per.forEach((c, d) => {
      if (!unknown[d]) return;
      const cur = x.chunks[d] as number[];
      const same = Array.isArray(c) && c.length === cur.length && c.every((v, i) => Object.is(v, cur[i]));
      if (!same) throw new UnknownChunksError('rechunk', x.shape, d, `new block sizes ${JSON.stringify(c)} cannot be cut from blocks of unknown size`);
    });
  }
  const known = normalizeChunks(
    per.map((c, d) => (unknown[d] ? [1] : c)) as ChunksLike,
    x.shape.map((s, d) => (unknown[d] ? 1 : s)),
    x.dtype,
  );
  return known.map((c, d) => (unknown[d] ? [...(x.chunks[d] as number[])] : c));
}
