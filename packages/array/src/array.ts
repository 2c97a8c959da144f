/**
 * The Array collection: a chunked n-dimensional array. It holds a high-level graph, the name of
 * its blocks' keys, the block sizes per axis and the dtype; every method returns a new Array
 * with one more layer. The methods are thin faces over the free functions of one file per
 * operation family.
 */
import { Collection, HighLevelGraph, type ComputeOptions, type Delayed, type Key, type Layer } from '@tsdask/core-graph';
import { blockIndices, numblocksOf, type Chunks } from './chunks.js';
import { itemsize, type DType, type Scalar } from './dtype.js';
import { allocData, sizeOf, type NDChunk } from './kernels/chunk.js';
import { placeInto } from './kernels/layout.js';
import { NDArray } from './ndarray.js';
import { blockKey } from './layer.js';
import * as ew from './elementwise.js';
import * as red from './reductions.js';
import * as cum from './cumulative.js';
import * as ix from './indexing.js';
import * as sh from './shape.js';
import * as rc from './rechunk.js';
import * as la from './linalg.js';
import { checkOptions } from './options.js';
import { computeChunkSizes } from './chunk-sizes.js';
import { registerArrayClass } from './factory.js';
import { toDelayed, type DelayedBlocks } from './to-delayed.js';
import { toNpy, type ToNpyOptions } from './npy.js';
import { toZarr, type ToZarrOptions } from './zarr.js';

/** An operand of an element-wise operation. */
export type Operand = DaskArray | Scalar;

/** What compute() gives: an NDArray, or a number / bigint / boolean for a 0-d array. */
export type ArrayResult = NDArray | number | bigint | boolean;

export class DaskArray extends Collection<ArrayResult> {
  readonly #graph: HighLevelGraph;
  readonly chunks: Chunks;

  constructor(
    graph: HighLevelGraph,
    readonly name: string,
    chunks: Chunks,
    readonly dtype: DType,
  ) {
    super();
    this.#graph = graph;
    this.chunks = chunks.map((c) => [...c]);
  }

  /** A new array made of `layer` on top of the arrays it reads. */
  static fromLayer(layer: Layer, inputs: readonly DaskArray[], chunks: Chunks, dtype: DType): DaskArray {
    return new DaskArray(HighLevelGraph.fromLayer(layer, ...inputs.map((a) => a.graph)), layer.name, chunks, dtype);
  }

  get graph(): HighLevelGraph {
    return this.#graph;
  }

  /** The length of each axis (NaN where chunk sizes are unknown). */
  get shape(): number[] {
    return this.chunks.map((c) => c.reduce((a, b) => a + b, 0));
  }

  get ndim(): number {
    return this.chunks.length;
  }

  /** The number of blocks along each axis. */
  get numblocks(): number[] {
    return numblocksOf(this.chunks);
  }

  /** The number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Bytes of the whole array. */
  get nbytes(): number {
    return this.size * itemsize(this.dtype);
  }

  get outputKeys(): Key[] {
    return [...blockIndices(this.numblocks)].map((idx) => blockKey(this.name, idx));
  }

  /** Assembles the computed blocks into one NDArray (a scalar for 0-d arrays). */
  finalize(values: readonly unknown[]): ArrayResult {
    const blocks = values as NDChunk[];
    const nb = this.numblocks;
    let out: NDChunk;
    if (blocks.length === 1) out = blocks[0] as NDChunk;
    else {
      const strides = nb.map((_, d) => nb.slice(d + 1).reduce((a, b) => a * b, 1));
      const sizes = nb.map((n, d) => Array.from({ length: n }, (_, i) => (blocks[i * (strides[d] as number)] as NDChunk).shape[d] as number));
      const starts = sizes.map((s) => {
        const o = [0];
        for (const v of s) o.push((o[o.length - 1] as number) + v);
        return o;
      });
      const shape = starts.map((s) => s[s.length - 1] as number);
      const data = allocData(this.dtype, sizeOf(shape));
      let k = 0;
      for (const idx of blockIndices(nb)) {
        placeInto(
          data,
          shape,
          blocks[k++] as NDChunk,
          idx.map((i, d) => (starts[d] as number[])[i] as number),
        );
      }
      out = { data, shape, dtype: this.dtype };
    }
    const nd = NDArray.from(out);
    if (nd.shape.length === 0) return nd.get();
    return nd;
  }

  protected override withGraph(graph: HighLevelGraph): this {
    return new DaskArray(graph, this.name, this.chunks, this.dtype) as this;
  }

  /** The number of tasks in the graph (before optimization). */
  get taskCount(): number {
    let n = 0;
    for (const l of this.graph.layers.values()) n += l.size ?? 0;
    return n;
  }

