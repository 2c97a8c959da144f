/**
 * The Array collection: a chunked n-dimensional array. It holds a high-level graph, the name of
 * its blocks' keys, the block sizes per axis and the dtype; every method returns a new Array
 * with one more layer. The methods are thin faces over the free functions of one file per
 * operation family.
 */
import { Collection, HighLevelGraph, humanBytes, type ComputeOptions, type Delayed, type Key, type Layer } from '@tsdask/core-graph';
import { blockIndices, numblocksOf, type Chunks } from './chunks.js';
import { itemsize, type DType, type Scalar } from './dtype.js';
import type { FloatOf, MomentDType, Promote, RoundDType, SumDType } from './dtype-rules.js';
import type {
  AddNdim,
  ArrayResultOf,
  BroadcastNdim,
  CumNdim,
  GetNdim,
  MatmulNdim,
  NdimOf,
  NoOptions,
  OperandsNdim,
  ReducedNdim,
  SliceNdim,
} from './ndim-rules.js';
import type { BinaryDType, ClipDType } from './operand-rules.js';
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
import { registerArrayClass, typed } from './factory.js';
import { toDelayed, type DelayedOf } from './to-delayed.js';
import { toNpy, type ToNpyOptions } from './npy.js';
import { toZarr, type ToZarrOptions } from './zarr.js';
import { arrayHtml } from './repr-html.js';

/** An operand of an element-wise operation. */
export type Operand = DaskArray | Scalar;

/** What compute() gives: an NDArray, or a number / bigint / boolean for a 0-d array. */
export type ArrayResult = NDArray | number | bigint | boolean;

/**
 * A lazy chunked array of dtype D with N dimensions. D and N are what the types know
 * statically: `DaskArray<'float64', 2>` computes to `NDArray<'float64'>`, `DaskArray<'int64', 0>`
 * to a bigint; plain `DaskArray` (any dtype, any ndim) to `ArrayResult`.
 */
export class DaskArray<out D extends DType = DType, out N extends number = number> extends Collection<ArrayResultOf<D, N>> {
  readonly #graph: HighLevelGraph;
  readonly chunks: Chunks;

