/**
 * The spill store on its own: reads and writes in parts under its I/O limit, failures as
 * SpillErrors that name the folder and errno with no file left behind, and the removal of
 * folders left by dead processes (never those of live ones).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpillError } from '../src/errors.js';
import { SpillStore, type SpillFile } from '../src/spill/spill-store.js';
import { isAlive, removeStale } from '../src/spill/exit-cleanup.js';

const parent = mkdtempSync(join(tmpdir(), 'tsdask-store-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** A value of about 200 KB: a big buffer, views over it, and many small strings. */
function sample() {
  const f = Float64Array.from({ length: 20_000 }, (_, i) => i * 0.5);
  return { f, tail: f.subarray(19_990), words: Array.from({ length: 5000 }, (_, i) => `w${i}`) };
}

describe('SpillStore', () => {
  it('writes and reads in parts no larger than its I/O limit', async () => {
    let largest = 0;
    const openFile = async (path: string, flags: 'w' | 'r'): Promise<SpillFile> => {
      const fh = await open(path, flags);
      return {
        write: (b, o, n, p) => ((largest = Math.max(largest, n)), fh.write(b, o, n, p)),
        read: (b, o, n, p) => ((largest = Math.max(largest, n)), fh.read(b, o, n, p)),
        close: () => fh.close(),
      };
    };
    const store = new SpillStore({ parent, ioLimit: 4096, limits: { chunk: 1024 }, openFile });
    const v = sample();
    const bytes = await store.write(7, v);
    expect(bytes).toBeGreaterThan(160_000);
    const back = (await store.read(7)) as ReturnType<typeof sample>;
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(4096);
    expect(Array.from(back.f)).toEqual(Array.from(v.f));
    expect(back.tail.buffer).toBe(back.f.buffer);
    expect(back.words).toEqual(v.words);
    await store.close();
    expect(existsSync(store.dir)).toBe(false);
  });

  it('a full disk: a SpillError naming the folder and ENOSPC, and no file left', async () => {
    const openFile = async (path: string, flags: 'w' | 'r'): Promise<SpillFile> => {
      const fh = await open(path, flags);
      let written = 0;
      return {
        async write(b, o, n, p) {
          if (written + n > 50_000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
          written += n;
          return fh.write(b, o, n, p);
        },
        read: (b, o, n, p) => fh.read(b, o, n, p),
        close: () => fh.close(),
      };
    };
    const store = new SpillStore({ parent, openFile, limits: { chunk: 4096 }, ioLimit: 8192 });
    const err = (await store.write(1, sample()).catch((e: unknown) => e)) as SpillError;
    expect(err).toBeInstanceOf(SpillError);
    expect(err.code).toBe('TSDASK_SPILL_FAILED');
    expect(err.errno).toBe('ENOSPC');
    expect(err.dir).toBe(store.dir);
    expect(err.message).toContain(store.dir);
    expect(err.message).toContain('ENOSPC');
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(store.has(1)).toBe(false);
    expect(readdirSync(store.dir)).toEqual([]);
    await store.close();
  });

  it('a parent that does not exist, or is a file: a SpillError naming it', () => {
    const file = join(parent, 'a-file');
    writeFileSync(file, 'x');
    for (const [where, errno] of [
      [join(parent, 'missing'), 'ENOENT'],
      [file, 'ENOTDIR'],
    ] as const) {
      let err: unknown;
      try {
        new SpillStore(where);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpillError);
      expect((err as SpillError).errno).toBe(errno);
      expect((err as SpillError).dir).toBe(where);
      expect((err as SpillError).message).toContain(`'${where}'`);
    }
  });

  it('a spilled file removed under it: TSDASK_SPILL_LOST naming the file', async () => {
    const store = new SpillStore(parent);
    await store.write(3, [1, 2, 3]);
    unlinkSync(join(store.dir, '3.bin'));
    const err = (await store.read(3).catch((e: unknown) => e)) as SpillError;
    expect(err).toBeInstanceOf(SpillError);
    expect(err.code).toBe('TSDASK_SPILL_LOST');
    expect(err.errno).toBe('ENOENT');
    expect(err.message).toContain(join(store.dir, '3.bin'));
    await store.close();
  });

  it('close waits for a read in flight: the read gets its value, not ENOENT, and the folder goes after it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let opened = 0;
    // Reads are held before their open, as a busy thread pool would hold them.
    const openFile = async (path: string, flags: 'w' | 'r'): Promise<SpillFile> => {
      if (flags === 'r') {
        opened++;
        await gate;
      }
      return open(path, flags);
    };
    const store = new SpillStore({ parent, openFile });
    const v = sample();
    await store.write(1, v);
    const read = store.read(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(opened).toBe(1);
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false); // the read still holds the folder
    expect(existsSync(store.dir)).toBe(true);
    release();
    const back = (await read) as ReturnType<typeof sample>;
    expect(Array.from(back.f)).toEqual(Array.from(v.f));
    await closing;
    expect(existsSync(store.dir)).toBe(false);
  });

  it('a delete or a new write of a file asked while it is read waits for the read (no ENOENT, no truncated read)', async () => {
    const gates: (() => void)[] = [];
    const openFile = async (path: string, flags: 'w' | 'r'): Promise<SpillFile> => {
      if (flags === 'r') await new Promise<void>((r) => gates.push(r));
      return open(path, flags);
    };
    const store = new SpillStore({ parent, openFile });
    const v = sample();
    await store.write(1, v);
    await store.write(2, v);
    const read1 = store.read(1);
    const read2 = store.read(2);
    await new Promise((r) => setTimeout(r, 10));
    const deleted = store.delete(1);
    const rewritten = store.write(2, [7, 8, 9]);
    expect(store.has(1)).toBe(false); // gone for callers at once
    await new Promise((r) => setTimeout(r, 20));
    for (const g of gates.splice(0)) g();
    const [back1, back2] = (await Promise.all([read1, read2])) as ReturnType<typeof sample>[];
    expect(Array.from(back1!.f)).toEqual(Array.from(v.f));
    expect(back2!.words).toEqual(v.words);
    await deleted;
    await rewritten;
    expect(existsSync(join(store.dir, '1.bin'))).toBe(false);
    const again = store.read(2);
    await new Promise((r) => setTimeout(r, 10));
    for (const g of gates.splice(0)) g();
    expect(await again).toEqual([7, 8, 9]);
    await store.close();
  });

  it('a read or write on a closed store: TSDASK_SPILL_CLOSED, not an errno', async () => {
    const store = new SpillStore(parent);
    await store.write(2, [1, 2]);
    await store.close();
    for (const op of [() => store.read(2), () => store.write(3, [4])]) {
      const err = (await op().catch((e: unknown) => e)) as SpillError;
      expect(err).toBeInstanceOf(SpillError);
      expect(err.code).toBe('TSDASK_SPILL_CLOSED');
      expect(err.errno).toBeUndefined();
      expect(err.message).toContain(store.dir);
    }
  });

  it('names its folder with the pid', async () => {
    const store = new SpillStore(parent);
    expect(store.dir.startsWith(join(parent, `tsdask-spill-${process.pid}-`))).toBe(true);
    await store.close();
  });
});

