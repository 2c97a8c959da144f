/**
 * A Layer is one collection operation in the high-level graph (blockwise, reduction, shuffle,
 * read, materialized, delayed). It knows the layers it reads and can materialize only the keys
 * that are asked for, so a graph of millions of tasks is never built whole when a few keys
 * are wanted.
 */
import type { Key, Node } from '../spec/index.js';

export interface Layer {
  /** Unique name; for chunked collections also the name part of every key it produces. */
  readonly name: string;
  /** What kind of operation it is: shown by `visualize()`, used by layer-level passes. */
  readonly kind: string;
  /** Names of the layers whose keys this layer's tasks refer to. */
  readonly dependencies: readonly string[];
  /** True when this layer produces `key`. */
  has(key: Key): boolean;
  /** Every key this layer produces. */
  outputKeys(): Iterable<Key>;
  /**
   * Writes into `out` the nodes for `keys` (all keys when undefined) and for any key of this
   * same layer they need. Refs to other layers' keys are left for those layers.
   */
  materialize(keys: ReadonlySet<Key> | undefined, out: Map<Key, Node>): void;
  /** The number of tasks, when known without materializing. */
  readonly size?: number;
  /**
   * Values kept alive with the layer: the user functions its tasks name by OpId, which the
   * function table holds only weakly (see functions.ts), so a collection keeps them while it
   * lives, even during a compute of it.
   */
  readonly holds?: readonly unknown[];
}
