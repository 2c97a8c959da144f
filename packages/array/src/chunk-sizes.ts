/**
 * computeChunkSizes: the block sizes of an array whose sizes are unknown (after a boolean mask),
 * found by computing each block's shape (Dask's `compute_chunk_sizes`). The blocks are computed
 * for this (their data is not kept); the result is the same graph with known block sizes, so
 * slicing, take, rechunk and reshape work on it.
 */
import { Collection, HighLevelGraph, ref, task, tokenize, type ComputeOptions, type Key } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { newArray } from './factory.js';
import { blockIndices, isUnknownAxis } from './chunks.js';
import { blockKey, ChunkLayer, K } from './layer.js';

/** The shapes of an array's blocks, in C order of their indices. */
class BlockShapes extends Collection<number[][]> {
  constructor(
    readonly graph: HighLevelGraph,
    readonly outputKeys: Key[],
  ) {
    super();
  }

  finalize(values: readonly unknown[]): number[][] {
    return values.map((v) => [...(v as number[])]);
  }
}

/** The array with its block sizes computed (itself when they are all known). */
export async function computeChunkSizes(x: DaskArray, opts: ComputeOptions = {}): Promise<DaskArray> {
  if (!x.chunks.some(isUnknownAxis)) return x;
  const name = `chunk-shape-${tokenize(x.name)}`;
  const layer = new ChunkLayer(name, 'chunk-shape', x.numblocks, [x.name], (idx) => task(K('chunkShape'), ref(blockKey(x.name, idx))));
  const idxs = [...blockIndices(x.numblocks)];
  const shapes = await new BlockShapes(
    HighLevelGraph.fromLayer(layer, x.graph),
    idxs.map((idx) => blockKey(name, idx)),
  ).compute(opts);
  // along axis d, block i's length is that of the block with index i on d and 0 on the others
  const chunks = x.chunks.map((c, d) =>
    c.map((_, i) => {
      const k = idxs.findIndex((idx) => idx[d] === i && idx.every((j, e) => e === d || j === 0));
      return (shapes[k] as number[])[d] as number;
    }),
  );
  return newArray(x.graph, x.name, chunks, x.dtype);
}
