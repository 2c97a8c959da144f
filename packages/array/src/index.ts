/**
 * @tsdask/array: chunked n-dimensional arrays with a NumPy-style API.
 * `import * as da from '@tsdask/array'`.
 */
export { DaskArray, type Operand, type ArrayResult } from './array.js';
export { NDArray, type Nested } from './ndarray.js';
export { type DType, type TypedArray, type Scalar, promoteTypes, itemsize } from './dtype.js';
export { normalizeChunks, type Chunks, type ChunksLike } from './chunks.js';
export { type RechunkLike } from './rechunk.js';
export { fromArray, fromDelayed, zeros, ones, full, empty, arange, linspace, eye, type CreateOptions } from './creation.js';
export * as random from './random.js';
export * from './functions.js';
export { astype } from './elementwise.js';
export { concatenate, stack } from './concat.js';
export { tensordot, matmul, dot, outer } from './linalg.js';
export { blockwise, mapBlocks, type BlockwiseOptions } from './blockwise.js';
export { type ReduceOptions, type MomentOptions, type ArgOptions } from './reductions.js';
export { type CumOptions } from './cumulative.js';
export { type IndexItem, type Slice } from './indexing.js';
export * from './errors.js';
export { ChunkLayer } from './layer.js';
export { type DelayedBlocks, type DelayedOf } from './to-delayed.js';
export { fromNpy, toNpy, type ToNpyOptions } from './npy.js';
export { fromZarr, toZarr, type ZarrOptions, type ToZarrOptions } from './zarr.js';
export type {
  ScalarOf,
  TypedArrayOf,
  Promote,
  FloatDType,
  SumDType,
  MomentDType,
  FloatOf,
  ScalarDType,
  RoundDType,
  TypedArrayDType,
  NestedDType,
  FromArrayDType,
  ArangeDType,
} from './dtype-rules.js';
export type {
  ArrayResultOf,
  BroadcastNdim,
  CumNdim,
  MatmulNdim,
  NoOptions,
  ReducedNdim,
  NdimOf,
  AddNdim,
  SubNdim,
  MaxNdim,
  NestedNdim,
  FromArrayNdim,
  SliceNdim,
  PairNdim,
  GetNdim,
  OperandsNdim,
  PositiveNdim,
} from './ndim-rules.js';
export type { BinaryDType, BinaryOp, ClipDType, PairDType, ScalarOperandDType, NumberKind, WhereDType } from './operand-rules.js';
export type { NestedInput } from './creation.js';
