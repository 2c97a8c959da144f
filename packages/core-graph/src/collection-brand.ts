/**
 * What compute() and visualize() need to know of a collection, without importing the
 * Collection class (which imports them: that was an import cycle), and the util.inspect symbol
 * collections and futures share. The brand recognises
 * collections across copies of this package; `CollectionLike` is the shape they read.
 */
import type { HeldKeys } from './futures/held-keys.js';
import type { TaskGraph } from './graph/task-graph.js';
import type { HighLevelGraph } from './layers/high-level-graph.js';
import type { Key } from './spec/index.js';

/** Brand for recognising collections across copies of this package. */
export const COLLECTION_BRAND: unique symbol = Symbol.for('tsdask.collection') as never;

/** Node's util.inspect hook (a registered symbol: no node:util import, so browsers load this too). */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** The part of a collection that compute(), persist() and visualize() use. */
export interface CollectionLike<T = unknown> {
  readonly [COLLECTION_BRAND]: true;
  readonly graph: HighLevelGraph;
  readonly outputKeys: readonly Key[];
  finalize(values: readonly unknown[]): T;
  lowerDirect(all: readonly CollectionLike[]): TaskGraph | undefined;
  /** The same collection backed by results a scheduler holds (what persist() returns). */
  withHeld(handle: HeldKeys): CollectionLike<T>;
}

/** True when `x` is a tsdask collection. */
export function isCollection(x: unknown): x is CollectionLike {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[COLLECTION_BRAND] === true;
}
