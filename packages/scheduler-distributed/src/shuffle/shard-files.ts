/**
 * The receive side of one run of a P2P shuffle on one worker: buckets arrive (from peers and
 * from this worker's own transfers), wait in a memory buffer of at most `limitBytes`, and are
 * appended to one file per output partition in the run's folder. `add` resolves once the
 * buckets are buffered, waiting for the buffer to be written out first when it is full: the
 * sender's ack waits for it, so a fast sender cannot run the receiver out of memory.
 * `read(j)` writes what is buffered and reads partition j's file back; `drop(j)` removes it once
 * its unpack's result is kept (an unpack run again after a restart reads it again). A bucket that
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
  /** Per output partition with buckets taken and not dropped: how many. */
  readonly #counts = new Map<number, number>();
  /** The write in progress (writes run one at a time, in order). */
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    parent: string,
    readonly shuffle: string,
    readonly run: number,
    readonly limitBytes: number,
  ) {
    this.dir = join(parent, `${shuffle}-run${run}`);
    mkdirSync(this.dir, { recursive: true });
  }

  /** Bytes buffered in memory now. */
  get buffered(): number {
    return this.#bytes;
  }

  /**
   * Buffers `shards`; resolves, with how many were new (not duplicates), once they are buffered and
   * the buffer is under its limit again (written out if it was over).
   */
  async add(shards: readonly Shard[]): Promise<number> {
    if (this.#closed) throw this.#error(`buckets arrived after the shuffle's files were removed`);
    let added = 0;
    for (const s of shards) {
      const id = s.part * 2 ** 32 + s.input;
      if (this.#taken.has(id)) continue;
      this.#taken.add(id);
      this.#counts.set(s.part, (this.#counts.get(s.part) ?? 0) + 1);
      added++;
      const rec = new Uint8Array(HEADER + pad8(s.bytes.byteLength));
      const view = new DataView(rec.buffer);
      view.setUint32(0, s.input, true);
      view.setUint32(4, s.bytes.byteLength, true);
      rec.set(s.bytes, HEADER);
      const list = this.#pending.get(s.part);
      if (list === undefined) this.#pending.set(s.part, [rec]);
      else list.push(rec);
      this.#bytes += rec.byteLength;
    }
    if (this.#bytes > this.limitBytes) await this.flush();
    return added;
  }

  /** Writes every buffered record to its partition's file. */
  flush(): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    const bytes = this.#bytes;
    this.#bytes = 0;
    const write = async (): Promise<void> => {
      for (const [part, recs] of pending) {
        const file = this.#file(part);
        try {
          await appendFile(file, recs.length === 1 ? recs[0]! : Buffer.concat(recs));
        } catch (err) {
          throw this.#error(`cannot append ${bytes} bytes to ${file}: ${(err as Error).message}`, err);
        }
      }
    };
    const next = this.#writing.then(write);
    this.#writing = next.catch(() => {});
    return next;
  }

  /** How many buckets were taken (duplicates not counted). */
  get taken(): number {
    return this.#taken.size;
  }

  /** Output partition `part`'s buckets, in the order they arrived (the file stays until `drop`). */
  async read(part: number): Promise<{ input: number; bytes: Uint8Array }[]> {
    await this.flush();
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
    return this.#counts.size;
  }

  /**
   * Removes output partition `part`'s file (its unpack's result is kept) and forgets its buckets:
   * a newer run that gives the partition back here sends them again (the caller drops older ones).
   */
  async drop(part: number): Promise<void> {
    const pending = this.#pending.get(part);
    if (pending !== undefined) {
      this.#pending.delete(part);
      for (const r of pending) this.#bytes -= r.byteLength;
    }
    await this.#writing;
    await rm(this.#file(part), { force: true });
    if (this.#counts.delete(part)) for (const id of [...this.#taken]) if (Math.floor(id / 2 ** 32) === part) this.#taken.delete(id);
  }

  /** Drops the buffer and removes the run's folder. */
  close(): void {
    this.#closed = true;
    this.#pending.clear();
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
