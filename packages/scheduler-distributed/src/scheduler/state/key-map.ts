/**
 * KeyMap: a Map from task keys to values, held as up to SHARDS small Maps chosen by a cheap hash
 * of the key, so that no single step grows a table of a million entries. A V8 Map doubles its
 * table when full and copies every entry in one go: at 2^19 and 2^20 keys that copy blocked the
 * scheduler's event loop for 120-210 ms (measured while a 1M-task graph went in), a step no
 * slicing can split. Shards of a few thousand entries grow in a fraction of a millisecond.
 * It is a `Map<string, V>` to its users; iteration goes shard by shard (not insertion order:
 * nothing that reads the scheduler's task table depends on it).
 */

/** Number of shards (a power of two): a million keys make about 4k per shard. */
export const SHARDS = 256;

/** The shard of `key`: its length and its last 8 characters (where the indices and tokens of task keys vary), mixed. */
export function shardOf(key: string): number {
  const n = key.length;
  let h = n;
  const stop = n > 8 ? n - 8 : 0;
  for (let i = n - 1; i >= stop; i--) h = Math.imul(h ^ key.charCodeAt(i), 0x9e3779b1);
  if (n > 8) h = Math.imul(h ^ key.charCodeAt(n >> 1), 0x85ebca6b);
  return (h ^ (h >>> 15) ^ (h >>> 24)) & (SHARDS - 1);
}

export class KeyMap<V> implements Map<string, V> {
  /** Shards, created on first use (a small graph's map stays small). */
  readonly #shards: (Map<string, V> | undefined)[] = new Array<Map<string, V> | undefined>(SHARDS).fill(undefined);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(key: string): V | undefined {
    return this.#shards[shardOf(key)]?.get(key);
  }

  has(key: string): boolean {
    return this.#shards[shardOf(key)]?.has(key) === true;
  }

  set(key: string, value: V): this {
    const i = shardOf(key);
    let m = this.#shards[i];
    if (m === undefined) this.#shards[i] = m = new Map();
    const before = m.size;
    m.set(key, value);
    this.#size += m.size - before;
    return this;
  }

  delete(key: string): boolean {
    const m = this.#shards[shardOf(key)];
    if (m === undefined || !m.delete(key)) return false;
    this.#size--;
    return true;
  }

  clear(): void {
    this.#shards.fill(undefined);
    this.#size = 0;
  }

  forEach(fn: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this) fn.call(thisArg, v, k, this);
  }

  *entries(): IterableIterator<[string, V]> {
    for (const m of this.#shards) if (m !== undefined) yield* m.entries();
  }

  *keys(): IterableIterator<string> {
    for (const m of this.#shards) if (m !== undefined) yield* m.keys();
  }

  *values(): IterableIterator<V> {
    for (const m of this.#shards) if (m !== undefined) yield* m.values();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'KeyMap';
  }
}
