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
import { inspectWithHtml } from './notebook/display.js';
import { escapeHtml, summaryTable } from './notebook/html.js';
import { tokenize } from './tokenize.js';

export { COLLECTION_BRAND, isCollection } from './collection-brand.js';

export abstract class Collection<T = unknown> {
  /** Set on the prototype (below), not per instance: collections are created by the million. */
  declare readonly [COLLECTION_BRAND]: true;

  /**
   * What `console.log`, the REPL and util.inspect show: the one-line summary of `toString()`,
   * not the internals. In a notebook (tslab) the cell's last value also shows `toHTML()`.
   */
  [INSPECT](depth?: number, options?: object): string {
    return inspectWithHtml(
      depth,
      options,
      () => this.toString(),
      () => this.toHTML(),
    );
  }

  /** An HTML summary for notebooks (subclasses show their shape, chunks or schema): the kind, tasks and layers. */
  toHTML(): string {
    return summaryTable(this.constructor.name, collectionRows(this));
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

/** The rows every collection's HTML summary ends with: tasks (a layer of unknown size is counted key by key) and layers of its graph (none when the graph cannot be built: a summary never throws). */
export function collectionRows(c: { readonly graph: HighLevelGraph; readonly outputKeys: readonly Key[] }): [string, string][] {
  try {
    const g = c.graph;
    let tasks = 0;
    for (const l of g.layers.values()) tasks += l.size ?? [...l.outputKeys()].length;
    return [
      ['Tasks', `${tasks} tasks`],
      ['Layers', `${g.layers.size} layers`],
      ['Name', `<code>${escapeHtml(String(c.outputKeys[0] ?? '').replace(/,.*$/, ''))}</code>`],
    ];
  } catch {
    return [];
  }
}
