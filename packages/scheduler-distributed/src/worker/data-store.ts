/**
 * The values a worker holds, by key, with their sizes: what its tasks read as inputs, what its
 * data port serves to peers and clients, and what its heartbeat reports (bytes in memory, bytes
 * on disk). Values it is told to spill go to disk, least recently used first, through the spill
 * store of @tsdask/runtime/spill (a folder of its own, made at the first spill, removed by
 * `close()` and at exit), and come back into memory when read (`load`).
 *
 * Where a value is: in memory, in memory with a write going ('writing'), on disk, or on disk
 * with a read going ('reading'). `get` is the synchronous hot path and sees only values in
 * memory (it marks them used); `load` also reads one back from disk (reads of one key share one
 * read; the file goes once the value is back). A value used, replaced or freed while its write
 * goes calls the write off (its file is removed when the write ends); a value freed on disk has
 * its file removed.
 *
 * A write that fails leaves the value in memory and never tries it again; when the spill folder
 * itself cannot be made, spilling stops for good. Each kind of failure (a SpillError code) is
 * told once to `onSpillError`. A value that cannot be read back (TSDASK_SPILL_LOST) is gone.
 */
import { SpillError } from '@tsdask/runtime';
import { SpillStore, type SpillStoreOptions } from '@tsdask/runtime/spill';

/** One held value and its size in bytes. */
export interface StoredValue {
  value: unknown;
  nbytes: number;
}

interface Entry {
  value: unknown;
  nbytes: number;
  where: 'memory' | 'writing' | 'disk' | 'reading';
  /** Its latest write's id in the spill store (the file's name). */
  id: number;
  /** Bumped when a write is started or called off: only the latest write's end counts. */
  gen: number;
  /** Its write failed once: never chosen again. */
  noSpill: boolean;
  /** Bytes of its file while on disk. */
  fileBytes: number;
  reading: Promise<StoredValue> | undefined;
}

/** Options of a DataStore. */
export interface DataStoreOptions {
  /** The spill store's options (its parent folder, I/O limit, file opener for tests). */
  spill?: Omit<SpillStoreOptions, 'advice'>;
  /** Told of the first spill failure of each kind. */
  onSpillError?: (err: SpillError) => void;
}

const ADVICE = 'The value stays in memory. Start the worker with --local-directory set to a writable folder with free space, or raise --memory-limit.';