// Opt-in (TSDASK_TEST_HUGE=1): about 4.5 GB of memory and 2.2 GB of disk. The default run
// checks the same parts-under-a-limit path with a lowered limit (above).
describe.runIf(process.env['TSDASK_TEST_HUGE'] === '1')('a value over 2 GiB', () => {
  it('is written and read back in parts (no ERR_OUT_OF_RANGE, no ERR_FS_FILE_TOO_LARGE)', async () => {
    const n = Math.ceil((2 ** 31 + 2 ** 27) / 8); // 2.125 GiB of float64
    const big = new Float64Array(n);
    const probes = [0, 1, 2 ** 28 - 1, 2 ** 28, n - 2, n - 1];
    for (const i of probes) big[i] = i + 0.5;
    const store = new SpillStore(parent);
    try {
      const bytes = await store.write(9, { big, tail: big.subarray(n - 2) });
      expect(bytes).toBeGreaterThan(2 ** 31);
      const back = (await store.read(9)) as { big: Float64Array; tail: Float64Array };
      expect(back.big.length).toBe(n);
      for (const i of probes) expect(back.big[i]).toBe(i + 0.5);
      expect(back.tail.buffer).toBe(back.big.buffer);
      expect(back.tail[1]).toBe(n - 1 + 0.5);
    } finally {
      await store.close();
    }
  }, 600_000);
});

describe('stale spill folders', () => {
  it('removes the folders of dead processes, never those of live ones', async () => {
    const here = mkdtempSync(join(parent, 'stale-'));
    // A pid that is certainly dead: a child that has exited (and been reaped).
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    const dead = child.pid as number;
    expect(isAlive(dead)).toBe(false);
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const names = {
        dead: `tsdask-spill-${dead}-abc123`,
        live: `tsdask-spill-${live.pid}-abc123`,
        mine: `tsdask-spill-${process.pid}-zzz999`,
        other: 'tsdask-spill-notapid',
        unrelated: `something-${dead}-abc123`,
      };
      for (const n of Object.values(names)) {
        mkdirSync(join(here, n));
        writeFileSync(join(here, n, '1.bin'), 'x');
      }
      expect(removeStale(here)).toEqual([names.dead]);
      expect(readdirSync(here).sort()).toEqual([names.live, names.mine, names.other, names.unrelated].sort());
      // A new store does the same on its own.
      mkdirSync(join(here, names.dead));
      const store = new SpillStore(here);
      expect(existsSync(join(here, names.dead))).toBe(false);
      expect(existsSync(join(here, names.live))).toBe(true);
      await store.close();
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('isAlive: this process and init are alive', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(1)).toBe(true);
  });
});
