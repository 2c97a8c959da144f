/**
 * Reductions of freshly generated blocks, without the block: `reduceGenerated` draws a random
 * block's numbers in tiles of rows into one reused buffer, reduces each tile with the usual
 * partial kernel and combines the tile partials. The numbers are exactly those the block would
 * hold (same stream, same order), so results match the unfused graph; only the 80 MB chunk (and
 * the page faults of touching it) never exists. Valid when axis 0 is reduced, so that every
 * tile's partial has the block partial's shape.
 */
import { fillUniform, uniformStream } from './creation.js';
import type { NDChunk } from './chunk.js';
import { combineMoments, combineSimple, reduceMoments, reduceSimple } from './reduce.js';

/** Elements per tile: small enough to stay in cache, large enough to amortize the calls. */
const TILE = 1 << 16;

type PartialKind = 'reduceSimple' | 'reduceMoments';

/** The partial of a uniform random block of `shape` (seed, block) under `partial(kind, ., axes)`. */
export function reduceGenerated(partial: PartialKind, kind: string, axes: number[], shape: number[], seed: number, block: number): unknown {
  const rowLen = shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = shape[0] ?? 1;
  const tileRows = Math.max(1, Math.floor(TILE / Math.max(1, rowLen)));
  const buf = new Float64Array(tileRows * rowLen);
  const stream = uniformStream(seed, block);
  let acc: unknown;
  for (let r = 0; r < rows; r += tileRows) {
    const n = Math.min(tileRows, rows - r);
    fillUniform(stream, buf, n * rowLen);
    const tile: NDChunk = { data: n === tileRows ? buf : buf.subarray(0, n * rowLen), shape: [n, ...shape.slice(1)], dtype: 'float64' };
    const part =
      partial === 'reduceSimple'
        ? reduceSimple(kind as Parameters<typeof reduceSimple>[0], tile, axes)
        : reduceMoments(kind as Parameters<typeof reduceMoments>[0], tile, axes);
    acc =
      acc === undefined
        ? part
        : partial === 'reduceSimple'
          ? combineSimple(kind as Parameters<typeof combineSimple>[0], [acc as NDChunk, part as NDChunk])
          : combineMoments([acc, part] as Parameters<typeof combineMoments>[0]);
  }
  return acc;
}