/** The worker's results and fetched or received inputs, in memory or spilled to disk. */
export class DataStore {
  /** Every entry, least recently used first (a Map keeps insertion order; a use re-inserts). */
  readonly #entries = new Map<string, Entry>();
  readonly #options: DataStoreOptions;
  #disk: SpillStore | undefined;
  #spillOff = false;
  readonly #told = new Set<string>();
  #nextId = 0;
  #memoryBytes = 0;
  #writingBytes = 0;
  #diskBytes = 0;
  #spilledCount = 0;
  readonly #io = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: DataStoreOptions = {}) {
    this.#options = options;
  }

  /** Bytes of values in memory (the sizes given to put), writes going included. */
  get bytes(): number {
    return this.#memoryBytes;
  }

  /** Bytes of spill files on disk. */
  get spilledBytes(): number {
    return this.#diskBytes;
  }

  /** Values written to disk so far (a counter, for tests and logs). */
  get spillCount(): number {
    return this.#spilledCount;
  }

  /** Bytes of values in memory being written now. */
  get writingBytes(): number {
    return this.#writingBytes;
  }

  /** The spill folder, once made. */
  get spillDir(): string | undefined {
    return this.#disk?.dir;
  }

  /** Number of keys held (in memory or on disk). */
  get size(): number {
    return this.#entries.size;
  }

  /** Keeps `value` under `key` (replacing what was there), as the most recently used. */
  put(key: string, value: unknown, nbytes: number): void {
    this.delete(key);
    this.#entries.set(key, { value, nbytes, where: 'memory', id: -1, gen: 0, noSpill: false, fileBytes: 0, reading: undefined });
    this.#memoryBytes += nbytes;
  }

  /** The value and size under `key` if it is in memory (marking it used), else undefined. The entry itself: read its value at once (a later spill clears it). */
  get(key: string): StoredValue | undefined {
    const e = this.#entries.get(key);
    if (e === undefined || (e.where !== 'memory' && e.where !== 'writing')) return undefined;
    this.#use(key, e);
    return e;
  }

  /** Whether `key` is held, in memory or on disk. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Whether `key` is held in memory (get returns it). */
  inMemory(key: string): boolean {
    const w = this.#entries.get(key)?.where;
    return w === 'memory' || w === 'writing';
  }

  /**
   * The value under `key` from memory or read back from disk; undefined when not held. Rejects with
   * a SpillError when the file cannot be read (the value is then gone). The answer is a copy of the
   * entry's value and size, not the entry: the store may spill the entry again before the caller
   * uses it (a task's inputs read back, then memory pressure), which clears the entry's value.
   */
  load(key: string): Promise<StoredValue | undefined> {
    const e = this.#entries.get(key);
    // A closing store reads nothing more back: its values are being dropped (its folder goes once the reads going end).
    if (e === undefined || (this.#closed && e.where === 'disk')) return Promise.resolve(undefined);
    if (e.where === 'memory' || e.where === 'writing') {
      this.#use(key, e);
      return Promise.resolve({ value: e.value, nbytes: e.nbytes });
    }
    if (e.reading !== undefined) return e.reading;
    e.where = 'reading';
    const disk = this.#disk!;
    e.reading = this.#track(disk.read(e.id)).then(
      (value) => {
        e.reading = undefined;
        this.#removeFile(e);
        if (this.#entries.get(key) !== e) return { value, nbytes: e.nbytes }; // freed while read: the caller still gets it
        e.value = value;
        e.where = 'memory';
        this.#memoryBytes += e.nbytes;
        this.#use(key, e);
        return { value, nbytes: e.nbytes };
      },
      (err: unknown) => {
        e.reading = undefined;
        if (this.#entries.get(key) === e) this.#entries.delete(key);
        this.#removeFile(e);
        this.#tell(err);
        throw err;
      },
    );
    return e.reading;
  }

  /** Whether any of `keys` is held on disk (reading it needs `load`). */
  anyOnDisk(keys: Iterable<string>): boolean {
    for (const key of keys) {
      const w = this.#entries.get(key)?.where;
      if (w === 'disk' || w === 'reading') return true;
    }
    return false;
  }

  /** Reads back those of `keys` held on disk: their values, and the error of each that could not be read (that key is gone). */
  async readBack(keys: Iterable<string>): Promise<{ values: Map<string, StoredValue>; errors: Map<string, unknown> }> {
    const values = new Map<string, StoredValue>();
    const errors = new Map<string, unknown>();
    const reads: Promise<void>[] = [];
    for (const key of keys) {
      if (!this.has(key) || this.inMemory(key)) continue;
      reads.push(
        this.load(key).then(
          (v) => void (v !== undefined && values.set(key, v)),
          (err: unknown) => void errors.set(key, err),
        ),
      );
    }
    await Promise.all(reads);
    return { values, errors };
  }

  /** Drops `key` (removing its file, calling off its write); returns whether it was held. */
  delete(key: string): boolean {
    const e = this.#entries.get(key);
    if (e === undefined) return false;
    this.#entries.delete(key);
    if (e.where === 'memory' || e.where === 'writing') this.#memoryBytes -= e.nbytes;
    if (e.where === 'writing') this.#callOff(e);
    else if (e.where === 'disk') this.#removeFile(e); // one being read goes when its read ends
    e.value = undefined;
    return true;
  }

  /** The keys held. */
  keys(): IterableIterator<string> {
    return this.#entries.keys();
  }

  /** Bytes in memory that a spill could still take (not being written, not refused before). */
  get spillableBytes(): number {
    if (this.#spillOff) return 0;
    let n = 0;
    for (const e of this.#entries.values()) if (e.where === 'memory' && !e.noSpill) n += e.nbytes;
    return n;
  }

  /** Starts writing least recently used values in memory to disk until `bytes` are on their way (writes going count); returns the bytes started. */
  spill(bytes: number): number {
    if (this.#closed || this.#spillOff || bytes <= this.#writingBytes) return 0;
    let started = 0;
    for (const [key, e] of this.#entries) {
      if (this.#writingBytes >= bytes) break;
      if (e.where !== 'memory' || e.noSpill) continue;
      if (!this.#write(key, e)) break;
      started += e.nbytes;
    }
    return started;
  }

  /** Waits until no read, write or file removal is going (those started meanwhile included). */
  async idle(): Promise<void> {
    while (this.#io.size > 0) await Promise.allSettled([...this.#io]);
  }

  /**
   * Waits for the writes and reads going, then removes the spill folder and drops every value. From
   * its start, a load of a value on disk answers undefined (not held) instead of starting a read that
   * the folder's removal would fail with ENOENT.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.idle();
    for (const e of this.#entries.values()) e.value = undefined;
    this.#entries.clear();
    this.#memoryBytes = this.#writingBytes = this.#diskBytes = 0;
    await this.#disk?.close();
  }

  #use(key: string, e: Entry): void {
    if (e.where === 'writing') this.#callOff(e);
    this.#entries.delete(key);
    this.#entries.set(key, e);
  }

  /** Starts e's write; false when the spill folder cannot be made (spilling stops). */
  #write(key: string, e: Entry): boolean {
    let disk = this.#disk;
    if (disk === undefined) {
      try {
        disk = this.#disk = new SpillStore({ ...this.#options.spill, advice: ADVICE });
      } catch (err) {
        this.#spillOff = true;
        this.#tell(err);
        return false;
      }
    }
    // Each write has a file of its own: a called-off write's end removes only its own file.
    const id = (e.id = this.#nextId++);
    const gen = ++e.gen;
    e.where = 'writing';
    this.#writingBytes += e.nbytes;
    void this.#track(disk.write(id, e.value)).then(
      (fileBytes) => {
        if (e.gen !== gen || e.where !== 'writing' || this.#entries.get(key) !== e) {
          // Called off (used, replaced or freed meanwhile): the file is not wanted.
          if (!this.#closed) void this.#track(disk.delete(id));
          return;
        }
        this.#writingBytes -= e.nbytes;
        this.#memoryBytes -= e.nbytes;
        e.where = 'disk';
        e.value = undefined;
        e.fileBytes = fileBytes;
        this.#diskBytes += fileBytes;
        this.#spilledCount++;
      },
      (err: unknown) => {
        if (e.gen === gen && e.where === 'writing') {
          this.#writingBytes -= e.nbytes;
          e.where = 'memory';
        }
        e.noSpill = true;
        this.#tell(err);
      },
    );
    return true;
  }

  /** e's write goes on but no longer counts: e stays in memory. */
  #callOff(e: Entry): void {
    this.#writingBytes -= e.nbytes;
    e.where = 'memory';
    e.gen++;
  }

  #removeFile(e: Entry): void {
    this.#diskBytes -= e.fileBytes;
    e.fileBytes = 0;
    if (this.#disk !== undefined && !this.#closed) void this.#track(this.#disk.delete(e.id));
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#io.add(p);
    const done = (): void => void this.#io.delete(p);
    p.then(done, done);
    return p;
  }

  #tell(err: unknown): void {
    const code = err instanceof SpillError ? err.code : 'other';
    if (this.#told.has(code)) return;
    this.#told.add(code);
    this.#options.onSpillError?.(
      err instanceof SpillError ? err : new SpillError('TSDASK_SPILL_FAILED', String(err), { dir: this.spillDir ?? '', cause: err }),
    );
  }
}
