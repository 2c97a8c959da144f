// Test support: a collection over one materialized layer (what a raw key -> task graph is), and
// the compute options that lower a graph with no optimization pass.
import { Collection, HighLevelGraph, type Key, type MaterializedLayer } from '@tsdask/core-graph';

/** Lowering options with cull, inline and fuse off: the graph as given. */
export const noPasses = { optimize: { cull: false, inline: false, fuse: false } } as const;

/** A collection over one materialized layer (what a raw key -> task graph is). */
export class Raw extends Collection<unknown[]> {
  constructor(
    readonly layer: MaterializedLayer,
    readonly keys: Key[],
  ) {
    super();
  }
  get graph(): HighLevelGraph {
    return new HighLevelGraph([this.layer]);
  }
  get outputKeys(): Key[] {
    return this.keys;
  }
  finalize(v: unknown[]): unknown[] {
    return v;
  }
}
