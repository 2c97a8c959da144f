/**
 * The graph of an array writer (toNpy, toZarr): one task that creates the target (file header,
 * Zarr metadata), one task per block that writes it once the target exists, and one key whose
 * value is the list of paths written once every block is. core-graph's writeResult computes it
 * now or hands it back as a Delayed (`{ compute: false }`).
 */
import { HighLevelGraph, MaterializedLayer, ref, task, type Node, type WritePlan } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { blockIndices } from './chunks.js';
import { blockKey, ChunkLayer } from './layer.js';

/** Where a writer's ops live. */
export const IO = (name: string): string => `@tsdask/array/io#${name}`;

/**
 * The plan of writing `x` under layer `name` (`kind` for visualize): `create` makes the target,
 * `block(idx, created)` writes block idx after it (`created` is the create task's ref), and
 * `path` is what the paths key lists.
 */
export function arrayWritePlan(x: DaskArray, name: string, kind: string, create: Node, block: (idx: number[], created: Node) => Node, path: string): WritePlan {
  const createName = `${name}-create`;
  const created = ref(createName);
  const creating = new MaterializedLayer(createName, new Map([[createName, create]]));
  const writes = new ChunkLayer(name, kind, x.numblocks, [x.name, createName], (idx) => block(idx, created));
  const pathsName = `${name}-paths`;
  const done = [...blockIndices(x.numblocks)].map((idx) => ref(blockKey(name, idx)));
  const paths = new MaterializedLayer(pathsName, new Map([[pathsName, task('@tsdask/core-graph/ops#after', [path], ...done)]]), [name]);
  const graph = HighLevelGraph.fromLayer(paths, HighLevelGraph.fromLayer(writes, x.graph, HighLevelGraph.fromLayer(creating)));
  return { graph, key: pathsName };
}