  override toString(): string {
    const ch = this.chunks.map((c) => (c.length > 3 ? `${c[0]}..x${c.length}` : c.join('|')));
    return `tsdask.array<${this.name.replace(/-[0-9a-f]{32}$/, '')}, shape=(${this.shape.join(', ')}), dtype=${this.dtype}, chunks=(${ch.join(', ')}), chunksize=(${this.chunks.map((c) => Math.max(0, ...c)).join(', ')}), nbytes=${humanBytes(this.nbytes)}, tasks=${this.taskCount}>`;
  }

  /** An HTML table summarising shape, chunks, dtype, bytes and tasks (for notebooks). */
  toHTML(): string {
    const chunkShape = this.chunks.map((c) => Math.max(0, ...c));
    const chunkBytes = sizeOf(chunkShape) * itemsize(this.dtype);
    const row = (k: string, a: string, c: string): string => `<tr><th>${k}</th><td>${a}</td><td>${c}</td></tr>`;
    return (
      `<table class="tsdask-array"><thead><tr><td></td><th>Array</th><th>Chunk</th></tr></thead><tbody>` +
      row('Bytes', humanBytes(this.nbytes), humanBytes(chunkBytes)) +
      row('Shape', `(${this.shape.join(', ')})`, `(${chunkShape.join(', ')})`) +
      row('Count', `${this.taskCount} tasks`, `${this.numblocks.reduce((a, b) => a * b, 1)} chunks`) +
      row('Type', this.dtype, 'TypedArray') +
      '</tbody></table>'
    );
  }

  // element-wise
  add(o: Operand): DaskArray {
    return ew.binary('add', this, o);
  }
  sub(o: Operand): DaskArray {
    return ew.binary('sub', this, o);
  }
  mul(o: Operand): DaskArray {
    return ew.binary('mul', this, o);
  }
  div(o: Operand): DaskArray {
    return ew.binary('div', this, o);
  }
  /** Floor division, as NumPy's `//` (floor_divide). */
  floorDiv(o: Operand): DaskArray {
    return ew.binary('floordiv', this, o);
  }
  mod(o: Operand): DaskArray {
    return ew.binary('mod', this, o);
  }
  pow(o: Operand): DaskArray {
    return ew.binary('pow', this, o);
  }
  eq(o: Operand): DaskArray {
    return ew.binary('eq', this, o);
  }
  ne(o: Operand): DaskArray {
    return ew.binary('ne', this, o);
  }
  lt(o: Operand): DaskArray {
    return ew.binary('lt', this, o);
  }
  le(o: Operand): DaskArray {
    return ew.binary('le', this, o);
  }
  gt(o: Operand): DaskArray {
    return ew.binary('gt', this, o);
  }
  ge(o: Operand): DaskArray {
    return ew.binary('ge', this, o);
  }
  and(o: Operand): DaskArray {
    return ew.binary('and', this, o);
  }
  or(o: Operand): DaskArray {
    return ew.binary('or', this, o);
  }
  not(): DaskArray {
    return ew.unary('not', this);
  }
  neg(): DaskArray {
    return ew.unary('neg', this);
  }
  abs(): DaskArray {
    return ew.unary('abs', this);
  }
  sqrt(): DaskArray {
    return ew.unary('sqrt', this);
  }
  exp(): DaskArray {
    return ew.unary('exp', this);
  }
  log(): DaskArray {
    return ew.unary('log', this);
  }
  log1p(): DaskArray {
    return ew.unary('log1p', this);
  }
  sin(): DaskArray {
    return ew.unary('sin', this);
  }
  cos(): DaskArray {
    return ew.unary('cos', this);
  }
  tan(): DaskArray {
    return ew.unary('tan', this);
  }
  tanh(): DaskArray {
    return ew.unary('tanh', this);
  }
  floor(): DaskArray {
    return ew.unary('floor', this);
  }
  ceil(): DaskArray {
    return ew.unary('ceil', this);
  }
  /** Rounds half to even to `decimals` places (NumPy's algorithm). */
  round(decimals = 0): DaskArray {
    return ew.round(this, decimals);
  }
  isnan(): DaskArray {
    return ew.unary('isnan', this);
  }
  clip(min: Operand | null, max: Operand | null): DaskArray {
    return ew.clip(this, min, max);
  }
  astype(dtype: DType): DaskArray {
    return ew.astype(this, dtype);
  }

