/**
 * A key -> id index built only when needed. Even as a KeyTable, indexing millions of keys
 * costs a hash of each, and a compute usually looks up only its output keys. So the index
 * starts from a few known entries and builds the full table on the first lookup of any other
 * key.
 */
import type { Key } from '../spec/index.js';
import { KeyTable } from './key-table.js';

export class LazyKeyIndex implements ReadonlyMap<Key, number> {
  #full: KeyTable | undefined;
  readonly #known: Map<Key, number>;
  readonly #keys: readonly Key[];

  constructor(keys: readonly Key[], known: Iterable<readonly [Key, number]> = []) {
    this.#keys = keys;
    this.#known = new Map(known);
  }

  #map(): KeyTable {
    // the table reads the keys and never appends to them (no insert)
    return (this.#full ??= new KeyTable(this.#keys as Key[]));
  }

  get(key: Key): number | undefined {
    if (this.#full === undefined) {
      const id = this.#known.get(key);
      if (id !== undefined) return id;
    }
    return this.#map().get(key);
  }
  has(key: Key): boolean {
    return this.get(key) !== undefined;
  }
  get size(): number {
    return this.#keys.length;
  }
  forEach(fn: (value: number, key: Key, map: ReadonlyMap<Key, number>) => void): void {
    this.#map().forEach((v, k) => fn(v, k, this));
  }
  entries(): IterableIterator<[Key, number]> {
    return this.#map().entries();
  }
  keys(): IterableIterator<Key> {
    return this.#map().keys();
  }
  values(): IterableIterator<number> {
    return this.#map().values();
  }
  [Symbol.iterator](): IterableIterator<[Key, number]> {
    return this.#map()[Symbol.iterator]();
  }
}
