/** MaterializedLayer: a layer that is simply a map from keys to nodes. */
import { forEachRef, type Key, type Node } from '../spec/index.js';
import type { Layer } from './layer.js';

export class MaterializedLayer implements Layer {
  readonly kind = 'materialized';
  readonly tasks: ReadonlyMap<Key, Node>;
  constructor(
    readonly name: string,
    tasks: ReadonlyMap<Key, Node> | Record<Key, Node>,
    readonly dependencies: readonly string[] = [],
    readonly holds?: readonly unknown[],
  ) {
    this.tasks = tasks instanceof Map ? tasks : new Map(Object.entries(tasks));
  }
  get size(): number {
    return this.tasks.size;
  }
  has(key: Key): boolean {
    return this.tasks.has(key);
  }
  outputKeys(): Iterable<Key> {
    return this.tasks.keys();
  }
  materialize(keys: ReadonlySet<Key> | undefined, out: Map<Key, Node>): void {
    if (keys === undefined) {
      for (const [k, n] of this.tasks) out.set(k, n);
      return;
    }
    const stack = [...keys];
    while (stack.length > 0) {
      const k = stack.pop() as Key;
      if (out.has(k) || !this.tasks.has(k)) continue;
      const node = this.tasks.get(k) as Node;
      out.set(k, node);
      forEachRef(node, (dep) => {
        if (!out.has(dep) && this.tasks.has(dep)) stack.push(dep);
      });
    }
  }
}
