/**
 * The receive side of one run of a P2P shuffle on one worker: buckets arrive (from peers and
 * from this worker's own transfers), wait in a memory buffer, and are appended to one file per
 * output partition in the run's folder. Their bytes are held in the worker's receive budget
 * (byte-budget.ts, shared by all its shuffles) from the moment they are buffered until their
 * write to disk has finished: `add` resolves once the buckets are buffered, waiting for room in
 * the budget first, and, when this buffer holds half the budget or others wait for room, for its write. The sender's ack
 * waits for it, so fast senders cannot run the receiver out of memory. A failed write fails
 * every later `add` and `read` with it.
 * `read(j)` writes what is buffered and reads partition j's file back; `drop(j)` removes it once
 * its unpack's result is kept (an unpack run again after a restart reads it again), in turn with
 * the writes, so a newer run's buckets that come meanwhile go to a new file. A bucket that
 * comes again (the same input and output: a transfer that ran twice, or sent again after a
 * restart or a lost ack) is dropped: a split is deterministic, so it is the same bytes. The files
 * outlive runs: a restart moves only a lost worker's partitions, and the survivors' stay.
 *
 * A file is a sequence of records: [u32 input index][u32 byte length][bytes, padded to 8], so
 * every bucket's bytes start 8-byte aligned in the file and in the buffer it is read into (the
 * codec's typed arrays are views, not copies). Every failure is a P2PShuffleError TSDASK_P2P_DISK
 * naming the file.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteBudget } from './byte-budget.js';
import { P2PShuffleError } from './errors.js';

/** One bucket: output partition `part`'s rows from input partition `input`, as codec bytes. */
export interface Shard {
  part: number;
  input: number;
  bytes: Uint8Array;
}

const HEADER = 8;
const pad8 = (n: number): number => (n + 7) & ~7;

/** One run's buffered buckets and files on one worker. */
export class ShardFiles {
  readonly dir: string;
  /** Records waiting to be written, by output partition. */
  #pending = new Map<number, Uint8Array[]>();
  #bytes = 0;
  /** The (output, input) pairs taken, as `output * 2^32 + input`. */
  readonly #taken = new Set<number>();
  /** Per output partition with buckets taken and not dropped: the inputs they came from. */
  readonly #inputs = new Map<number, number[]>();
  /** The write in progress (writes run one at a time, in order). */
  #writing: Promise<void> = Promise.resolve();
  /** The first failed write: every later add and read fails with it. */
  #failed: P2PShuffleError | undefined;
  #closed = false;

  constructor(
    parent: string,
    readonly shuffle: string,
    readonly run: number,
    private readonly budget: ByteBudget,
  ) {
    this.dir = join(parent, `${shuffle}-run${run}`);
    mkdirSync(this.dir, { recursive: true });
  }

  /** Bytes buffered in memory and not yet being written. */
  get buffered(): number {
    return this.#bytes;
  }

