/**
 * A byte bound with backpressure, for the buffers of the P2P shuffle on a worker (as Dask's
 * ResourceLimiter in distributed/shuffle/_limiter.py): `acquire(n)` resolves once `n` more bytes
 * fit under the limit, in the order asked, and `release(n)` gives them back. One item larger
 * than the whole limit goes through alone (when nothing else is held), so it cannot wait forever.
 * `onWait` is called when someone has to wait: the owner writes out what it buffered, which
 * releases bytes. Pure of I/O.
 */

interface Waiter {
  bytes: number;
  resolve(): void;
  reject(err: Error): void;
}

/** Bytes held under a limit; takers wait their turn. */
export class ByteBudget {
  #used = 0;
  #peak = 0;
  readonly #waiting: Waiter[] = [];
  #closed: Error | undefined;

  constructor(
    readonly limit: number,
    private readonly onWait: () => void = () => {},
  ) {}

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /** The most bytes held at once so far. */
  get peak(): number {
    return this.#peak;
  }

  /** Takers waiting now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves once `bytes` more are held (at once when they fit and nobody waits before them). */
  acquire(bytes: number): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    if (this.#waiting.length === 0 && this.#fits(bytes)) {
      this.#take(bytes);
      return Promise.resolve();
    }
    const p = new Promise<void>((resolve, reject) => this.#waiting.push({ bytes, resolve, reject }));
    this.onWait();
    return p;
  }

  /** Gives back `bytes` taken with acquire; wakes the takers that fit now, in order. */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.bytes)) {
      const w = this.#waiting.shift()!;
      this.#take(w.bytes);
      w.resolve();
    }
  }

  /** Fails every waiting and later acquire with `err` (the worker is closing). */
  close(err: Error): void {
    this.#closed = err;
    for (const w of this.#waiting.splice(0)) w.reject(err);
  }

  #fits(bytes: number): boolean {
    return this.#used === 0 || this.#used + bytes <= this.limit;
  }

  #take(bytes: number): void {
    this.#used += bytes;
    if (this.#used > this.#peak) this.#peak = this.#used;
  }
}
