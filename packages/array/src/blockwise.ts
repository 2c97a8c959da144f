/**
 * User functions over blocks: `blockwise(fn, 'ij,jk->ik', a, b, opts)` in index notation and
 * `mapBlocks(fn, ...arrays, opts)`. Functions receive NDArray blocks (lists of blocks along
 * contracted letters) and return an NDArray (or `{ data, shape, dtype }`). Closures work on
 * 'sync'; threads need self-contained functions (see core-graph's registerFunction).
 */
import { BlockwiseLayer, registerFunction, task, tokenize, type Task } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { arrayFromLayer, isDaskArray } from './factory.js';
import { normalizeChunks, type ChunksLike } from './chunks.js';
import { DTYPES, isDType, type DType } from './dtype.js';
import { DTypeError, ShapeError } from './errors.js';
import { checkOptions } from './options.js';
import { K } from './layer.js';
import { rechunk } from './rechunk.js';

/** Options of blockwise / mapBlocks. */
export interface BlockwiseOptions {
  /** dtype of the result (default: the first input's). */
  dtype?: DType;
  /** Block sizes of the result, when the function changes them. */
  chunks?: ChunksLike;
  /** Axes of the input that the function removes (mapBlocks). */
  dropAxis?: number | number[];
  /** Axes the function adds to the output (mapBlocks), each of length 1 per block unless chunks say otherwise. */
  newAxis?: number | number[];
}

type BlockFn = (...blocks: never[]) => unknown;

/** Applies `fn` to blocks chosen by index notation, for example `'ij,jk->ik'`. */
export function blockwise(fn: BlockFn, spec: string, ...rest: (DaskArray | BlockwiseOptions)[]): DaskArray {
  const last = rest[rest.length - 1];
  const opts: BlockwiseOptions = last !== undefined && !isDaskArray(last) ? (last as BlockwiseOptions) : {};
  checkOptions('blockwise', last !== undefined && !isDaskArray(last) ? last : undefined, ['dtype', 'chunks']);
  const arrays = rest.filter((r): r is DaskArray => isDaskArray(r));
  const m = /^\s*([a-zA-Z,\s]*)->\s*([a-zA-Z]*)\s*$/.exec(spec);
  if (m === null)
    throw new ShapeError(
      'blockwise',
      arrays.map((a) => a.shape),
      `spec '${spec}' is not of the form 'ij,jk->ik'.`,
    );
  const ins = (m[1] as string).split(',').map((s) => s.trim());
  const out = m[2] as string;
  if (ins.length !== arrays.length)
    throw new ShapeError(
      'blockwise',
      arrays.map((a) => a.shape),
      `spec '${spec}' names ${ins.length} inputs but ${arrays.length} arrays were given.`,
    );
  const letterChunks = new Map<string, number[]>();
  ins.forEach((ix, i) => {
    const a = arrays[i] as DaskArray;
    if (ix.length !== a.ndim) throw new ShapeError('blockwise', [a.shape], `input ${i} has ${a.ndim} axes but spec '${ix}' names ${ix.length}.`);
    [...ix].forEach((ch, d) => {
      if (!letterChunks.has(ch) || (a.chunks[d] as number[]).length > (letterChunks.get(ch) as number[]).length)
        letterChunks.set(ch, [...(a.chunks[d] as number[])]);
    });
  });
  const aligned = arrays.map((a, i) =>
    rechunk(
      a,
      [...(ins[i] as string)].map((ch, d) => (a.shape[d] === 1 ? [1] : (letterChunks.get(ch) as number[]))),
    ),
  );
  return core(fn, ins, out, aligned, letterChunks, opts, false);
}

