/**
 * ChunkLayer: a layer of one task per block whose task is given by a function of the block
 * index. Used by creation, reductions, indexing, rechunk and the other operations that are not
 * plain element-wise maps; it materializes only the blocks asked for.
 */
import { forEachRef, keyIndices, keyName, registerWorkerModules, type Key, type Layer, type Node } from '@tsdask/core-graph';
import { blockIndices } from './chunks.js';

export class ChunkLayer implements Layer {
  constructor(
    readonly name: string,
    readonly kind: string,
    readonly numblocks: readonly number[],
    readonly dependencies: readonly string[],
    readonly taskOf: (idx: number[]) => Node,
  ) {}

  get size(): number {
    return this.numblocks.reduce((a, b) => a * b, 1);
  }

  has(key: Key): boolean {
    if (keyName(key) !== this.name) return false;
    const idx = keyIndices(key);
    return idx.length === this.numblocks.length && idx.every((i, d) => Number.isInteger(i) && i >= 0 && i < (this.numblocks[d] as number));
  }

  *outputKeys(): Iterable<Key> {
    for (const idx of blockIndices(this.numblocks)) yield idx.length === 0 ? this.name : `${this.name},${idx.join(',')}`;
  }

  materialize(keys: ReadonlySet<Key> | undefined, out: Map<Key, Node>): void {
    const stack = [...(keys ?? this.outputKeys())];
    while (stack.length > 0) {
      const k = stack.pop() as Key;
      if (out.has(k)) continue;
      const node = this.taskOf(keyIndices(k));
      out.set(k, node);
      forEachRef(node, (d) => {
        if (!out.has(d) && keyName(d) === this.name) stack.push(d);
      });
    }
  }
}

/** The key of block `idx` of the array named `name`. */
export function blockKey(name: string, idx: readonly number[]): Key {
  return idx.length === 0 ? name : `${name},${idx.join(',')}`;
}

/** The module the chunk kernels are loaded from. */
const KERNELS = '@tsdask/array/kernels';
// Worker threads load the kernels as they start, not when the first task of the first
// computation arrives (as dataframe does in plan/node.ts). The storage ops (`/io`, npy and
// Zarr) stay loaded on first use: most array work never touches them.
registerWorkerModules(KERNELS);

/** The OpId of a kernel. */
export function K(name: string): string {
  return `${KERNELS}#${name}`;
}
