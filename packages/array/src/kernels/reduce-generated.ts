/**
 * Reductions of freshly generated blocks, without the block. The numbers are exactly those the
 * block would hold (same stream, same order), so results match the unfused graph; only the 80 MB
 * chunk (and the page faults of touching it) never exists. Valid when axis 0 is reduced.
 *
 * - Simple kinds (sum, min, max, ...) and mean draw each number straight into the accumulators:
 *   one loop per kind, generated once, with the generator's step inlined (no buffer, no second
 *   pass, no allocation but the result).
 * - var/std need two passes over the numbers: the block is drawn in tiles of rows into one reused
 *   buffer, each tile reduced with the usual partial kernel and the tile partials combined.
 */
import { allocData, sizeOf, type NDChunk } from './chunk.js';
import { fillUniform, uniformDrawSource, uniformStream, type UniformStream } from './creation.js';
import { combineMoments, countChunk, initValue, keptShape, reduceMoments, rowOffsets, STEP, type MomentKind, type SimpleKind } from './reduce.js';

/** Elements per tile: small enough to stay in cache, large enough to amortize the calls. */
const TILE = 1 << 16;

type PartialKind = 'reduceSimple' | 'reduceMoments';
type Loop = (out: Float64Array, s: Int32Array, rows: number, inner: number, ooff: Int32Array, innerReduced: boolean) => void;
const loops = new Map<SimpleKind, Loop>();

/** The generate-and-accumulate loop of a simple kind (the shape of reduce.ts's loops, V drawn). */
function loopFor(kind: SimpleKind): Loop {
  let f = loops.get(kind);
  if (f !== undefined) return f;
  const step = (STEP[kind] as [string, string])[1];
  const draw = uniformDrawSource('V');
  const src = `
let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
let V = 0;
if (innerReduced) {
  for (let r = 0; r < rows; r++) {
    const ob = ooff[r];
    let A = out[ob];
    for (let j = 0; j < inner; j++) { ${draw} A = ${step}; }
    out[ob] = A;
  }
} else {
  for (let r = 0; r < rows; r++) {
    const ob = ooff[r];
    for (let j = 0; j < inner; j++) { ${draw} const A = out[ob + j]; out[ob + j] = ${step}; }
  }
}
s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;`;
  f = new Function(`return function reduceGeneratedLoop(out, s, rows, inner, ooff, innerReduced) {${src}};`)() as Loop;
  loops.set(kind, f);
  return f;
}

/** A simple kind over a generated block of `shape`: the accumulators, shaped as reduceSimple's. */
function simple(kind: SimpleKind, axes: number[], shape: number[], stream: UniformStream): NDChunk {
  const kept = keptShape(shape, axes);
  const out = allocData('float64', sizeOf(kept)) as Float64Array;
  out.fill(initValue(kind, false) as number);
  const { ooff, rows, inner, innerReduced } = rowOffsets(shape, axes);
  loopFor(kind)(out, stream.s, rows, inner, ooff, innerReduced);
  return { data: out, shape: kept, dtype: 'float64' };
}

/** var/std moments in tiles of rows (two passes per tile, over a reused buffer). */
function tiledMoments(kind: MomentKind, axes: number[], shape: number[], stream: UniformStream): unknown {
  const rowLen = shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = shape[0] ?? 1;
  const tileRows = Math.max(1, Math.floor(TILE / Math.max(1, rowLen)));
  const buf = new Float64Array(tileRows * rowLen);
  let acc: ReturnType<typeof reduceMoments> | undefined;
  for (let r = 0; r < rows; r += tileRows) {
    const n = Math.min(tileRows, rows - r);
    fillUniform(stream, buf, n * rowLen);
    const tile: NDChunk = { data: n === tileRows ? buf : buf.subarray(0, n * rowLen), shape: [n, ...shape.slice(1)], dtype: 'float64' };
    const part = reduceMoments(kind, tile, axes);
    acc = acc === undefined ? part : combineMoments([acc, part]);
  }
  return acc;
}

/** The partial of a uniform random block of `shape` (seed, block) under `partial(kind, ., axes)`. */
export function reduceGenerated(partial: PartialKind, kind: string, axes: number[], shape: number[], seed: number, block: number): unknown {
  const stream = uniformStream(seed, block);
  if (partial === 'reduceSimple') return simple(kind as SimpleKind, axes, shape, stream);
  if (kind === 'mean' || kind === 'nanmean') {
    // uniform numbers are never NaN: the count is the number of elements either way
    const s = simple('sum', axes, shape, stream);
    const n = countChunk(shape, axes);
    const mu = s.data as Float64Array,
      cnt = n.data as Float64Array;
    for (let i = 0; i < mu.length; i++) mu[i] = (cnt[i] as number) > 0 ? (mu[i] as number) / (cnt[i] as number) : 0;
    return { n, mu: s, m2: null };
  }
  return tiledMoments(kind as MomentKind, axes, shape, stream);
}
