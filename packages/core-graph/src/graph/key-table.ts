/**
 * KeyTable: the key -> id index of a lowered graph, an open-addressing (linear probing) hash
 * table of (id, hash) pairs in one Int32Array; the keys stay in the graph's own `keys` array.
 * A string-keyed Map of millions of keys cost lowering ~0.6 µs per insert and per lookup here
 * (growing rehashes, a chain of cache misses per entry) and ~30 bytes per key; this table is
 * sized once, costs 11 to 23 bytes per key, and a lookup is one hash of the key's characters,
 * about two probes in one cache line and one key comparison. The slots live on a
 * SharedArrayBuffer (see sharedInt32): at 10M keys they are 134 MB, which as a plain
 * ArrayBuffer alone would start two full collections of the heap.
 *
 * `insert(key)` appends a key (ids are 0, 1, 2, ... in insertion order) or returns the id it
 * already has, so the table also deduplicates; `get(key)` looks one up. It implements
 * ReadonlyMap<Key, number> so it can be a TaskGraph's `index`.
 */
import type { Key } from '../spec/index.js';
import { sharedInt32 } from './int-buffer.js';

/** FNV-1a over the UTF-16 code units of a key. */
function hashKey(k: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  // final avalanche (murmur3's fmix32), so the low bits used for the slot depend on every char
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Slots at most this full: linear probing then needs about 2 probes per hit. */
const MAX_LOAD = 0.7;

/** The smallest power of two of slots that holds `n` keys at most MAX_LOAD full. */
function capacityFor(n: number): number {
  let cap = 16;
  while (cap * MAX_LOAD < n) cap *= 2;
  return cap;
}

/** A key -> id index over an array of keys (see the file's comment); a TaskGraph's `index`. */
export class KeyTable implements ReadonlyMap<Key, number> {
  /** Key of each id (shared with the graph: the table never copies it). */
  readonly #keys: Key[];
  /** Slot s is the pair [2s] = id + 1 (0: empty), [2s + 1] = the hash of that id's key. */
  #slots: Int32Array;
  #mask: number;

  /**
   * An index of `keys` (distinct: a repeated key keeps its first id), with room for `expected`
   * keys before it grows. Later `insert`s append to `keys`.
   */
  constructor(keys: Key[] = [], expected = keys.length) {
    this.#keys = keys;
    const cap = capacityFor(Math.max(expected, keys.length));
    this.#slots = sharedInt32(cap * 2);
    this.#mask = cap - 1;
    for (let id = 0; id < keys.length; id++) {
      // a repeated key is placed after its first id on the probe path, so lookups find the first
      this.#place(hashKey(keys[id] as Key), id);
    }
  }

  #place(h: number, id: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let s = h & mask;
    while (slots[2 * s] !== 0) s = (s + 1) & mask;
    slots[2 * s] = id + 1;
    slots[2 * s + 1] = h;
  }

  #find(key: Key, h: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = slots[2 * s] as number;
      if (v === 0) return -1;
      if (slots[2 * s + 1] === h && this.#keys[v - 1] === key) return v - 1;
    }
  }

  /** The id of `key`, appending it to `keys` first when it is new. */
  insert(key: Key): number {
    const h = hashKey(key);
    const found = this.#find(key, h);
    if (found >= 0) return found;
    const id = this.#keys.length;
    if (id + 1 > (this.#mask + 1) * MAX_LOAD) {
      const old = this.#slots;
      const cap = (this.#mask + 1) * 2;
      this.#slots = sharedInt32(cap * 2);
      this.#mask = cap - 1;
      for (let s = 0; s < old.length; s += 2) if (old[s] !== 0) this.#place(old[s + 1] as number, (old[s] as number) - 1);
    }
    this.#keys.push(key);
    this.#place(h, id);
    return id;
  }

  /** The id of `key`, or undefined. */
  get(key: Key): number | undefined {
    if (typeof key !== 'string') return undefined;
    const id = this.#find(key, hashKey(key));
    return id < 0 ? undefined : id;
  }
  /** True when `key` has an id. */
  has(key: Key): boolean {
    return this.get(key) !== undefined;
  }
  /** The number of keys. */
  get size(): number {
    return this.#keys.length;
  }
  /** Calls `fn(id, key)` for each key in id order. */
  forEach(fn: (value: number, key: Key, map: ReadonlyMap<Key, number>) => void): void {
    for (let i = 0; i < this.#keys.length; i++) fn(i, this.#keys[i] as Key, this);
  }
  /** A Map of the same entries, for the iterators (rarely used: lowering only looks keys up). */
  #asMap(): Map<Key, number> {
    const m = new Map<Key, number>();
    for (let i = 0; i < this.#keys.length; i++) m.set(this.#keys[i] as Key, i);
    return m;
  }
  /** [key, id] pairs in id order. */
  entries(): IterableIterator<[Key, number]> {
    return this.#asMap().entries();
  }
  /** The keys in id order. */
  keys(): IterableIterator<Key> {
    return this.#asMap().keys();
  }
  /** The ids in order. */
  values(): IterableIterator<number> {
    return this.#asMap().values();
  }
  /** As `entries()`. */
  [Symbol.iterator](): IterableIterator<[Key, number]> {
    return this.#asMap()[Symbol.iterator]();
  }
}
