/** @tsdask/array's errors: each names the shapes and the argument that were wrong. */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

function fmt(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Shapes that do not broadcast together. */
export class BroadcastError extends TsdaskError {
  constructor(readonly op: string, readonly shapes: (readonly number[])[]) {
    super('TSDASK_ARRAY_BROADCAST', `${op}: shapes ${shapes.map(fmt).join(' and ')} do not broadcast together. Each axis must be equal or 1 (aligned from the right).`);
  }
}

/** An axis argument out of range or repeated. */
export class AxisError extends TsdaskError {
  constructor(readonly op: string, readonly axis: unknown, readonly ndim: number) {
    super('TSDASK_ARRAY_AXIS', `${op}: axis ${JSON.stringify(axis)} is out of bounds for an array of dimension ${ndim} (use -${ndim}..${ndim - 1}, each axis once).`);
  }
}

/** A chunks argument that does not fit the shape. */
export class ChunksError extends TsdaskError {
  constructor(readonly argument: unknown, readonly shape: readonly number[], detail: string) {
    super('TSDASK_ARRAY_CHUNKS', `chunks ${JSON.stringify(argument)} do not fit shape ${fmt(shape)}: ${detail}`);
  }
}

/** An index or slice out of range, or malformed. */
export class IndexError extends TsdaskError {
  constructor(readonly op: string, readonly index: unknown, readonly shape: readonly number[], detail: string) {
    super('TSDASK_ARRAY_INDEX', `${op}: index ${typeof index === 'string' ? `'${index}'` : JSON.stringify(index)} on shape ${fmt(shape)}: ${detail}`);
  }
}

/** Shapes that do not fit an operation (reshape, matmul, concatenate, ...). */
export class ShapeError extends TsdaskError {
  constructor(readonly op: string, readonly shapes: (readonly number[])[], detail: string) {
    super('TSDASK_ARRAY_SHAPE', `${op}: shapes ${shapes.map(fmt).join(', ')}: ${detail}`);
  }
}

/**
 * An operation needs the block sizes along an axis whose sizes are unknown (after a boolean
 * mask). Dask raises ValueError here; the remedy is the same: compute the sizes first.
 */
export class UnknownChunksError extends TsdaskError {
  constructor(readonly op: string, readonly shape: readonly number[], readonly axis: number, detail = '') {
    super('TSDASK_ARRAY_UNKNOWN_CHUNKS', `${op}: axis ${axis} of shape ${fmt(shape)} has unknown chunk sizes (NaN, as after a boolean mask)${detail === '' ? '' : `; ${detail}`}. ` +
      'Call `x = await x.computeChunkSizes()` first (Dask: x.compute_chunk_sizes()).');
  }
}

/** A dtype that an operation does not accept. */
export class DTypeError extends TsdaskError {
  constructor(readonly op: string, readonly dtype: unknown, detail: string) {
    super('TSDASK_ARRAY_DTYPE', `${op}: dtype ${JSON.stringify(dtype)}: ${detail}`);
  }
}

/** Bad input data (ragged nested arrays, non-numbers). */
export class InputError extends TsdaskError {
  constructor(readonly op: string, detail: string) {
    super('TSDASK_ARRAY_INPUT', `${op}: ${detail}`);
  }
}

for (const c of [BroadcastError, AxisError, ChunksError, IndexError, ShapeError, DTypeError, InputError, UnknownChunksError]) registerErrorClass(c as never);

export { fmt as formatShape };
