/**
 * Indexing with NumPy semantics: `slice(...)` per axis (numbers drop an axis, `null` adds one,
 * `[start, stop, step]` or a `Slice` object with negatives allowed), the string form
 * `get('10:20, ::-2')`, boolean masks (1-d result with unknown chunk sizes, as in Dask) and
 * `take(indices, axis)`.
 */
import { HighLevelGraph, ref, task, tokenize, type Node } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer, newArray } from './factory.js';
import { cumdims, isUnknownAxis, normalizeAxis, sameChunks } from './chunks.js';
import { BroadcastError, DTypeError, IndexError, UnknownChunksError } from './errors.js';
import type { SliceSpec } from './kernels/layout.js';
import { blockKey, ChunkLayer, K } from './layer.js';

/** A slice: any field may be left out (null) as in Python's `a:b:c`. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** One index item: an integer, a slice, `null` (new axis) or `'...'`. */
export type IndexItem = number | Slice | null | '...';

/** Parses `'10:20, ::-2, 3, None, ...'` into index items. */
export function parseIndex(text: string, shape: readonly number[]): IndexItem[] {
  const num = (s: string): number | null => {
    const t = s.trim();
    if (t === '') return null;
    if (!/^[+-]?\d+$/.test(t)) throw new IndexError('get', text, shape, `'${t}' is not an integer: indices and slice bounds must be integers (as in NumPy).`);
    return Number(t);
  };
  return text.split(',').map((part): IndexItem => {
    const p = part.trim();
    if (p === 'None' || p === 'null') return null;
    if (p === '...') return '...';
    if (!p.includes(':')) {
      const v = num(p);
      if (v === null) throw new IndexError('get', text, shape, 'empty index item.');
      return v;
    }
    const bits = p.split(':');
    if (bits.length > 3) throw new IndexError('get', text, shape, `'${p}' has more than two colons.`);
    return { start: num(bits[0] as string), stop: num(bits[1] ?? ''), step: bits.length === 3 ? num(bits[2] as string) : null };
  });
}

/** NumPy's slice.indices(n): normalised start, stop, step (`where` throws for a bad bound, given its name). */
export function sliceIndices(s: Slice, n: number, where: (what: string) => never): SliceSpec {
  const step = s.step ?? 1;
  if (typeof step !== 'number' || step === 0 || !Number.isInteger(step)) where('step must be a non-zero integer');
  for (const b of ['start', 'stop'] as const) {
    const v = s[b];
    if (v !== null && v !== undefined && (typeof v !== 'number' || !Number.isInteger(v)))
      where(`slice ${b} ${String(v)} is not an integer (slice bounds must be integers or null, as in NumPy)`);
  }
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const norm = (v: number | null | undefined, dflt: number, lo: number, hi: number): number =>
    v === null || v === undefined ? dflt : clamp(v < 0 ? v + n : v, lo, hi);
  return step > 0 ? [norm(s.start, 0, 0, n), norm(s.stop, n, 0, n), step] : [norm(s.start, n - 1, -1, n - 1), norm(s.stop, -1, -1, n - 1), step];
}

function isFullSlice(s: Slice): boolean {
  return (s.start === null || s.start === undefined) && (s.stop === null || s.stop === undefined) && (s.step === null || s.step === undefined || s.step === 1);
}

