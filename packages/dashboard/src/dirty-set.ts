/** A set of small non-negative integers (group or worker ids) that is cheap to add to in a hot loop. */
export class DirtySet implements Iterable<number> {
  #flag: Uint8Array = new Uint8Array(16);
  #list: number[] = [];

  add(i: number): void {
    if (i >= this.#flag.length) {
      const grown = new Uint8Array(Math.max(i + 1, this.#flag.length * 2));
      grown.set(this.#flag);
      this.#flag = grown;
    }
    if (this.#flag[i] === 0) {
      this.#flag[i] = 1;
      this.#list.push(i);
    }
  }

  clear(): void {
    for (const i of this.#list) this.#flag[i] = 0;
    this.#list = [];
  }

  [Symbol.iterator](): Iterator<number> {
    return this.#list[Symbol.iterator]();
  }
}
