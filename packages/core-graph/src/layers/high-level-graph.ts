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
  readonly layers: ReadonlyMap<string, Layer>;
  #dag: DirectedGraph | undefined;

  constructor(layers: Iterable<Layer>) {
    const m = new Map<string, Layer>();
    for (const l of layers) m.set(l.name, l);
    this.layers = m;
  }

  /** A graph of one new layer on top of the graphs of its inputs. */
  static fromLayer(layer: Layer, ...inputs: HighLevelGraph[]): HighLevelGraph {
    const all: Layer[] = [];
    for (const g of inputs) all.push(...g.layers.values());
    all.push(layer);
    return new HighLevelGraph(all);
  }

  /** The union of several graphs (layers with the same name are the same layer). */
  static merge(...graphs: HighLevelGraph[]): HighLevelGraph {
    if (graphs.length === 1) return graphs[0] as HighLevelGraph;
    const all: Layer[] = [];
    for (const g of graphs) all.push(...g.layers.values());
    return new HighLevelGraph(all);
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

  /** Layer names in dependency order (a layer after the layers it reads). */
  layerOrder(): string[] {
    const out: string[] = [];
    const state = new Map<string, 1 | 2>();
    const visit = (name: string): void => {
      if (state.get(name) !== undefined) return;
      state.set(name, 1);
      const l = this.layers.get(name);
      if (l !== undefined) for (const d of l.dependencies) if (this.layers.has(d)) visit(d);
      state.set(name, 2);
      out.push(name);
    };
    for (const name of this.layers.keys()) visit(name);
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
        if (typeof n === 'object' && n !== null) forEachRef(n, (d) => { if (!local.has(d)) route(d); });
      }
    }
    return out;
  }
}
