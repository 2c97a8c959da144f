/**
 * A binary min-heap of integer items keyed by integer priorities, on typed arrays that grow
 * when full (the spill heap takes an entry each time a result is offered, which can be more
 * often than there are results).
 */
export class MinHeap {
  #items: Int32Array;
  #keys: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.#items = new Int32Array(Math.max(1, capacity));
    this.#keys = new Int32Array(Math.max(1, capacity));
  }
  push(item: number, key: number): void {
    if (this.size === this.#items.length) {
      const items = new Int32Array(this.size * 2);
      const keys = new Int32Array(this.size * 2);
      items.set(this.#items);
      keys.set(this.#keys);
      this.#items = items;
      this.#keys = keys;
    }
    let i = this.size++;
    const items = this.#items;
    const keys = this.#keys;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      items[i] = items[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    items[i] = item;
    keys[i] = key;
  }
  /** The smallest key (undefined when empty). */
  peekKey(): number | undefined {
    return this.size > 0 ? this.#keys[0] : undefined;
  }
  pop(): number {
    const items = this.#items;
    const keys = this.#keys;
    const top = items[0]!;
    const n = --this.size;
    if (n > 0) {
      const item = items[n]!;
      const key = keys[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
        if (keys[c]! >= key) break;
        items[i] = items[c]!;
        keys[i] = keys[c]!;
        i = c;
      }
      items[i] = item;
      keys[i] = key;
    }
    return top;
  }
}