/** The array indexed per axis. */
export function sliceArray(x: DaskArray, items: readonly IndexItem[]): DaskArray {
  const shape = x.shape;
  const ell = items.indexOf('...');
  const real = items.filter((i) => i !== null && i !== '...').length;
  if (real > x.ndim) throw new IndexError('slice', items, shape, `too many indices: ${real} for an array of dimension ${x.ndim}.`);
  const full: IndexItem[] =
    ell >= 0
      ? [...items.slice(0, ell), ...Array.from({ length: x.ndim - real }, () => ({})), ...items.slice(ell + 1)]
      : [...items, ...Array.from({ length: x.ndim - real }, () => ({}))];
  // per input axis: normalised spec; per output axis: where it comes from
  const specs: (SliceSpec | null)[] = []; // null: a whole axis of unknown block sizes
  const outAxes: ({ kind: 'in'; d: number } | { kind: 'new' })[] = [];
  let d = 0;
  for (const it of full) {
    if (it === null) {
      outAxes.push({ kind: 'new' });
      continue;
    }
    if (it === '...') throw new IndexError('slice', items, shape, "only one '...' is allowed.");
    const n = shape[d] as number;
    const ax = d;
    if (typeof it === 'number') {
      if (!Number.isInteger(it))
        throw new IndexError('slice', items, shape, `axis ${d}: index ${it} is not an integer (an index must be an integer, as in NumPy).`);
      if (Number.isNaN(n)) throw new UnknownChunksError('slice', shape, d, `cannot find index ${it}`);
      const i = it < 0 ? it + n : it;
      if (i < 0 || i >= n) throw new IndexError('slice', items, shape, `index ${it} is out of bounds for axis ${d} with size ${n}.`);
      specs.push([i, i + 1, 1]);
    } else if (typeof it !== 'object') {
      throw new IndexError(
        'slice',
        items,
        shape,
        `axis ${d}: ${JSON.stringify(it)} is not an index (use an integer, a slice { start, stop, step }, null or '...').`,
      );
    } else {
      for (const key of ['start', 'stop', 'step'] as const) {
        const v = it[key];
        if (v !== null && v !== undefined && !(typeof v === 'number' && Number.isInteger(v))) {
          const shown = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
          throw new IndexError('slice', items, shape, `axis ${d}: ${key} ${shown} is not an integer: ${key} must be an integer or null, got ${shown}.`);
        }
      }
      for (const key of Object.keys(it)) {
        if (key !== 'start' && key !== 'stop' && key !== 'step')
          throw new IndexError('slice', items, shape, `axis ${d}: unknown slice field '${key}'; a slice has start, stop and step.`);
      }
      const sp = sliceIndices(it, Number.isNaN(n) ? 0 : n, (what) => {
        throw new IndexError('slice', items, shape, `axis ${ax}: ${what}.`);
      });
      if (Number.isNaN(n)) {
        // blocks of unknown size can only be taken whole
        if (!isFullSlice(it)) throw new UnknownChunksError('slice', shape, d, `cannot slice it with ${JSON.stringify(it)} (only ':' keeps it)`);
        specs.push(null);
      } else specs.push(sp);
      outAxes.push({ kind: 'in', d });
    }
    d++;
  }
  // per input axis: output pieces [input block, local spec]
  type Piece = [number, SliceSpec | null, number];
  const pieces = specs.map((sp, ax): Piece[] => {
    const c = x.chunks[ax] as number[];
    if (sp === null) return c.map((v, b): Piece => [b, null, v]);
    const st = cumdims(c);
    const [start, stop, step] = sp;
    const out: Piece[] = [];
    const len = Math.max(0, Math.ceil((stop - start) / step));
    if (len === 0) return [[0, [0, 0, 1], 0]];
    const order = step > 0 ? c.map((_, i) => i) : c.map((_, i) => c.length - 1 - i);
    for (const b of order) {
      const lo = st[b] as number;
      const hi = st[b + 1] as number;
      // first k >= 0 with lo <= start + k*step < hi
      let k0: number;
      let k1: number;
      if (step > 0) {
        k0 = Math.max(0, Math.ceil((lo - start) / step));
        k1 = Math.min(len, Math.ceil((hi - start) / step));
      } else {
        k0 = Math.max(0, Math.ceil((start - (hi - 1)) / -step));
        k1 = Math.min(len, Math.floor((start - lo) / -step) + 1);
      }
      if (k1 <= k0) continue;
      const s0 = start + k0 * step - lo;
      out.push([b, [s0, s0 + (k1 - k0) * step, step], k1 - k0]);
    }
    return out;
  });
  const chunks: number[][] = [];
  const keptIn: number[] = [];
  for (const a of outAxes) {
    if (a.kind === 'new') chunks.push([1]);
    else {
      chunks.push((pieces[a.d] as Piece[]).map((p) => p[2]));
      keptIn.push(a.d);
    }
  }
  const name = `getitem-${tokenize(x.name, specs, outAxes)}`;
  const layer = new ChunkLayer(
    name,
    'getitem',
    chunks.map((c) => c.length),
    [x.name],
    (oidx) => {
      const inIdx = specs.map(() => 0);
      const local: (SliceSpec | null)[] = [...specs];
      specs.forEach((_, ax) => {
        const p = (pieces[ax] as Piece[])[0] as Piece;
        if (!keptIn.includes(ax)) {
          inIdx[ax] = p[0];
          local[ax] = p[1];
        }
      });
      outAxes.forEach((a, o) => {
        if (a.kind === 'in') {
          const p = (pieces[a.d] as Piece[])[oidx[o] as number] as Piece;
          inIdx[a.d] = p[0];
          local[a.d] = p[1];
        }
      });
      const sliced = task(K('slice'), ref(blockKey(x.name, inIdx)), local);
      // an unknown length is written -1 - d: the reshape kernel takes input axis d's length
      return task(
        K('reshape'),
        sliced,
        oidx.map((i, o) => {
          const v = (chunks[o] as number[])[i] as number;
          const a = outAxes[o];
          return Number.isNaN(v) && a?.kind === 'in' ? -1 - a.d : v;
        }),
      );
    },
  );
  return arrayFromLayer(layer, [x], chunks, x.dtype);
}

