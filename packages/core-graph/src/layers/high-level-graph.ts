/**
 * HighLevelGraph: the layers of one or more collections and the DAG between them. The DAG is a
 * graphology DirectedGraph (small: one node per layer), which is what `visualize()` shows and
 * what layer-level passes rewrite. `materialize(keys)` asks each layer, dependents first, for
 * just the keys needed, following refs across layers.
 */
import { DirectedGraph } from 'graphology';
import { forEachRef, keyName, type Key, type Node } from '../spec/index.js';
import type { Layer } from './layer.js';

export class HighLevelGraph {
  #layers: Map<string, Layer> | undefined;
  /** Until `layers` is first read: the input graphs and the new layer it was built from. */
  #parts: { readonly inputs: readonly HighLevelGraph[]; readonly layer: Layer | undefined } | undefined;
  #dag: DirectedGraph | undefined;

  constructor(layers: Iterable<Layer>) {
    const m = new Map<string, Layer>();
    for (const l of layers) m.set(l.name, l);
    this.#layers = m;
  }

  /**
   * The layers by name, inputs' layers first. A graph built by `fromLayer` or `merge` collects
   * them when first asked: copying every input's layers at each step made a chain of L
   * operations cost O(L^2) to build (5,000 array operations took seconds).
   */
  get layers(): ReadonlyMap<string, Layer> {
    if (this.#layers === undefined) {
      this.#layers = HighLevelGraph.#collect(this);
      this.#parts = undefined;
    }
    return this.#layers;
  }

  /** A graph of one new layer on top of the graphs of its inputs. */
  static fromLayer(layer: Layer, ...inputs: HighLevelGraph[]): HighLevelGraph {
    return HighLevelGraph.#lazy(inputs, layer);
  }

  /** The union of several graphs (layers with the same name are the same layer). */
  static merge(...graphs: HighLevelGraph[]): HighLevelGraph {
    if (graphs.length === 1) return graphs[0] as HighLevelGraph;
    return HighLevelGraph.#lazy(graphs, undefined);
  }

  static #lazy(inputs: readonly HighLevelGraph[], layer: Layer | undefined): HighLevelGraph {
    const g = new HighLevelGraph([]);
    g.#layers = undefined;
    g.#parts = { inputs, layer };
    return g;
  }

  /** Tasks in all layers, as the layers count them (before optimization; a layer that does not know its size counts 0). */
  get taskCount(): number {
    let n = 0;
    for (const l of this.layers.values()) n += l.size ?? 0;
    return n;
  }

  /** The DAG of layers (edges from a layer to the layers that read it). */
  get dag(): DirectedGraph {
    if (this.#dag === undefined) {
      const g = new DirectedGraph();
      for (const l of this.layers.values()) g.addNode(l.name, { kind: l.kind, size: l.size });
      for (const l of this.layers.values()) {
        for (const d of l.dependencies) {
          if (g.hasNode(d) && !g.hasEdge(d, l.name)) g.addEdge(d, l.name);
        }
      }
      this.#dag = g;
    }
    return this.#dag;
  }

  /** Layer names in dependency order (a layer after the layers it reads). Iterative: any depth. */
  layerOrder(): string[] {
    const out: string[] = [];
    const done = new Set<string>();
    // a depth-first post-order with an explicit stack of [layer, next dependency to visit]
    const names: string[] = [];
    const next: number[] = [];
    for (const root of this.layers.keys()) {
      if (done.has(root)) continue;
      done.add(root);
      names.push(root);
      next.push(0);
      while (names.length > 0) {
        const top = names.length - 1;
        const name = names[top] as string;
        const deps = this.layers.get(name)?.dependencies ?? [];
        const i = next[top] as number;
        if (i < deps.length) {
          next[top] = i + 1;
          const d = deps[i] as string;
          if (!done.has(d) && this.layers.has(d)) {
            done.add(d);
            names.push(d);
            next.push(0);
          }
        } else {
          out.push(name);
          names.pop();
          next.pop();
        }
      }
    }
    return out;
  }

  /** The layer that produces `key`, if any. */
  layerOf(key: Key): Layer | undefined {
    const direct = this.layers.get(keyName(key));
    if (direct !== undefined && direct.has(key)) return direct;
    for (const l of this.layers.values()) if (l.has(key)) return l;
    return undefined;
  }

  /**
   * The key/node map needed for `keys` (every key of every layer when undefined). Keys no
   * layer produces are left out: lowering then names them in a MissingKeyError.
   */
  materialize(keys?: readonly Key[]): Map<Key, Node> {
    const out = new Map<Key, Node>();
    if (keys === undefined) {
      for (const l of this.layers.values()) l.materialize(undefined, out);
      return out;
    }
    if (this.layers.size === 1) {
      const only = this.layers.values().next().value as Layer;
      only.materialize(new Set(keys), out);
      return out;
    }
    const wanted = new Map<Layer, Set<Key>>();
    const route = (k: Key): void => {
      if (out.has(k)) return;
      const l = this.layerOf(k);
      if (l === undefined) return;
      let s = wanted.get(l);
      if (s === undefined) wanted.set(l, (s = new Set()));
      s.add(k);
    };
    for (const k of keys) route(k);
    const orderNames = this.layerOrder();
    for (let i = orderNames.length - 1; i >= 0; i--) {
      const l = this.layers.get(orderNames[i] as string) as Layer;
      const ks = wanted.get(l);
      if (ks === undefined) continue;
      const local = new Map<Key, Node>();
      l.materialize(ks, local);
      for (const [k, n] of local) out.set(k, n);
      if (i === 0) break;
      for (const n of local.values()) {
        if (typeof n === 'object' && n !== null)
          forEachRef(n, (d) => {
            if (!local.has(d)) route(d);
          });
      }
    }
    return out;
  }

  /**
   * The layers of a graph built from parts: a depth-first walk (explicit stack, any depth) over
   * the graphs it was built from, each graph visited once, each input's layers before the layer
   * built on it; a name seen twice keeps its first place and its last layer, as `new Map` would.
   */
  static #collect(root: HighLevelGraph): Map<string, Layer> {
    const out = new Map<string, Layer>();
    const seen = new Set<HighLevelGraph>([root]);
    const graphs: HighLevelGraph[] = [root];
    const next: number[] = [0];
    while (graphs.length > 0) {
      const top = graphs.length - 1;
      const g = graphs[top] as HighLevelGraph;
      if (g.#layers !== undefined) {
        for (const [name, l] of g.#layers) out.set(name, l);
        graphs.pop();
        next.pop();
        continue;
      }
      const parts = g.#parts as { readonly inputs: readonly HighLevelGraph[]; readonly layer: Layer | undefined };
      const i = next[top] as number;
      if (i < parts.inputs.length) {
        next[top] = i + 1;
        const input = parts.inputs[i] as HighLevelGraph;
        if (!seen.has(input)) {
          seen.add(input);
          graphs.push(input);
          next.push(0);
        }
        continue;
      }
      if (parts.layer !== undefined) out.set(parts.layer.name, parts.layer);
      graphs.pop();
      next.pop();
    }
    return out;
  }
}
