/**
 * The values a worker holds, by key, with their sizes and the total: what its tasks read as
 * inputs, what its data port serves to peers, and what its heartbeat reports as memory.
 */

/** One held value and its size in bytes. */
export interface StoredValue {
  value: unknown;
  nbytes: number;
}

/** The worker's results and fetched or received inputs. */
export class DataStore {
  readonly #values = new Map<string, StoredValue>();
  #bytes = 0;

  /** Bytes held in total (the sizes given to put). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of keys held. */
  get size(): number {
    return this.#values.size;
  }

  /** Keeps `value` under `key` (replacing what was there). */
  put(key: string, value: unknown, nbytes: number): void {
    this.delete(key);
    this.#values.set(key, { value, nbytes });
    this.#bytes += nbytes;
  }

  /** The value and size under `key`, if held. */
  get(key: string): StoredValue | undefined {
    return this.#values.get(key);
  }

  /** Whether `key` is held. */
  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** Drops `key`; returns whether it was held. */
  delete(key: string): boolean {
    const old = this.#values.get(key);
    if (old === undefined) return false;
    this.#values.delete(key);
    this.#bytes -= old.nbytes;
    return true;
  }

  /** The keys held. */
  keys(): IterableIterator<string> {
    return this.#values.keys();
  }

  /** Drops everything. */
  clear(): void {
    this.#values.clear();
    this.#bytes = 0;
  }
}