/** The elements where a boolean array of the same shape is true, as a 1-d array of unknown chunk sizes. */
export function maskArray(x: DaskArray, cond: DaskArray): DaskArray {
  if (cond.dtype !== 'bool') throw new DTypeError('mask', cond.dtype, 'the mask must be a bool array (for example x.gt(0)).');
  if (x.chunks.some(isUnknownAxis) || cond.chunks.some(isUnknownAxis)) {
    // blocks of unknown size line up only when both arrays have the same blocks (m.mask(m.gt(0)))
    if (!sameChunks(x.chunks, cond.chunks)) {
      const d = Math.max(0, x.chunks.findIndex(isUnknownAxis), cond.chunks.findIndex(isUnknownAxis));
      throw new UnknownChunksError('mask', x.shape, d, `the mask (shape (${cond.shape.join(', ')})) must come from the same blocks as the array`);
    }
  } else if (cond.shape.length !== x.shape.length || cond.shape.some((s, d) => s !== x.shape[d])) throw new BroadcastError('mask', [x.shape, cond.shape]);
  const xf = x.ndim === 1 ? x : x.ravel();
  const cf = (cond.ndim === 1 ? cond : cond.ravel()).rechunk([xf.chunks[0] as number[]]);
  const name = `mask-${tokenize(xf.name, cf.name)}`;
  const nb = xf.numblocks;
  const layer = new ChunkLayer(name, 'mask', nb, [xf.name, cf.name], (idx) => task(K('compress'), ref(blockKey(xf.name, idx)), ref(blockKey(cf.name, idx))));
  return newArray(HighLevelGraph.fromLayer(layer, xf.graph, cf.graph), name, [Array.from({ length: nb[0] as number }, () => NaN)], x.dtype);
}

/** The elements at `indices` along `axis` (negative indices count from the end). */
export function take(x: DaskArray, indices: readonly number[], axis0 = 0): DaskArray {
  const axis = normalizeAxis('take', axis0, x.ndim);
  const n = x.shape[axis] as number;
  const idx = indices.map((i) => {
    if (typeof i !== 'number' || !Number.isInteger(i))
      throw new IndexError('take', i, x.shape, `index ${String(i)} is not an integer (take needs integer indices, as in NumPy).`);
    if (Number.isNaN(n)) throw new UnknownChunksError('take', x.shape, axis, `cannot find index ${i}`);
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new IndexError('take', i, x.shape, `index ${i} is out of bounds for axis ${axis} with size ${n}.`);
    return j;
  });
  const c = x.chunks[axis] as number[];
  const st = cumdims(c);
  const size = Math.max(1, Math.max(...c, 1));
  const outAxis: number[] = [];
  for (let s = 0; s < idx.length; s += size) outAxis.push(Math.min(size, idx.length - s));
  if (outAxis.length === 0) outAxis.push(0);
  const chunks = x.chunks.map((cc, d) => (d === axis ? outAxis : [...cc]));
  const blockOf = (j: number): number => {
    let b = 0;
    while ((st[b + 1] as number) <= j) b++;
    return b;
  };
  const name = `take-${tokenize(x.name, idx, axis)}`;
  const layer = new ChunkLayer(
    name,
    'take',
    chunks.map((cc) => cc.length),
    [x.name],
    (oidx) => {
      const o = oidx[axis] as number;
      const lo = o * size;
      const mine = idx.slice(lo, lo + (outAxis[o] as number));
      const groups = new Map<number, [number[], number[]]>();
      mine.forEach((j, p) => {
        const b = blockOf(j);
        let g = groups.get(b);
        if (!g) groups.set(b, (g = [[], []]));
        g[0].push(j - (st[b] as number));
        g[1].push(p);
      });
      const parts: Node[] = [...groups].map(([b, [l, pos]]) => {
        const bi = [...oidx];
        bi[axis] = b;
        return [ref(blockKey(x.name, bi)), l, pos];
      });
      // an unknown length (another axis) is written -1 - d: the kernel takes the input blocks'
      const shape = oidx.map((i, d) => {
        const v = (chunks[d] as number[])[i] as number;
        return Number.isNaN(v) ? -1 - d : v;
      });
      return task(K('gather'), shape, x.dtype, axis, parts);
    },
  );
  return arrayFromLayer(layer, [x], chunks, x.dtype);
}
