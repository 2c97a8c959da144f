/** MaterializedLayer: a layer that is simply a map from keys to nodes. */
import { GraphCycleError, MissingKeyError } from '../errors.js';
import { sharedInt32 } from '../graph/int-buffer.js';
import { lowerArrays, type TaskGraph } from '../graph/task-graph.js';
import { reachable } from '../optimize/cull.js';
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

  /**
   * The whole layer lowered straight to a TaskGraph, when `outputs` need every one of its
   * tasks (the usual case for a raw key -> task graph): one KeyTable of the layer's own keys
   * and one lookup per ref, where materialize() then lowering cost ~8 string-keyed Map
   * operations per task (each a cache miss in a map of millions of keys). Undefined when
   * the outputs need only some of the tasks, or name a key the layer lacks, or the layer has
   * a ref to an absent key or a cycle: the caller then materializes what the outputs need, so
   * that what they do not need is neither lowered nor checked (and what they need gives its
   * MissingKeyError or GraphCycleError there).
   */
  lowerWhole(outputs: readonly Key[]): TaskGraph | undefined {
    // Sized once and filled by index: pushing millions of items grew (copied) both arrays
    // again and again, about a third of lowering a raw graph.
    const keys = new Array<Key>(this.tasks.size);
    const nodes = new Array<Node>(this.tasks.size);
    let at = 0;
    this.tasks.forEach((node, k) => {
      keys[at] = k;
      nodes[at++] = node;
    });
    let g: TaskGraph;
    try {
      g = lowerArrays(keys, nodes);
    } catch (err) {
      if (err instanceof MissingKeyError || err instanceof GraphCycleError) return undefined;
      throw err;
    }
    // Do the outputs reach every task? A walk over the integer dependencies.
    const roots = sharedInt32(outputs.length);
    for (let i = 0; i < outputs.length; i++) {
      const id = g.index.get(outputs[i] as Key);
      if (id === undefined) return undefined;
      roots[i] = id;
    }
    const seen = reachable(g, roots);
    const n = g.size;
    let reached = 0;
    for (let i = 0; i < n; i++) reached += seen[i] as number;
    return reached === n ? g : undefined;
  }
}