  constructor(
    graph: HighLevelGraph,
    readonly name: string,
    chunks: Chunks,
    readonly dtype: D,
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

  get ndim(): N {
    return this.chunks.length as N;
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
  finalize(values: readonly unknown[]): ArrayResultOf<D, N> {
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
    return (nd.shape.length === 0 ? nd.get() : nd) as ArrayResultOf<D, N>;
  }

  protected override withGraph(graph: HighLevelGraph): this {
    return new DaskArray(graph, this.name, this.chunks, this.dtype) as unknown as this;
  }

  /** The number of tasks in the graph (before optimization). */
  get taskCount(): number {
    return this.graph.taskCount;
  }

  override toString(): string {
    const ch = this.chunks.map((c) => (c.length > 3 ? `${c[0]}..x${c.length}` : c.join('|')));
    return `tsdask.array<${this.name.replace(/-[0-9a-f]{32}$/, '')}, shape=(${this.shape.join(', ')}), dtype=${this.dtype}, chunks=(${ch.join(', ')}), chunksize=(${this.chunks.map((c) => Math.max(0, ...c)).join(', ')}), nbytes=${humanBytes(this.nbytes)}, tasks=${this.taskCount}>`;
  }

  /** The HTML summary for notebooks, as Dask's: bytes, shape, tasks, chunks and dtype beside a picture of the chunk grid. */
  override toHTML(): string {
    return arrayHtml(this, this.graph.layers.size);
  }

  // element-wise: the result dtype follows NumPy (a scalar does not widen an array: NEP 50)
  add<const O extends Operand>(o: O): DaskArray<BinaryDType<'add', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('add', this, o));
  }
  sub<const O extends Operand>(o: O): DaskArray<BinaryDType<'sub', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('sub', this, o));
  }
  mul<const O extends Operand>(o: O): DaskArray<BinaryDType<'mul', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('mul', this, o));
  }
  /** True division: float operands keep their float type, others give float64. */
  div<const O extends Operand>(o: O): DaskArray<BinaryDType<'div', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('div', this, o));
  }
  /** Floor division, as NumPy's `//` (floor_divide). */
  floorDiv<const O extends Operand>(o: O): DaskArray<BinaryDType<'floordiv', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('floordiv', this, o));
  }
  mod<const O extends Operand>(o: O): DaskArray<BinaryDType<'mod', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('mod', this, o));
  }
  pow<const O extends Operand>(o: O): DaskArray<BinaryDType<'pow', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('pow', this, o));
  }
  eq<const O extends Operand>(o: O): DaskArray<'bool', BroadcastNdim<N, O>> {
    return typed(ew.binary('eq', this, o));
  }
  ne<const O extends Operand>(o: O): DaskArray<'bool', BroadcastNdim<N, O>> {
    return typed(ew.binary('ne', this, o));
  }
  lt<const O extends Operand>(o: O): DaskArray<'bool', BroadcastNdim<N, O>> {
    return typed(ew.binary('lt', this, o));
  }
  le<const O extends Operand>(o: O): DaskArray<'bool', BroadcastNdim<N, O>> {
    return typed(ew.binary('le', this, o));
  }
  gt<const O extends Operand>(o: O): DaskArray<'bool', BroadcastNdim<N, O>> {
    return typed(ew.binary('gt', this, o));
  }
  ge<const O extends Operand>(o: O): DaskArray<'bool', BroadcastNdim<N, O>> {
    return typed(ew.binary('ge', this, o));
  }
  and<const O extends Operand>(o: O): DaskArray<BinaryDType<'and', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('and', this, o));
  }
  or<const O extends Operand>(o: O): DaskArray<BinaryDType<'or', D, O>, BroadcastNdim<N, O>> {
    return typed(ew.binary('or', this, o));
  }
  not(): DaskArray<D, N> {
    return typed(ew.unary('not', this));
  }
  neg(): DaskArray<D, N> {
    return typed(ew.unary('neg', this));
  }
  abs(): DaskArray<D, N> {
    return typed(ew.unary('abs', this));
  }
  sqrt(): DaskArray<FloatOf<D>, N> {
    return typed(ew.unary('sqrt', this));
  }
  exp(): DaskArray<FloatOf<D>, N> {
    return typed(ew.unary('exp', this));
  }
  log(): DaskArray<FloatOf<D>, N> {
    return typed(ew.unary('log', this));
  }
  log1p(): DaskArray<FloatOf<D>, N> {
    return typed(ew.unary('log1p', this));
  }
  sin(): DaskArray<FloatOf<D>, N> {
    return typed(ew.unary('sin', this));
  }
  cos(): DaskArray<FloatOf<D>, N> {
    return typed(ew.unary('cos', this));
  }
  tan(): DaskArray<FloatOf<D>, N> {
    return typed(ew.unary('tan', this));
  }
  tanh(): DaskArray<FloatOf<D>, N> {
    return typed(ew.unary('tanh', this));
  }
  /** Rounds down (bool gives float32, as NumPy). */
  floor(): DaskArray<RoundDType<D>, N> {
    return typed(ew.unary('floor', this));
  }
  /** Rounds up (bool gives float32, as NumPy). */
  ceil(): DaskArray<RoundDType<D>, N> {
    return typed(ew.unary('ceil', this));
  }
  /** Rounds half to even to `decimals` places (NumPy's algorithm). */
  round(decimals = 0): DaskArray<RoundDType<D>, N> {
    return typed(ew.round(this, decimals));
  }
  isnan(): DaskArray<'bool', N> {
    return typed(ew.unary('isnan', this));
  }
  /** Limits values to [min, max] (null: no limit on that side). */
  clip<const L extends Operand | null, const H extends Operand | null>(min: L, max: H): DaskArray<ClipDType<D, L, H>, OperandsNdim<[DaskArray<D, N>, L, H]>> {
    return typed(ew.clip(this, min, max));
  }
  astype<T extends DType>(dtype: T): DaskArray<T, N> {
    return typed(ew.astype(this, dtype));
  }

  // reductions: without an axis (or keepdims) a 0-d array, whose compute() is a number, bigint or boolean
  /** The sum (floats keep their dtype; integers and bool give int64, whose values are bigints). */
  sum<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<SumDType<D>, ReducedNdim<N, O>> {
    return typed(red.reduction('sum', this, opts));
  }
  /** The product (dtype as sum). */
  prod<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<SumDType<D>, ReducedNdim<N, O>> {
    return typed(red.reduction('prod', this, opts));
  }
  min<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<D, ReducedNdim<N, O>> {
    return typed(red.reduction('min', this, opts));
  }
  max<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<D, ReducedNdim<N, O>> {
    return typed(red.reduction('max', this, opts));
  }
  any<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<'bool', ReducedNdim<N, O>> {
    return typed(red.reduction('any', this, opts));
  }
  all<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<'bool', ReducedNdim<N, O>> {
    return typed(red.reduction('all', this, opts));
  }
  /** The sum skipping NaNs (dtype as sum). */
  nansum<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<SumDType<D>, ReducedNdim<N, O>> {
    return typed(red.reduction('nansum', this, opts));
  }
  nanmin<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<D, ReducedNdim<N, O>> {
    return typed(red.reduction('nanmin', this, opts));
  }
  nanmax<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<D, ReducedNdim<N, O>> {
    return typed(red.reduction('nanmax', this, opts));
  }
  /** The mean (float32 stays float32, everything else gives float64). */
  mean<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<MomentDType<D>, ReducedNdim<N, O>> {
    return typed(red.moments('mean', this, opts));
  }
  nanmean<const O extends red.ReduceOptions = NoOptions>(opts?: O): DaskArray<MomentDType<D>, ReducedNdim<N, O>> {
    return typed(red.moments('nanmean', this, opts));
  }
  var<const O extends red.MomentOptions = NoOptions>(opts?: O): DaskArray<MomentDType<D>, ReducedNdim<N, O>> {
    return typed(red.moments('var', this, opts));
  }
  std<const O extends red.MomentOptions = NoOptions>(opts?: O): DaskArray<MomentDType<D>, ReducedNdim<N, O>> {
    return typed(red.moments('std', this, opts));
  }
  /** The index of the minimum (int64: bigints). */
  argmin<const O extends red.ArgOptions = NoOptions>(opts?: O): DaskArray<'int64', ReducedNdim<N, O>> {
    return typed(red.argReduction('argmin', this, opts));
  }
  /** The index of the maximum (int64: bigints). */
  argmax<const O extends red.ArgOptions = NoOptions>(opts?: O): DaskArray<'int64', ReducedNdim<N, O>> {
    return typed(red.argReduction('argmax', this, opts));
  }
  /** The running sum (dtype as sum); without an axis, of the flattened array. */
  cumsum<const O extends cum.CumOptions = NoOptions>(opts?: O): DaskArray<SumDType<D>, CumNdim<N, O>> {
    return typed(cum.cumulative('cumsum', this, opts));
  }
  /** The running product (dtype as sum); without an axis, of the flattened array. */
  cumprod<const O extends cum.CumOptions = NoOptions>(opts?: O): DaskArray<SumDType<D>, CumNdim<N, O>> {
    return typed(cum.cumulative('cumprod', this, opts));
  }

  // indexing and shape
  /** A selection by slices, integers (which remove their axis), null (a new axis) and '...'; integers for every axis give a 0-d array. */
  slice<const I extends readonly ix.IndexItem[]>(...index: I): DaskArray<D, SliceNdim<N, I>> {
    return typed(ix.sliceArray(this, index));
  }
  /** A selection written as NumPy text, `x.get('1:3, ::2')`; integers for every axis (`'1, 2'`) give a 0-d array. */
  get<const S extends string>(index: S): DaskArray<D, GetNdim<N, S>> {
    return typed(ix.sliceArray(this, ix.parseIndex(index, this.shape)));
  }
  /** The elements where `cond` is true, flattened (a 1-d array of unknown length). */
  mask(cond: DaskArray): DaskArray<D, 1> {
    return typed(ix.maskArray(this, cond));
  }
  take(indices: readonly number[], axis = 0): DaskArray<D, N> {
    return typed(ix.take(this, indices, axis));
  }
  reshape<const S extends readonly number[]>(shape: S): DaskArray<D, NdimOf<S>> {
    return typed(sh.reshape(this, shape));
  }
  transpose(axes?: readonly number[]): DaskArray<D, N> {
    return typed(sh.transpose(this, axes));
  }
  get T(): DaskArray<D, N> {
    return typed(sh.transpose(this));
  }
  swapaxes(a: number, b: number): DaskArray<D, N> {
    return typed(sh.swapaxes(this, a, b));
  }
  squeeze(opts: { axis?: number | number[] } = {}): DaskArray<D> {
    checkOptions('squeeze', opts, ['axis']);
    return typed(sh.squeeze(this, opts.axis));
  }
  expandDims<const A extends number | readonly number[]>(axis: A): DaskArray<D, AddNdim<N, A extends readonly number[] ? NdimOf<A> : 1>> {
    return typed(sh.expandDims(this, typeof axis === 'number' ? axis : [...(axis as readonly number[])]));
  }
  ravel(): DaskArray<D, 1> {
    return typed(sh.reshape(this, [-1]));
  }
  /** New block sizes: a list per axis, one size, 'auto', or Dask's dict form `{ 0: 12, 1: -1 }`. */
  rechunk(chunks: rc.RechunkLike): DaskArray<D, N> {
    return typed(rc.rechunk(this, chunks));
  }
  /** The same array with unknown block sizes (after mask) computed; resolves to itself when all are known. */
  computeChunkSizes(opts: ComputeOptions = {}): Promise<DaskArray<D, N>> {
    return computeChunkSizes(this, opts).then((x) => typed(x));
  }

  // linear algebra
  /** The matrix product of 1-d / 2-d arrays: dtype promoted, ndim 0 (vector . vector), 1 or 2. */
  matmul<E extends DType, M extends number>(o: DaskArray<E, M>): DaskArray<Promote<D, E>, MatmulNdim<N, M>> {
    return typed(la.matmul(this, o));
  }
  /** dot: matmul for 1-d and 2-d arrays. */
  dot<E extends DType, M extends number>(o: DaskArray<E, M>): DaskArray<Promote<D, E>, MatmulNdim<N, M>> {
    return typed(la.dot(this, o));
  }

  /** The blocks as Delayed values nested by block position (Dask's to_delayed); for a 0-d array, one Delayed of its scalar. */
  toDelayed(): DelayedOf<D, N> {
    return toDelayed(this) as DelayedOf<D, N>;
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
