/**
 * A set of objects that keeps one member inline and makes a Set only from the second on: a
 * task's dependents and the workers holding it are nearly always none or one, and an empty Set
 * costs about 150 bytes, two per task more than the scheduler's budget of 500 bytes per task
 * of a million-task graph allows. Iteration order is insertion order, as a Set's; deleting
 * while iterating is safe, as with a Set.
 */
const NONE: readonly never[] = Object.freeze([]);

export class SmallSet<T extends object> implements Iterable<T> {
  #one: T | undefined = undefined;
  #many: Set<T> | undefined = undefined;

  /** The number of members. */
  get size(): number {
    return this.#many !== undefined ? this.#many.size : this.#one === undefined ? 0 : 1;
  }

  has(x: T): boolean {
    return this.#many !== undefined ? this.#many.has(x) : this.#one === x;
  }

  add(x: T): this {
    if (this.#many !== undefined) this.#many.add(x);
    else if (this.#one === undefined) this.#one = x;
    else if (this.#one !== x) {
      this.#many = new Set([this.#one, x]);
      this.#one = undefined;
    }
    return this;
  }

  /** Removes `x`; returns whether it was a member. */
  delete(x: T): boolean {
    if (this.#many !== undefined) return this.#many.delete(x);
    if (this.#one !== x) return false;
    this.#one = undefined;
    return true;
  }

  clear(): void {
    this.#one = undefined;
    this.#many = undefined;
  }

  /** The members, in insertion order. */
  values(): IterableIterator<T> {
    if (this.#many !== undefined) return this.#many.values();
    return (this.#one === undefined ? NONE : [this.#one]).values();
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.values();
  }
}
