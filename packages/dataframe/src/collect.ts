/**
 * Computes some keys of a graph and returns their raw values (partitions, partials). (A lazy
 * single value, such as a Series reduction, is core-graph's Delayed: `Delayed.fromGraph`.)
 */
import { Collection, type ComputeOptions, type HighLevelGraph, type Key } from '@tsdask/core-graph';

class KeysCollection extends Collection<unknown[]> {
  constructor(
    readonly graph: HighLevelGraph,
    readonly outputKeys: readonly Key[],
  ) {
    super();
  }
  finalize(values: readonly unknown[]): unknown[] {
    return [...values];
  }
}

/** The values of `keys` in `graph`. */
export function collectPartitions(graph: HighLevelGraph, keys: readonly Key[], opts: ComputeOptions = {}): Promise<unknown[]> {
  return new KeysCollection(graph, keys).compute(opts);
}
