/**
 * Collection: the base of every lazy collection (Delayed, Array, DataFrame). A collection is
 * a high-level graph plus the keys of its result; `compute()` runs it and `finalize` turns the
 * values of those keys into the user-facing result. Nothing executes before `compute()`.
 */
import type { ComputeOptions } from './schedulers.js';
import type { TaskGraph } from './graph/task-graph.js';
import { HighLevelGraph } from './layers/high-level-graph.js';
import type { Key } from './spec/index.js';
import { COLLECTION_BRAND, INSPECT } from './collection-brand.js';
import { compute, optionBag, persist, release } from './compute.js';
import { heldLayer, type HeldKeys } from './futures/held-keys.js';
import { visualize, type VisualizeOptions } from './visualize.js';
import { tokenize } from './tokenize.js';

export { COLLECTION_BRAND, isCollection } from './collection-brand.js';

export abstract class Collection<T = unknown> {
  /** Set on the prototype (below), not per instance: collections are created by the million. */
  declare readonly [COLLECTION_BRAND]: true;

  /** What `console.log`, the REPL and util.inspect show: the one-line summary of `toString()`, not the internals. */
  [INSPECT](): string {
    return this.toString();
  }

  /** The high-level graph: this collection's layers and those of its inputs. */
  abstract get graph(): HighLevelGraph;

  /** The keys whose values make up the result. */
  abstract get outputKeys(): readonly Key[];

  /** Builds the result from the values of `outputKeys`, in order. */
  abstract finalize(values: readonly unknown[]): T;

  /** The same collection, backed by a graph whose layers hold the given values. */
  protected withGraph(graph: HighLevelGraph): this {
    void graph;
    throw new TypeError(`${this.constructor.name} does not implement withGraph()`);
  }

  /**
   * The same collection backed by results a scheduler holds (what `persist()` returns): its
   * graph is one layer naming the held keys, and that layer keeps `handle` alive.
   */
  withHeld(handle: HeldKeys): this {
    return this.withGraph(new HighLevelGraph([heldLayer(handle)]));
  }

  /**
   * A faster lowering of `all` (which includes this collection) straight to a task graph,
   * for collection types that can skip materializing a key/node map; undefined when not.
   */
  lowerDirect(all: readonly Collection[]): TaskGraph | undefined {
    void all;
    return undefined;
  }

  /** Computes the result. */
  async compute(opts: ComputeOptions = {}): Promise<T> {
    const [out] = (await compute(this, optionBag(opts, 'compute'))) as unknown as [T];
    return out;
  }

  /** Computes and keeps the results, returning a collection backed by them. */
  async persist(opts: ComputeOptions = {}): Promise<this> {
    const [out] = (await persist(this, optionBag(opts, 'persist'))) as unknown as [this];
    return out;
  }

  /** Lets the scheduler free the results `persist()` keeps for this collection (nothing for others). */
  release(): void {
    release(this);
  }

  /** The graph as Graphviz DOT text or SVG. */
  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }

  /** Deterministic token: collections are identified by their output keys. */
  tokenize(): string {
    return tokenize(this.outputKeys);
  }
}

Object.defineProperty(Collection.prototype, COLLECTION_BRAND, { value: true });
