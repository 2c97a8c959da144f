/**
 * Reductions with `axis`, `keepdims` and a tree of `splitEvery` partials per combine: one layer
 * of per-block partials, combine layers until each reduced axis has one block, and a final
 * layer that turns the partial into the result. sum/prod/min/max/any/all and the nan-variants
 * keep accumulators; mean/var/std keep moments combined with Chan's stable formula;
 * argmin/argmax keep values and global indices.
 */
import { BlockwiseLayer, HighLevelGraph, ref, task, tokenize, type Node, type Task } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { newArray } from './factory.js';
import { blockShape, cumdims, linearBlock, normalizeAxes, normalizeAxis, type Chunks } from './chunks.js';
import { kindOf, type DType } from './dtype.js';
import { AxisError, EmptyReductionError, ShapeError } from './errors.js';
import type { SimpleKind } from './kernels/reduce.js';
import { blockKey, ChunkLayer, K } from './layer.js';
import { simplifyReduce } from './elementwise.js';
import { uniformSource } from './random.js';
import { checkOptions } from './options.js';

/** Options of a reduction. */
export interface ReduceOptions {
  /** Axis or axes to reduce (all when left out). */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes with length 1. */
  keepdims?: boolean;
  /** How many partials one combine task merges (default 8). */
  splitEvery?: number;
}

/** Options of var/std. */
export interface MomentOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is n - ddof (default 0). */
  ddof?: number;
}

/** Options of argmin/argmax: one axis, or none for the flattened array. */
export interface ArgOptions {
  axis?: number | null;
  keepdims?: boolean;
  splitEvery?: number;
}

interface TreeSpec {
  op: string;
  x: DaskArray;
  axes: number[];
  keepdims: boolean;
  splitEvery: number;
  dtype: DType;
  token: string;
  partial: (block: Node, idx: number[]) => Task;
  /** The partial step depends on the block only (not its position): build it as a BlockwiseLayer. */
  blockwise?: boolean;
  combine: (parts: Node[]) => Task;
  finish: (part: Node, outShape: number[]) => Task;
  /** The partial of a generated uniform block, computed without the block (see reduce-generated.ts). */
  generated?: (shape: number[], seed: number, block: number) => Task;
}

function groupOf(src: string, axes: number[], prevNb: number[], idx: number[], step: number[]): Node[] {
  const ranges = idx.map((i, d) => {
    if (!axes.includes(d)) return [i];
    const st = step[d] as number;
    return Array.from({ length: Math.min(st, (prevNb[d] as number) - i * st) }, (_, k) => i * st + k);
  });
  const out: Node[] = [];
  const rec = (d: number, cur: number[]): void => {
    if (d === ranges.length) {
      out.push(ref(blockKey(src, cur)));
      return;
    }
    for (const v of ranges[d] as number[]) rec(d + 1, [...cur, v]);
  };
  rec(0, []);
  return out;
}

