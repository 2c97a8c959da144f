/**
 * A key -> id index built only when needed. Inserting millions of string keys into a Map
 * costs ~600 ns each here (more than everything else in lowering together), and a compute
 * usually looks up only its output keys. So the index starts from a few known entries and
 * builds the full map on the first lookup of any other key.
 */
import type { Key } from '../spec/index.js';

export class LazyKeyIndex implements ReadonlyMap<Key, number> {
  #full: Map<Key, number> | undefined;
  readonly #known: Map<Key, number>;
  readonly #keys: readonly Key[];

  constructor(keys: readonly Key[], known: Iterable<readonly [Key, number]> = []) {
    this.#keys = keys;
    this.#known = new Map(known);
  }

  #map(): Map<Key, number> {
    if (this.#full === undefined) {
      const m = new Map<Key, number>();
      for (let i = 0; i < this.#keys.length; i++) m.set(this.#keys[i] as Key, i);
      this.#full = m;
    }
    return this.#full;
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
  entries(): MapIterator<[Key, number]> {
    return this.#map().entries();
  }
  keys(): MapIterator<Key> {
    return this.#map().keys();
  }
  values(): MapIterator<number> {
    return this.#map().values();
  }
  [Symbol.iterator](): MapIterator<[Key, number]> {
    return this.#map()[Symbol.iterator]();
  }
}