  // reductions
  sum(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('sum', this, opts);
  }
  prod(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('prod', this, opts);
  }
  min(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('min', this, opts);
  }
  max(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('max', this, opts);
  }
  any(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('any', this, opts);
  }
  all(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('all', this, opts);
  }
  nansum(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('nansum', this, opts);
  }
  nanmin(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('nanmin', this, opts);
  }
  nanmax(opts: red.ReduceOptions = {}): DaskArray {
    return red.reduction('nanmax', this, opts);
  }
  mean(opts: red.ReduceOptions = {}): DaskArray {
    return red.moments('mean', this, opts);
  }
  nanmean(opts: red.ReduceOptions = {}): DaskArray {
    return red.moments('nanmean', this, opts);
  }
  var(opts: red.MomentOptions = {}): DaskArray {
    return red.moments('var', this, opts);
  }
  std(opts: red.MomentOptions = {}): DaskArray {
    return red.moments('std', this, opts);
  }
  argmin(opts: red.ArgOptions = {}): DaskArray {
    return red.argReduction('argmin', this, opts);
  }
  argmax(opts: red.ArgOptions = {}): DaskArray {
    return red.argReduction('argmax', this, opts);
  }
  cumsum(opts: cum.CumOptions = {}): DaskArray {
    return cum.cumulative('cumsum', this, opts);
  }
  cumprod(opts: cum.CumOptions = {}): DaskArray {
    return cum.cumulative('cumprod', this, opts);
  }

  // indexing and shape
  slice(...index: ix.IndexItem[]): DaskArray {
    return ix.sliceArray(this, index);
  }
  get(index: string): DaskArray {
    return ix.sliceArray(this, ix.parseIndex(index, this.shape));
  }
  mask(cond: DaskArray): DaskArray {
    return ix.maskArray(this, cond);
  }
  take(indices: readonly number[], axis = 0): DaskArray {
    return ix.take(this, indices, axis);
  }
  reshape(shape: readonly number[]): DaskArray {
    return sh.reshape(this, shape);
  }
  transpose(axes?: readonly number[]): DaskArray {
    return sh.transpose(this, axes);
  }
  get T(): DaskArray {
    return sh.transpose(this);
  }
  swapaxes(a: number, b: number): DaskArray {
    return sh.swapaxes(this, a, b);
  }
  squeeze(opts: { axis?: number | number[] } = {}): DaskArray {
    checkOptions('squeeze', opts, ['axis']);
    return sh.squeeze(this, opts.axis);
  }
  expandDims(axis: number | number[]): DaskArray {
    return sh.expandDims(this, axis);
  }
  ravel(): DaskArray {
    return sh.reshape(this, [-1]);
  }
  /** New block sizes: a list per axis, one size, 'auto', or Dask's dict form `{ 0: 12, 1: -1 }`. */
  rechunk(chunks: rc.RechunkLike): DaskArray {
    return rc.rechunk(this, chunks);
  }
  /** The same array with unknown block sizes (after mask) computed; resolves to itself when all are known. */
  computeChunkSizes(opts: ComputeOptions = {}): Promise<DaskArray> {
    return computeChunkSizes(this, opts);
  }

  // linear algebra
  matmul(o: DaskArray): DaskArray {
    return la.matmul(this, o);
  }
  dot(o: DaskArray): DaskArray {
    return la.dot(this, o);
  }

  /** The blocks as Delayed values nested by block position (Dask's to_delayed); for a 0-d array, one Delayed of its scalar. */
  toDelayed(): Delayed<Scalar> | DelayedBlocks {
    return toDelayed(this);
  }

  // storage (as the free functions toNpy / toZarr)
  /** Writes a .npy file; resolves to `[path]`, or with `{ compute: false }` is a Delayed that writes when computed. */
  toNpy(path: string, opts: ToNpyOptions & { compute: false }): Delayed<string[]>;
  toNpy(path: string, opts?: ToNpyOptions & { compute?: true }): Promise<string[]>;
  toNpy(path: string, opts?: ToNpyOptions): Promise<string[]> | Delayed<string[]>;
  toNpy(path: string, opts: ToNpyOptions = {}): Promise<string[]> | Delayed<string[]> {
    return toNpy(this, path, opts);
  }
  /** Writes a Zarr array; resolves to `[root/path]`, or with `{ compute: false }` is a Delayed that writes when computed. */
  toZarr(root: string, opts: ToZarrOptions & { compute: false }): Delayed<string[]>;
  toZarr(root: string, opts?: ToZarrOptions & { compute?: true }): Promise<string[]>;
  toZarr(root: string, opts?: ToZarrOptions): Promise<string[]> | Delayed<string[]>;
  toZarr(root: string, opts: ToZarrOptions = {}): Promise<string[]> | Delayed<string[]> {
    return toZarr(this, root, opts);
  }
}

registerArrayClass(DaskArray);

function humanBytes(n: number): string {
  if (!Number.isFinite(n)) return 'unknown';
  const units = ['B', 'kiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(2)} ${units[u]}`;
}