function tree(s: TreeSpec): DaskArray {
  const { x, axes } = s;
  if (!Number.isInteger(s.splitEvery) || s.splitEvery < 2) throw new ShapeError(s.op, [x.shape], `splitEvery must be an integer >= 2, got ${s.splitEvery}.`);
  const multi = axes.filter((d) => (x.numblocks[d] as number) > 1).length;
  const f = Math.max(2, Math.floor(s.splitEvery ** (1 / Math.max(1, multi))));
  let name = `${s.op}-partial-${s.token}`;
  let nb = x.numblocks;
  // simple reductions read their input block-wise, so fuse-blockwise can pull an element-wise
  // chain into the partial step (one pass, no intermediate chunk)
  const letters = 'abcdefghijklmnopqrstuvwxyz'.slice(0, x.ndim);
  // A fresh uniform random array reduced over axis 0 is generated inside the partial step, tile
  // by tile: the same numbers, without ever allocating (and page-faulting) its chunks.
  const source = s.generated !== undefined && axes.includes(0) && x.dtype === 'float64' ? uniformSource(x) : undefined;
  const gen = s.generated;
  const inputBlocks = x.numblocks; // `nb` moves on to the combine levels below
  const first =
    source !== undefined && gen !== undefined
      ? new ChunkLayer(name, `${s.op}-partial`, nb, [], (idx) => gen(blockShape(x.chunks, idx), source.seed, linearBlock(idx, inputBlocks)))
      : s.blockwise
        ? new BlockwiseLayer(name, letters, nb, s.partial(BlockwiseLayer.arg(0), []), [{ name: x.name, index: letters, numblocks: nb }], {
            kind: `${s.op}-partial`,
            simplify: simplifyReduce,
          })
        : new ChunkLayer(name, `${s.op}-partial`, nb, [x.name], (idx) => s.partial(ref(blockKey(x.name, idx)), idx));
  let graph = source !== undefined ? new HighLevelGraph([first]) : HighLevelGraph.fromLayer(first, x.graph);
  let level = 0;
  while (axes.some((d) => (nb[d] as number) > f)) {
    const prev = nb;
    const src = name;
    const step = prev.map((n, d) => (axes.includes(d) && n > 1 ? f : 1));
    const next = prev.map((n, d) => Math.ceil(n / (step[d] as number)));
    name = `${s.op}-combine${++level}-${s.token}`;
    graph = HighLevelGraph.fromLayer(new ChunkLayer(name, `${s.op}-combine`, next, [src], (idx) => s.combine(groupOf(src, axes, prev, idx, step))), graph);
    nb = next;
  }
  const src = name;
  const lastNb = nb;
  const outChunks: number[][] = [];
  x.chunks.forEach((c, d) => {
    if (!axes.includes(d)) outChunks.push([...c]);
    else if (s.keepdims) outChunks.push([1]);
  });
  const kept = x.chunks.map((_, d) => d).filter((d) => s.keepdims || !axes.includes(d));
  const outName = `${s.op}-${s.token}`;
  const final = new ChunkLayer(
    outName,
    s.op,
    outChunks.map((c) => c.length),
    [src],
    (oidx) => {
      const full: number[] = [];
      let k = 0;
      for (let d = 0; d < x.ndim; d++) {
        if (axes.includes(d)) {
          full.push(0);
          if (s.keepdims) k++;
        } else full.push(oidx[k++] as number);
      }
      const step = lastNb.map((n, d) => (axes.includes(d) ? n : 1));
      const parts = groupOf(src, axes, lastNb, full, step);
      // an unknown (NaN) length is written -1 - (input axis): the finish kernel reads it off the partial
      const outShape = oidx.map((i, d) => {
        const v = (outChunks[d] as number[])[i] as number;
        return Number.isNaN(v) ? -1 - (kept[d] as number) : v;
      });
      return s.finish(parts.length === 1 ? (parts[0] as Node) : s.combine(parts), outShape);
    },
  );
  return newArray(HighLevelGraph.fromLayer(final, graph), outName, outChunks as Chunks, s.dtype);
}

/** A reduction whose partial is a chunk of accumulators. */
export function reduction(kind: SimpleKind, x: DaskArray, opts: ReduceOptions = {}): DaskArray {
  checkOptions(kind, opts, ['axis', 'keepdims', 'splitEvery']);
  const axes = normalizeAxes(kind, opts.axis, x.ndim);
  const k = kindOf(x.dtype);
  const dtype: DType =
    kind === 'any' || kind === 'all'
      ? 'bool'
      : kind === 'sum' || kind === 'prod' || kind === 'nansum' || kind === 'nanprod'
        ? k === 'f'
          ? x.dtype
          : 'int64'
        : x.dtype;
  const noIdentity = kind === 'min' || kind === 'max' || kind === 'nanmin' || kind === 'nanmax';
  if (noIdentity && axes.some((d) => x.shape[d] === 0)) {
    throw new EmptyReductionError(kind, [x.shape], `zero-size reduction along axis ${axes.find((d) => x.shape[d] === 0)}:`);
  }
  const keepdims = opts.keepdims ?? false;
  const token = tokenize(kind, x.name, axes, keepdims, opts.splitEvery ?? 8);
  if (noIdentity && axes.some((d) => Number.isNaN(x.shape[d]))) {
    // lengths known only at compute (after a mask): count elements so that none raises
    return tree({
      op: kind,
      x,
      axes,
      keepdims,
      splitEvery: opts.splitEvery ?? 8,
      dtype,
      token,
      blockwise: true,
      partial: (b) => task(K('reduceCounted'), kind, b, axes),
      combine: (parts) => task(K('combineCounted'), kind, parts),
      finish: (p, shape) => task(K('finishCounted'), kind, p, dtype, shape),
    });
  }
  return tree({
    op: kind,
    x,
    axes,
    keepdims,
    splitEvery: opts.splitEvery ?? 8,
    dtype,
    token,
    blockwise: true,
    partial: (b) => task(K('reduceSimple'), kind, b, axes),
    generated: (shape, seed, block) => task(K('reduceGenerated'), 'reduceSimple', kind, axes, shape, seed, block),
    combine: (parts) => task(K('combineSimple'), kind, parts),
    finish: (p, shape) => task(K('finishSimple'), kind, p, dtype, shape),
  });
}

