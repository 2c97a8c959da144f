/** MaterializedLayer: a layer that is simply a map from keys to nodes. */
import { GraphCycleError, MissingKeyError } from '../errors.js';
import { lowerArrays, type TaskGraph } from '../graph/task-graph.js';
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
    const n = g.size;
    const seen = new Uint8Array(n);
    const stack: number[] = [];
    let reached = 0;
    for (const k of outputs) {
      const id = g.index.get(k);
      if (id === undefined) return undefined;
      if (seen[id] === 0) {
        seen[id] = 1;
        stack.push(id);
        reached++;
      }
    }
    const { depPtr, depIdx } = g;
    while (stack.length > 0) {
      const id = stack.pop() as number;
      for (let e = depPtr[id] as number; e < (depPtr[id + 1] as number); e++) {
        const d = depIdx[e] as number;
        if (seen[d] === 0) {
          seen[d] = 1;
          stack.push(d);
          reached++;
        }
      }
    }
    return reached === n ? g : undefined;
  }
}
