/**
 * TableMap: translates the entries of a lookup table that a stream of batches shares and may
 * grow (a TaskEventBatch's groups, workers or keys) into our own ids, each entry once: the
 * translation is cached for as long as batches bring the same table.
 */
export class TableMap<T> {
  #source: readonly T[] | null = null;
  #ids: number[] = [];

  constructor(readonly idOf: (entry: T) => number) {}

  /** Our id for each entry of `source`, by its index there. */
  of(source: readonly T[]): readonly number[] {
    if (source !== this.#source) {
      this.#source = source;
      this.#ids = [];
    }
    for (let j = this.#ids.length; j < source.length; j++) this.#ids.push(this.idOf(source[j] as T));
    return this.#ids;
  }

  /** Forgets the cached translation (our ids changed meaning). */
  reset(): void {
    this.#source = null;
    this.#ids = [];
  }
}
