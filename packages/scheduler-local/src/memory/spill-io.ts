/**
 * The disk side of one compute, for the shell (run-graph.ts): spill writes and reads of batch
 * results in flight, on a SpillStore made at the first write. Writes of one result run one
 * after another (a result read back and spilled again while its first write is still going
 * must not have two writes on one file); every batch that needs a result being read back waits
 * for the same read. `close()` waits for all I/O in flight, then removes the folder.
 */
import { SpillStore } from '@tsdask/runtime/spill';

export class SpillIo {
  readonly #dir: string | undefined;
  #store: SpillStore | undefined;
  /** Every read, write and delete in flight. */
  readonly #io = new Set<Promise<unknown>>();
  /** Per result: the end of its latest write. */
  readonly #writing = new Map<number, Promise<unknown>>();
  /** Per result: its read back in flight. */
  readonly #loading = new Map<number, Promise<void>>();

  constructor(dir: string | undefined) {
    this.#dir = dir;
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#io.add(p);
    void p.then(
      () => this.#io.delete(p),
      () => this.#io.delete(p),
    );
    return p;
  }

  /** Writes result b; resolves to the bytes on disk. Throws at once when the spill folder cannot be made. */
  write(b: number, value: unknown): Promise<number> {
    const s = (this.#store ??= new SpillStore(this.#dir));
    const write = (this.#writing.get(b) ?? Promise.resolve()).then(() => s.write(b, value));
    const ended: Promise<unknown> = write.then(
      () => undefined,
      () => undefined,
    );
    this.#writing.set(b, ended);
    void ended.then(() => {
      if (this.#writing.get(b) === ended) this.#writing.delete(b);
    });
    return this.#track(write);
  }

  /** Reads result b back and hands it to `got`; a read already going is shared. */
  load(b: number, got: (value: unknown) => void): Promise<void> {
    let p = this.#loading.get(b);
    if (p === undefined) {
      const s = this.#store as SpillStore;
      p = this.#track(s.read(b).then(got)).finally(() => this.#loading.delete(b));
      this.#loading.set(b, p);
    }
    return p;
  }

  /** Whether any result is being read back. */
  get reading(): boolean {
    return this.#loading.size > 0;
  }

  /** The reads in flight among `batches`. */
  loadsOf(batches: readonly number[]): Promise<void>[] {
    const waits: Promise<void>[] = [];
    for (const b of batches) {
      const w = this.#loading.get(b);
      if (w !== undefined) waits.push(w);
    }
    return waits;
  }

  /** Removes result b's file, if it has one. */
  delete(b: number): Promise<void> | undefined {
    const s = this.#store;
    return s?.has(b) ? this.#track(s.delete(b)) : undefined;
  }

  /** Waits for the I/O in flight, then removes the spill folder. */
  close(): Promise<void> {
    return Promise.allSettled(this.#io).then(() => this.#store?.close());
  }
}
