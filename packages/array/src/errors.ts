/** @tsdask/array's errors: each names the shapes and the argument that were wrong. */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

function fmt(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Shapes that do not broadcast together. */
export class BroadcastError extends TsdaskError {
  constructor(
    readonly op: string,
    readonly shapes: (readonly number[])[],
  ) {
    super(
      'TSDASK_ARRAY_BROADCAST',
      `${op}: shapes ${shapes.map(fmt).join(' and ')} do not broadcast together. Each axis must be equal or 1 (aligned from the right).`,
    );
  }
}

/** An axis argument out of range or repeated. */
export class AxisError extends TsdaskError {
  constructor(
    readonly op: string,
    readonly axis: unknown,
    readonly ndim: number,
  ) {
    super(
      'TSDASK_ARRAY_AXIS',
      `${op}: axis ${JSON.stringify(axis)} is out of bounds for an array of dimension ${ndim} (use -${ndim}..${ndim - 1}, each axis once).`,
    );
  }
}

/** A chunks argument that does not fit the shape. */
export class ChunksError extends TsdaskError {
  constructor(
    readonly argument: unknown,
    readonly shape: readonly number[],
    detail: string,
  ) {
    super('TSDASK_ARRAY_CHUNKS', `chunks ${JSON.stringify(argument)} do not fit shape ${fmt(shape)}: ${detail}`);
  }
}

/** An index or slice out of range, or malformed. */
export class IndexError extends TsdaskError {
  constructor(
    readonly op: string,
    readonly index: unknown,
    readonly shape: readonly number[],
    detail: string,
  ) {
    super('TSDASK_ARRAY_INDEX', `${op}: index ${typeof index === 'string' ? `'${index}'` : JSON.stringify(index)} on shape ${fmt(shape)}: ${detail}`);
  }
}

/** Shapes that do not fit an operation (reshape, matmul, concatenate, ...). */
export class ShapeError extends TsdaskError {
  constructor(
    readonly op: string,
    readonly shapes: (readonly number[])[],
    detail: string,
  ) {
    super('TSDASK_ARRAY_SHAPE', `${op}: ${shapes.length > 0 ? `shapes ${shapes.map(fmt).join(', ')}: ` : ''}${detail}`);
  }
}

/**
 * An operation needs the block sizes along an axis whose sizes are unknown (after a boolean
 * mask). Dask raises ValueError here; the remedy is the same: compute the sizes first.
 */
export class UnknownChunksError extends TsdaskError {
  constructor(
    readonly op: string,
    readonly shape: readonly number[],
    readonly axis: number,
    detail = '',
  ) {
    super(
      'TSDASK_ARRAY_UNKNOWN_CHUNKS',
      `${op}: axis ${axis} of shape ${fmt(shape)} has unknown chunk sizes (NaN, as after a boolean mask)${detail === '' ? '' : `; ${detail}`}. ` +
        'Call `x = await x.computeChunkSizes()` first (Dask: x.compute_chunk_sizes()).',
    );
  }
}

/** A dtype that an operation does not accept. */
export class DTypeError extends TsdaskError {
  constructor(
    readonly op: string,
    readonly dtype: unknown,
    detail: string,
  ) {
    super('TSDASK_ARRAY_DTYPE', `${op}: dtype ${JSON.stringify(dtype)}: ${detail}`);
  }
}

/** Bad input data (ragged nested arrays, non-numbers). */
export class InputError extends TsdaskError {
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super('TSDASK_ARRAY_INPUT', `${op}: ${detail}`);
  }
}

/**
 * A Python-style integer scalar that does not fit the integer dtype it must become (NumPy 2's
 * `OverflowError: Python integer 300 out of bounds for uint8`, NEP 50).
 */
export class OverflowError extends TsdaskError {
  /** `creating`: the value fills a new array (full, fromArray, arange), so the advice is a wider dtype, not a cast. */
  constructor(
    readonly op: string,
    readonly value: number | bigint,
    readonly dtype: string,
    readonly range: readonly [bigint, bigint],
    creating = false,
  ) {
    const wider = dtype === 'int64' ? "'float64'" : "'int64' or 'float64'";
    const what = creating
      ? `Use a wider dtype (${wider}) or values in range.`
      : `Cast the array first (for example .astype(${wider.replace(' or ', ') or .astype(')})) or pass a value in range; JavaScript cannot tell 3e9 from 3000000000, so an integer-valued number counts as a Python int.`;
    super(
      'TSDASK_ARRAY_OVERFLOW',
      `${op}: integer ${String(value)} is out of bounds for ${dtype} (${range[0]}..${range[1]}); NumPy 2 raises OverflowError here rather than wrap it. ${what}`,
    );
  }
}

/**
 * A reduction over no elements where the operation has no identity: min, max, argmin, argmax
 * (and nan-variants) of a zero-size or all-masked array. NumPy raises ValueError here. A kind of
 * ShapeError (catching ShapeError still catches it), with its own code.
 */
export class EmptyReductionError extends ShapeError {
  constructor(op: string, shapes: (readonly number[])[], detail: string) {
    super(
      op,
      shapes,
      `${detail} ${op} has no identity, so NumPy raises ValueError here too; check the array's size first, or use a reduction with an identity (sum, nansum).`,
    );
    (this as { code: string }).code = 'TSDASK_ARRAY_EMPTY_REDUCTION';
  }
}

for (const c of [
  BroadcastError,
  AxisError,
  ChunksError,
  IndexError,
  ShapeError,
  DTypeError,
  InputError,
  OverflowError,
  EmptyReductionError,
  UnknownChunksError,
])
  registerErrorClass(c as never);

export { fmt as formatShape };
