/**
 * The spill store: values written to files in a temp folder of its own
 * (`tsdask-spill-<pid>-XXXXXX`), read back when a task needs them, and the folder removed when
 * its owner closes it (a local compute's end, a distributed worker's close; and at exit, see
 * exit-cleanup.ts). Shared by scheduler-local and the distributed worker. Making one first
 * removes the folders that dead processes left in the same parent.
 *
 * Files are written and read in parts of at most `ioLimit` bytes (a single write or read past
 * 2 GiB fails in Node), and never held whole in one Buffer. Every failure is a SpillError that
 * names the folder and the system's errno; a write that fails leaves no file behind.
 *
 * `close()` waits for the reads, writes and deletes in flight before it removes the folder (one
 * removed under a read made it fail with ENOENT, as if another program had removed the folder);
 * a read or write asked after `close()` is a SpillError TSDASK_SPILL_CLOSED, never an errno.
 * Operations on one file run one after another in the order asked: a delete or a new write
 * asked while the file is read waits for that read (on libuv's threads the removal could run
 * before the read's open, an ENOENT, or the write's truncation under the read).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SpillError } from '../errors.js';
import { HEADER_BYTES, SpillEncoder, type CodecLimits } from '../codec/codec.js';
import { decodeSkeleton, readHeader } from '../codec/codec-read.js';
import { folderPrefix, registerOpen, removeStale, unregisterOpen } from './exit-cleanup.js';

/** The file operations the store uses (a FileHandle has them; tests inject failing ones). */
export interface SpillFile {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export interface SpillStoreOptions {
  /** The folder to make the spill folder in (default: the system temp folder). */
  parent?: string | undefined;
  /** The largest single write or read, in bytes (default 1 GiB). */
  ioLimit?: number;
  /** The codec's part sizes. */
  limits?: CodecLimits;
  /** Opens a file ('w' to write, 'r' to read). */
  openFile?: (path: string, flags: 'w' | 'r') => Promise<SpillFile>;
  /** What a failed write's message tells the user to do (default: scheduler-local's options, spillDir and memoryLimit). */
  advice?: string;
}

const WHY: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space is left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'the folder does not exist (or was removed)',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
};

const DEFAULT_ADVICE = 'The result stays in memory. Pass spillDir: a writable folder with free space, or raise memoryLimit.';

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('E') ? code : undefined;
}

/** Values on disk by numeric id, in one spill folder of its own. */
export class SpillStore {
  /** The spill folder (`<parent>/tsdask-spill-<pid>-XXXXXX`). */
  readonly dir: string;
  readonly #files = new Map<number, { path: string; bytes: number }>();
  readonly #ioLimit: number;
  readonly #limits: CodecLimits;
  readonly #open: (path: string, flags: 'w' | 'r') => Promise<SpillFile>;
  readonly #advice: string;
  #closed = false;
  /** The reads, writes and deletes in flight: close waits for them. */
  readonly #io = new Set<Promise<unknown>>();
  /** Per file: the end of the latest operation asked on it. */
  readonly #byId = new Map<number, Promise<unknown>>();

  /** Makes the spill folder (and removes stale ones beside it); throws a SpillError when it cannot. */
  constructor(options: SpillStoreOptions | string = {}) {
    const o = typeof options === 'string' ? { parent: options } : options;
    const parent = resolve(o.parent ?? tmpdir());
    this.#ioLimit = Math.max(1, Math.floor(o.ioLimit ?? 2 ** 30));
    this.#limits = o.limits ?? {};
    this.#open = o.openFile ?? ((path, flags) => open(path, flags));
    this.#advice = o.advice ?? DEFAULT_ADVICE;
    removeStale(parent);
    try {
      this.dir = mkdtempSync(join(parent, folderPrefix()));
    } catch (err) {
      const errno = errnoOf(err);
      throw new SpillError(
        'TSDASK_SPILL_FAILED',
        `Cannot make a spill folder in '${parent}': ${errno ?? 'error'} (${(errno && WHY[errno]) ?? (err as Error).message}). ${this.#advice}`,
        { dir: parent, errno, cause: err },
      );
    }
    registerOpen(this);
  }

  /** Whether value `id` has a file. */
  has(id: number): boolean {
    return this.#files.has(id);
  }

  /** Writes a value; resolves to the bytes written. A failed write leaves no file. */
  write(id: number, value: unknown): Promise<number> {
    return this.#inOrder(id, () => this.#write(id, value));
  }

