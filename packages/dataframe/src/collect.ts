/** Computes some keys of a graph and returns their raw values (partitions, partials). */
import { Collection, type ComputeOptions, type HighLevelGraph, type Key } from '@tsdask/core-graph';

class KeysCollection extends Collection<unknown[]> {
  constructor(readonly graph: HighLevelGraph, readonly outputKeys: readonly Key[]) {
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

/** A lazy single value: one key of a graph, turned into the result by `fn`. */
export class Scalar<T> extends Collection<T> {
  constructor(readonly graph: HighLevelGraph, readonly key: Key, private readonly fn: (v: unknown) => T) {
    super();
  }
  get outputKeys(): readonly Key[] {
    return [this.key];
  }
  finalize(values: readonly unknown[]): T {
    return this.fn(values[0]);
  }
}