function core(
  fn: BlockFn,
  ins: string[],
  out: string,
  aligned: DaskArray[],
  letterChunks: Map<string, number[]>,
  opts: BlockwiseOptions,
  unwrap: boolean,
): DaskArray {
  let chunks: number[][] = [...out].map((ch) => letterChunks.get(ch) ?? [1]);
  if (opts.chunks !== undefined)
    chunks = normalizeChunks(
      opts.chunks,
      chunks
        .map((c) => c.reduce((x, y) => x + y, 0))
        .map((s, d) =>
          Array.isArray(opts.chunks) && Array.isArray((opts.chunks as unknown[])[d])
            ? ((opts.chunks as number[][])[d] as number[]).reduce((x, y) => x + y, 0)
            : s,
        ),
    );
  const op = registerFunction(fn);
  const dtype = opts.dtype ?? (aligned[0] as DaskArray).dtype;
  if (!isDType(dtype)) throw new DTypeError(unwrap ? 'mapBlocks' : 'blockwise', dtype, `not a dtype; use one of ${DTYPES.join(', ')}.`);
  const name = `blockwise-${tokenize(
    op,
    ins,
    out,
    aligned.map((a) => a.name),
    chunks,
  )}`;
  const template: Task = task(op, ...aligned.map((_, i) => task(K(unwrap ? 'wrapSingle' : 'wrapChunk'), BlockwiseLayer.arg(i))));
  const layer = new BlockwiseLayer(
    name,
    out,
    chunks.map((c) => c.length),
    template,
    aligned.map((a, i) => ({ name: a.name, index: ins[i] as string, numblocks: a.numblocks })),
    { kind: 'blockwise', fusable: false, holds: [fn] },
  );
  return arrayFromLayer(layer, aligned, chunks, dtype);
}

/** Applies `fn` to each block (blocks of several arrays aligned and broadcast). */
export function mapBlocks(fn: BlockFn, ...rest: (DaskArray | BlockwiseOptions)[]): DaskArray {
  const last = rest[rest.length - 1];
  const opts: BlockwiseOptions = last !== undefined && !isDaskArray(last) ? (last as BlockwiseOptions) : {};
  checkOptions('mapBlocks', last !== undefined && !isDaskArray(last) ? last : undefined, ['dtype', 'chunks', 'dropAxis', 'newAxis']);
  const arrays = rest.filter((r): r is DaskArray => isDaskArray(r));
  if (arrays.length === 0) throw new ShapeError('mapBlocks', [], 'needs at least one array.');
  const nd = Math.max(...arrays.map((a) => a.ndim));
  const letters = 'abcdefghijklmnopqrstuvwxyz'.slice(0, nd);
  const ins = arrays.map((a) => letters.slice(nd - a.ndim));
  const drop = opts.dropAxis === undefined ? [] : typeof opts.dropAxis === 'number' ? [opts.dropAxis] : opts.dropAxis;
  const add = opts.newAxis === undefined ? [] : typeof opts.newAxis === 'number' ? [opts.newAxis] : opts.newAxis;
  const outLetters = [...letters].filter((_, d) => !drop.includes(d));
  add.forEach((p, i) => {
    outLetters.splice(p, 0, 'ABCDEFGHIJ'[i] as string);
  });
  const aligned = arrays.map((a) =>
    rechunk(
      a,
      a.chunks.map((c, d) => (drop.includes(d + nd - a.ndim) ? [a.shape[d] as number] : [...c])),
    ),
  );
  const letterChunks = new Map<string, number[]>();
  aligned.forEach((a, i) =>
    [...(ins[i] as string)].forEach((ch, d) => {
      if (!letterChunks.has(ch) || (a.chunks[d] as number[]).length > (letterChunks.get(ch) as number[]).length)
        letterChunks.set(ch, [...(a.chunks[d] as number[])]);
    }),
  );
  const fixed = aligned.map((a, i) =>
    rechunk(
      a,
      [...(ins[i] as string)].map((ch, d) => (a.shape[d] === 1 ? [1] : (letterChunks.get(ch) as number[]))),
    ),
  );
  return core(fn, ins, outLetters.join(''), fixed, letterChunks, opts, true);
}