  async #write(id: number, value: unknown): Promise<number> {
    if (this.#closed) throw this.#closedError('write', id);
    const path = join(this.dir, `${id}.bin`);
    let fh: SpillFile | undefined;
    let bytes = 0;
    try {
      fh = await this.#open(path, 'w');
      const enc = new SpillEncoder(value, this.#limits);
      for (const part of enc.parts()) {
        await this.#writeAll(fh, part, bytes);
        bytes += part.byteLength;
      }
      await this.#writeAll(fh, enc.header(), 0);
      const f = fh;
      fh = undefined;
      await f.close();
    } catch (err) {
      await fh?.close().catch(() => undefined);
      await rm(path, { force: true }).catch(() => undefined);
      throw this.#failure(err, 'write', path);
    }
    this.#files.set(id, { path, bytes });
    return bytes;
  }

  async #writeAll(fh: SpillFile, part: Uint8Array, position: number): Promise<void> {
    for (let off = 0; off < part.byteLength;) {
      const n = Math.min(part.byteLength - off, this.#ioLimit);
      const { bytesWritten } = await fh.write(part, off, n, position + off);
      if (!(bytesWritten > 0)) throw Object.assign(new Error('the write made no progress'), { code: 'EIO' });
      off += bytesWritten;
    }
  }

  async #readAll(fh: SpillFile, dst: Uint8Array, position: number): Promise<void> {
    for (let off = 0; off < dst.byteLength;) {
      const n = Math.min(dst.byteLength - off, this.#ioLimit);
      const { bytesRead } = await fh.read(dst, off, n, position + off);
      if (!(bytesRead > 0)) throw new Error('the file ends early (truncated)');
      off += bytesRead;
    }
  }

  /** Reads `bytes` bytes at `position` as parts of at most the I/O limit. */
  async #readParts(fh: SpillFile, position: number, bytes: number): Promise<Uint8Array[]> {
    const parts: Uint8Array[] = [];
    for (let at = 0; at < bytes; at += this.#ioLimit) {
      const part = Buffer.allocUnsafe(Math.min(this.#ioLimit, bytes - at));
      await this.#readAll(fh, part, position + at);
      parts.push(part);
    }
    return parts;
  }

  /** Reads a value back (the file stays until `delete`). */
  read(id: number): Promise<unknown> {
    const f = this.#files.get(id); // as asked: a delete asked after this read goes after it
    return this.#inOrder(id, () => this.#read(id, f));
  }

  async #read(id: number, f: { path: string; bytes: number } | undefined): Promise<unknown> {
    if (this.#closed) throw this.#closedError('read', id);
    if (f === undefined) throw new Error(`internal: spilled result ${id} is not on disk`);
    let fh: SpillFile | undefined;
    try {
      fh = await this.#open(f.path, 'r');
      const head = Buffer.alloc(HEADER_BYTES);
      await this.#readAll(fh, head, 0);
      const layout = readHeader(head);
      const skeleton = await this.#readParts(fh, HEADER_BYTES, layout.skeletonBytes);
      const tableAt = HEADER_BYTES + layout.skeletonBytes;
      const table = await this.#readParts(fh, tableAt, layout.tableBytes);
      const { value, fills } = decodeSkeleton(skeleton, table, layout);
      let at = tableAt + layout.tableBytes;
      for (const fill of fills) {
        for (let off = 0; off < fill.bytes; off += this.#ioLimit) {
          const n = Math.min(this.#ioLimit, fill.bytes - off);
          await this.#readAll(fh, new Uint8Array(fill.buffer, off, n), at + off);
        }
        at += fill.bytes;
      }
      return value;
    } catch (err) {
      throw this.#failure(err, 'read', f.path);
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }

  /** Runs `op` on file `id` once the operations asked before it on that file have ended (a delete or a new write never goes under a read). */
  #inOrder<T>(id: number, op: () => Promise<T>): Promise<T> {
    const p = (this.#byId.get(id) ?? Promise.resolve()).then(op);
    const ended = p.then(
      () => undefined,
      () => undefined,
    );
    this.#byId.set(id, ended);
    void ended.then(() => {
      if (this.#byId.get(id) === ended) this.#byId.delete(id);
    });
    return this.#track(p);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#io.add(p);
    const done = (): void => void this.#io.delete(p);
    p.then(done, done);
    return p;
  }

  #closedError(op: 'write' | 'read', id: number): SpillError {
    return new SpillError(
      'TSDASK_SPILL_CLOSED',
      `Cannot ${op} spill file ${id}.bin: the spill store in '${this.dir}' was closed (its owner is shutting down or its compute ended).`,
      { dir: this.dir },
    );
  }

  #failure(err: unknown, op: 'write' | 'read', path: string): SpillError {
    if (err instanceof SpillError) {
      return err.dir === '' ? new SpillError(err.code as 'TSDASK_SPILL_UNENCODABLE', err.message, { dir: this.dir, path: err.path, cause: err.cause }) : err;
    }
    const errno = errnoOf(err);
    const why = (errno && WHY[errno]) ?? (err as Error)?.message ?? String(err);
    if (op === 'write') {
      return new SpillError(
        'TSDASK_SPILL_FAILED',
        `Cannot write spill file '${path}' in spill folder '${this.dir}': ${errno ?? 'error'} (${why}). ${this.#advice}`,
        {
          dir: this.dir,
          errno,
          cause: err,
        },
      );
    }
    return new SpillError(
      'TSDASK_SPILL_LOST',
      `Cannot read back the spilled result in '${path}' (spill folder '${this.dir}'): ${errno ?? 'error'} (${why}). ` +
        'The result was only on disk, so the compute cannot go on: keep other programs from removing or changing the spill folder while a compute runs.',
      { dir: this.dir, errno, cause: err },
    );
  }

  /** Removes one spilled file (one that cannot be removed goes with the folder). */
  async delete(id: number): Promise<void> {
    const f = this.#files.get(id);
    if (f === undefined || this.#closed) return; // after close, the folder goes with it
    this.#files.delete(id);
    await this.#inOrder(id, () => rm(f.path, { force: true }).catch(() => undefined));
  }

  /** Waits for the reads, writes and deletes in flight, then removes the folder and everything in it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    unregisterOpen(this);
    while (this.#io.size > 0) await Promise.allSettled([...this.#io]);
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * Removes the folder at once (at exit, on a signal). A write in flight on libuv's threads
   * may create its file after the others went, so the removal is retried a few times.
   */
  closeSync(): void {
    if (this.#closed) return;
    this.#closed = true;
    unregisterOpen(this);
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  }
}