/** mean, var, std and nanmean from moments. */
export function moments(kind: 'mean' | 'var' | 'std' | 'nanmean' | 'nanvar' | 'nanstd', x: DaskArray, opts: MomentOptions = {}): DaskArray {
  checkOptions(kind, opts, kind.endsWith('mean') ? ['axis', 'keepdims', 'splitEvery'] : ['axis', 'keepdims', 'splitEvery', 'ddof']);
  const axes = normalizeAxes(kind, opts.axis, x.ndim);
  const dtype: DType = x.dtype === 'float32' ? 'float32' : 'float64';
  const nan = kind.startsWith('nan');
  const what = kind.replace('nan', '') as 'mean' | 'var' | 'std';
  const pk = what === 'mean' ? (nan ? 'nanmean' : 'mean') : nan ? 'nanvar' : 'var';
  const ddof = opts.ddof ?? 0;
  const keepdims = opts.keepdims ?? false;
  const token = tokenize(kind, x.name, axes, keepdims, opts.splitEvery ?? 8, ddof);
  return tree({
    op: kind,
    x,
    axes,
    keepdims,
    splitEvery: opts.splitEvery ?? 8,
    dtype,
    token,
    partial: (b) => task(K('reduceMoments'), pk, b, axes),
    generated: (shape, seed, block) => task(K('reduceGenerated'), 'reduceMoments', pk, axes, shape, seed, block),
    combine: (parts) => task(K('combineMoments'), parts),
    finish: (p, shape) => task(K('finishMoments'), what, p, ddof, dtype, shape),
  });
}

/** argmin / argmax along one axis or over the flattened array. */
export function argReduction(kind: 'argmin' | 'argmax', x: DaskArray, opts: ArgOptions = {}): DaskArray {
  checkOptions(kind, opts, ['axis', 'keepdims', 'splitEvery']);
  if (Array.isArray(opts.axis)) throw new AxisError(kind, opts.axis, x.ndim);
  const axis = opts.axis === undefined || opts.axis === null ? null : normalizeAxis(kind, opts.axis, x.ndim);
  const axes = axis === null ? normalizeAxes(kind, null, x.ndim) : [axis];
  if (axes.some((d) => x.shape[d] === 0)) throw new EmptyReductionError(kind, [x.shape], 'attempt to get the arg of an empty sequence;');
  const keepdims = opts.keepdims ?? false;
  const starts = x.chunks.map((c) => cumdims(c));
  const shape = x.shape;
  // lengths known only at compute (after a mask): a 1-d array's partials count their elements
  // and the combine step offsets the indices by the elements before them
  const unknown = (axis === null ? shape : axes.map((d) => shape[d] as number)).some((n) => Number.isNaN(n));
  if (unknown && x.ndim !== 1)
    throw new ShapeError(
      kind,
      [shape],
      'the reduced axes have unknown lengths (after a mask) and the array is not 1-d; compute it first, or reduce a 1-d array.',
    );
  const token = tokenize(kind, x.name, axis, keepdims, opts.splitEvery ?? 8);
  return tree({
    op: kind,
    x,
    axes,
    keepdims,
    splitEvery: opts.splitEvery ?? 8,
    dtype: 'int64',
    token,
    partial: (b, idx) =>
      unknown
        ? task(K('argPartial'), kind, b, 0, [0], [0], true)
        : task(
            K('argPartial'),
            kind,
            b,
            axis,
            idx.map((i, d) => (starts[d] as number[])[i] as number),
            shape,
          ),
    combine: (parts) => task(K('argCombine'), kind, parts),
    finish: (p, oshape) => task(K('argFinish'), p, oshape, kind),
  });
}
