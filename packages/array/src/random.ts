/**
 * Seeded random arrays: `random.random(shape, { chunks, seed })`, `random.normal(loc, scale,
 * shape, ...)`, `random.randint(low, high, shape, ...)`. Each block draws from its own stream,
 * seeded by (seed, block number), so results depend only on the seed and the chunks.
 */
import { task, tokenize } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer } from './factory.js';
import { blockShape, linearBlock, normalizeChunks, type ChunksLike } from './chunks.js';
import { intRange, isDType, type DType } from './dtype.js';
import type { NdimOf } from './ndim-rules.js';
import { DTypeError, InputError, ShapeError } from './errors.js';
import { checkOptions } from './options.js';
import { ChunkLayer, K } from './layer.js';

/** Options of random arrays. */
export interface RandomOptions {
  chunks?: ChunksLike;
  /** A 32-bit integer seed; a random one when left out. */
  seed?: number;
}

/** Layers that draw uniform random blocks, with their seed: reductions may generate instead of read. */
const uniformLayers = new WeakMap<object, { seed: number }>();

/** When `x` is a uniform random array not yet computed, its seed (block b uses stream (seed, b)). */
export function uniformSource(x: DaskArray): { seed: number } | undefined {
  const layer = x.graph.layers.get(x.name);
  return layer === undefined ? undefined : uniformLayers.get(layer);
}

function make(op: string, shape: readonly number[], opts: RandomOptions, dtype: DType, kernel: string, extra: unknown[]): DaskArray {
  const s = typeof shape === 'number' ? [shape] : [...shape];
  if (s.some((n) => !Number.isInteger(n) || n < 0)) throw new ShapeError(op, [s], 'every length must be a non-negative integer.');
  const seed = (opts.seed ?? Math.floor(Math.random() * 2 ** 31)) | 0;
  const chunks = normalizeChunks(opts.chunks ?? 'auto', s, dtype);
  const nb = chunks.map((c) => c.length);
  const name = `${op}-${tokenize(op, s, seed, chunks, extra)}`;
  const layer = new ChunkLayer(name, op, nb, [], (idx) => task(K(kernel), blockShape(chunks, idx), seed, linearBlock(idx, nb), ...(extra as never[])));
  if (kernel === 'randomUniform') uniformLayers.set(layer, { seed });
  return arrayFromLayer(layer, [], chunks, dtype);
}

/** Uniform floats in [0, 1). */
export function random<const S extends readonly number[]>(shape: S, opts?: RandomOptions): DaskArray<'float64', NdimOf<S>>;
export function random(shape: readonly number[], opts: RandomOptions = {}): DaskArray {
  checkOptions('random', opts, ['chunks', 'seed']);
  return make('random', shape, opts, 'float64', 'randomUniform', []);
}

/** Normally distributed floats with mean `loc` and standard deviation `scale`. */
export function normal<const S extends readonly number[]>(loc: number, scale: number, shape: S, opts?: RandomOptions): DaskArray<'float64', NdimOf<S>>;
export function normal(loc: number, scale: number, shape: readonly number[], opts: RandomOptions = {}): DaskArray {
  checkOptions('normal', opts, ['chunks', 'seed']);
  return make('normal', shape, opts, 'float64', 'randomNormal', [loc, scale]);
}

/** Integers uniform in [low, high) (int64 unless `dtype` says otherwise). */
export function randint<const S extends readonly number[], D extends DType = 'int64'>(
  low: number,
  high: number,
  shape: S,
  opts?: RandomOptions & { dtype?: D },
): DaskArray<D, NdimOf<S>>;
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions & { dtype?: DType } = {}): DaskArray {
  checkOptions('randint', opts, ['chunks', 'seed', 'dtype']);
  for (const [name, v] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new InputError('randint', `${name} must be an integer within ±(2^53 - 1), got ${String(v)}.`);
  }
  if (!(high > low)) throw new ShapeError('randint', [], `high (${high}) must be greater than low (${low}).`);
  const dtype = opts.dtype ?? 'int64';
  const range = isDType(dtype) ? intRange(dtype) : undefined;
  if (range === undefined) throw new DTypeError('randint', dtype, 'randint draws integers: use int8, int16, int32, int64, uint8, uint16 or uint32.');
  if (BigInt(low) < range[0])
    throw new InputError('randint', `low ${low} is out of bounds for ${dtype} (${range[0]}..${range[1]}), as NumPy's ValueError; use a wider dtype.`);
  if (BigInt(high) - 1n > range[1])
    throw new InputError(
      'randint',
      `high ${high} is out of bounds for ${dtype} (the largest value drawn, high - 1, must be at most ${range[1]}), as NumPy's ValueError; use a wider dtype.`,
    );
  return make('randint', shape, opts, dtype, 'randomInt', [low, high, dtype]);
}