  /**
   * Buffers `shards`; resolves, with how many were new (not duplicates), once they are buffered
   * (after waiting for room in the budget) and, when the buffer holds half the budget or others wait, written.
   */
  async add(shards: readonly Shard[]): Promise<number> {
    this.#check();
    const recs: [number, Uint8Array][] = [];
    let bytes = 0;
    for (const s of shards) {
      const id = s.part * 2 ** 32 + s.input;
      if (this.#taken.has(id)) continue;
      this.#taken.add(id);
      const from = this.#inputs.get(s.part);
      if (from === undefined) this.#inputs.set(s.part, [s.input]);
      else from.push(s.input);
      const rec = new Uint8Array(HEADER + pad8(s.bytes.byteLength));
      const view = new DataView(rec.buffer);
      view.setUint32(0, s.input, true);
      view.setUint32(4, s.bytes.byteLength, true);
      rec.set(s.bytes, HEADER);
      recs.push([s.part, rec]);
      bytes += rec.byteLength;
    }
    if (recs.length === 0) return 0;
    await this.budget.acquire(bytes);
    if (this.#closed || this.#failed !== undefined) {
      this.budget.release(bytes);
      this.#check();
    }
    for (const [part, rec] of recs) {
      const list = this.#pending.get(part);
      if (list === undefined) this.#pending.set(part, [rec]);
      else list.push(rec);
    }
    this.#bytes += bytes;
    // Written now when half the budget is here, or when someone waits for room: the budget's
    // onWait flushed what was buffered when they began to wait, not what came in after.
    if (this.#bytes >= this.budget.limit / 2 || this.budget.waiting > 0) await this.flush();
    return recs.length;
  }

  /** Writes every buffered record to its partition's file; their bytes go back to the budget as each file's append ends. */
  flush(): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    const bytes = this.#bytes;
    this.#bytes = 0;
    if (bytes === 0) return this.#writing.then(() => this.#check());
    const write = async (): Promise<void> => {
      let left = bytes;
      try {
        for (const [part, recs] of pending) {
          const file = this.#file(part);
          let n = 0;
          for (const r of recs) n += r.byteLength;
          try {
            if (!this.#closed) await appendFile(file, recs.length === 1 ? recs[0]! : Buffer.concat(recs));
          } catch (err) {
            this.#failed ??= this.#error(`cannot append ${n} bytes to ${file}: ${(err as Error).message}`, err);
            throw this.#failed;
          } finally {
            left -= n;
            this.budget.release(n);
          }
        }
      } finally {
        if (left > 0) this.budget.release(left); // a failed write: the records after it are dropped too
      }
    };
    const next = this.#writing.then(write);
    this.#writing = next.catch(() => {});
    return next;
  }

  /** Throws the first failed write, or that the files were removed. */
  #check(): void {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#closed) throw this.#error(`buckets arrived after the shuffle's files were removed`);
  }

  /** How many buckets were taken (duplicates not counted). */
  get taken(): number {
    return this.#taken.size;
  }

  /** Output partition `part`'s buckets, in the order they arrived (the file stays until `drop`). */
  async read(part: number): Promise<{ input: number; bytes: Uint8Array }[]> {
    await this.flush();
    this.#check();
    const file = this.#file(part);
    let buf: Uint8Array;
    try {
      buf = await readFile(file);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return [];
      throw this.#error(`cannot read ${file}: ${(err as Error).message}`, err);
    }
    if (buf.byteOffset % 8 !== 0) buf = buf.slice(); // own, 8-aligned memory
    const out: { input: number; bytes: Uint8Array }[] = [];
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let at = 0; at < buf.byteLength;) {
      if (at + HEADER > buf.byteLength) throw this.#error(`${file} ends inside a record header at byte ${at}`);
      const input = view.getUint32(at, true);
      const len = view.getUint32(at + 4, true);
      if (at + HEADER + len > buf.byteLength) throw this.#error(`${file} ends inside the record of input ${input} at byte ${at}`);
      out.push({ input, bytes: buf.subarray(at + HEADER, at + HEADER + len) });
      at += HEADER + pad8(len);
    }
    return out;
  }

  /** How many output partitions hold buckets (taken and not dropped). */
  get parts(): number {
    return this.#inputs.size;
  }

  /**
   * Removes output partition `part`'s file (its unpack's result is kept) and forgets its buckets:
   * a newer run that gives the partition back here sends them again (the caller drops older ones).
   * They are forgotten at once and the removal queues behind the writes under way, so buckets
   * that come while it waits are taken anew and written after it, to a new file.
   */
  async drop(part: number): Promise<void> {
    for (const input of this.#inputs.get(part) ?? []) this.#taken.delete(part * 2 ** 32 + input);
    this.#inputs.delete(part);
    const pending = this.#pending.get(part);
    if (pending !== undefined) {
      this.#pending.delete(part);
      let bytes = 0;
      for (const r of pending) bytes += r.byteLength;
      this.#bytes -= bytes;
      this.budget.release(bytes);
    }
    const file = this.#file(part);
    const removed = this.#writing.then(() => rm(file, { force: true }));
    this.#writing = removed.catch(() => {});
    await removed;
  }

  /** Drops the buffer and removes the run's folder. */
  close(): void {
    this.#closed = true;
    this.#pending.clear();
    this.budget.release(this.#bytes);
    this.#bytes = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }

  #file(part: number): string {
    return join(this.dir, `part-${part}.bin`);
  }

  #error(what: string, cause?: unknown): P2PShuffleError {
    return new P2PShuffleError('TSDASK_P2P_DISK', this.shuffle, this.run, what, cause === undefined ? undefined : { cause });
  }
}
