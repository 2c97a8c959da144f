/**
 * The spill store: results written to files in a temp folder of their own, read back when a
 * task needs them, and the folder removed when the compute ends: on success, on error, and on
 * process exit or Ctrl-C (a handler removes every store still open).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeValue, encodeValue } from './codec.js';

const open_ = new Set<SpillStore>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const s of open_) s.closeSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const s of open_) s.closeSync();
      process.kill(process.pid, sig);
    });
  }
}

export class SpillStore {
  readonly dir: string;
  readonly #files = new Map<number, { path: string; bytes: number }>();
  #closed = false;

  constructor(parent = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'tsdask-spill-'));
    open_.add(this);
    hookExit();
  }

  has(id: number): boolean {
    return this.#files.has(id);
  }

  /** Writes a value; resolves to the bytes written. */
  async write(id: number, value: unknown): Promise<number> {
    const path = join(this.dir, `${id}.bin`);
    const parts = encodeValue(value);
    const fh = await open(path, 'w');
    let bytes = 0;
    try {
      for (const p of parts) bytes += (await fh.write(p)).bytesWritten;
    } finally {
      await fh.close();
    }
    this.#files.set(id, { path, bytes });
    return bytes;
  }

  /** Reads a value back (the file stays until `delete`). */
  async read(id: number): Promise<unknown> {
    const f = this.#files.get(id);
    if (f === undefined) throw new Error(`internal: spilled result ${id} is not on disk`);
    return decodeValue(await readFile(f.path));
  }

  /** Removes one spilled file. */
  async delete(id: number): Promise<void> {
    const f = this.#files.get(id);
    if (f === undefined) return;
    this.#files.delete(id);
    await rm(f.path, { force: true });
  }

  /** Removes the folder and everything in it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    open_.delete(this);
    await rm(this.dir, { recursive: true, force: true });
  }

  closeSync(): void {
    if (this.#closed) return;
    this.#closed = true;
    open_.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
