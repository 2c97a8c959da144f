/**
 * Faults of spilling, end to end: results that hold cycles, views over one buffer, deep
 * nesting or things the codec cannot write; spill folders that are missing, read-only or full
 * (the result stays in memory and one warning names the folder and errno); and signals (a
 * program's own SIGINT handler lets its compute finish; folders a SIGKILL left are removed by
 * the next run). References are plain loops over the same numbers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, compute, delayed, type SchedulerEvent } from '@tsdask/core-graph';
import type { SpillError } from '@tsdask/scheduler-local';
import '@tsdask/scheduler-local';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-spill-faults-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', [m]);
    } catch {
      // Still busy: leave the tiny tmpfs mounted rather than fail the file.
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Mounts a tmpfs at a new folder (root only); undefined where that is not possible. */
function tmpfs(options: string): string | undefined {
  const at = mkdtempSync(join(dir, 'mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounts.push(at);
  return at;
}
const canMount = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return tmpfs('size=64k') !== undefined;
})();

const N = 125_000; // 1 MB of float64 per part; 12 parts against a 4 MB limit
const PARTS = 12;

/** Runs a compute and collects its spill events and the process warnings it raised. */
async function run(outs: unknown[], opts: Record<string, unknown>) {
  const warnings: Error[] = [];
  const events: { name: string; payload: Record<string, unknown> }[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const got = (await compute(...(outs as never[]), {
      memoryLimit: '4MB',
      callbacks: [{ event: (e: SchedulerEvent) => events.push({ name: e.type, payload: e as unknown as Record<string, unknown> }) }],
      ...opts,
    })) as unknown[];
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    return { got, warnings: warnings.filter((w) => w.name === 'SpillError') as SpillError[], events };
  } finally {
    process.off('warning', onWarning);
  }
}

const count = (events: { name: string }[], name: string) => events.filter((e) => e.name === name).length;

describe.each(['sync', 'threads'])('values that spill and come back on %s', (scheduler) => {
  it('a result holding a cycle', async () => {
    const make = delayed(
      (i: number, n: number) => {
        const o: { i: number; data: Float64Array; self?: unknown; kids: unknown[] } = { i, data: Float64Array.from({ length: n }, (_, j) => i * j), kids: [] };
        o.self = o;
        o.kids.push({ parent: o }, o);
        return o;
      },
      { name: 'make' },
    );
    const spillDir = mkdtempSync(join(dir, 'cycle-'));
    const { got, events } = await run(
      Array.from({ length: PARTS }, (_, i) => make(i, N)),
      { scheduler, spillDir },
    );
    expect(count(events, 'spill')).toBeGreaterThan(0);
    got.forEach((x, i) => {
      const o = x as { i: number; data: Float64Array; self: unknown; kids: [{ parent: unknown }, unknown] };
      expect(o.self).toBe(o);
      expect(o.kids[0].parent).toBe(o);
      expect(o.kids[1]).toBe(o);
      expect(o.i).toBe(i);
      expect(o.data[N - 1]).toBe(i * (N - 1));
    });
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('typed-array views over one buffer keep their aliasing', async () => {
    const make = delayed(
      (i: number, n: number) => {
        const buf = new ArrayBuffer(n * 8);
        const f = new Float64Array(buf).fill(i);
        return { f, bytes: new Uint8Array(buf, 8, 8), tail: new Float64Array(buf, (n - 2) * 8, 2) };
      },
      { name: 'make' },
    );
    const spillDir = mkdtempSync(join(dir, 'alias-'));
    const { got, events } = await run(
      Array.from({ length: PARTS }, (_, i) => make(i, N)),
      { scheduler, spillDir },
    );
    expect(count(events, 'spill')).toBeGreaterThan(0);
    got.forEach((x, i) => {
      const o = x as { f: Float64Array; bytes: Uint8Array; tail: Float64Array };
      expect(o.bytes.buffer).toBe(o.f.buffer);
      expect(o.tail.buffer).toBe(o.f.buffer);
      expect([o.bytes.byteOffset, o.tail.byteOffset]).toEqual([8, (N - 2) * 8]);
      expect(o.tail[1]).toBe(i);
      o.tail[1] = -1; // a write through one view is seen through the other
      expect(o.f[N - 1]).toBe(-1);
    });
  });
});

describe('on sync only', () => {
  it('a deeply nested result spills and comes back (no stack overflow)', async () => {
    const make = delayed(
      (i: number, n: number, depth: number) => {
        const root: { i: number; next?: unknown; data: Float64Array } = { i, data: new Float64Array(n).fill(i) };
        let at: { next?: unknown } = root;
        for (let d = 0; d < depth; d++) {
          const next: { d: number; next?: unknown } = { d };
          at.next = [next];
          at = next;
        }
        return root;
      },
      { name: 'deep' },
    );
    const spillDir = mkdtempSync(join(dir, 'deep-'));
    const { got, events } = await run(
      Array.from({ length: PARTS }, (_, i) => make(i, N, 50_000)),
      { scheduler: 'sync', spillDir },
    );
    expect(count(events, 'spill')).toBeGreaterThan(0);
    got.forEach((x, i) => {
      let depth = 0;
      let at = (x as { next?: unknown[] }).next;
      while (at !== undefined) {
        depth++;
        at = (at[0] as { next?: unknown[] }).next;
      }
      expect(depth).toBe(50_000);
      expect((x as { data: Float64Array }).data[0]).toBe(i);
    });
  });

  it('a result the codec cannot write stays in memory as itself, reported once', async () => {
    class Box {
      constructor(
        readonly i: number,
        readonly data: Float64Array,
      ) {}
    }
    const made: Box[] = [];
    const make = delayed(
      (i: number) => {
        const b = new Box(i, new Float64Array(N).fill(i));
        made[i] = b;
        return b;
      },
      { name: 'box' },
    );
    const plain = delayed((i: number) => new Float64Array(N).fill(-i), { name: 'plain' });
    const spillDir = mkdtempSync(join(dir, 'unencodable-'));
    const outs = Array.from({ length: PARTS }, (_, i) => (i % 2 === 0 ? make(i) : plain(i)));
    const { got, warnings, events } = await run(outs, { scheduler: 'sync', spillDir });
    got.forEach((x, i) => {
      if (i % 2 === 0) {
        expect(x).toBe(made[i]); // the very instance: never written, never rebuilt
        expect(x).toBeInstanceOf(Box);
      } else {
        expect((x as Float64Array)[N - 1]).toBe(-i);
      }
    });
    // The plain parts still spill: only the boxes stay.
    expect(count(events, 'spill')).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('TSDASK_SPILL_UNENCODABLE');
    expect(warnings[0]!.message).toMatch(/an instance of Box/);
    expect(warnings[0]!.key).toMatch(/^box-/);
    expect(warnings[0]!.message).toContain(`task '${warnings[0]!.key}'`);
    expect(count(events, 'spill-failed')).toBe(1);
    expect(readdirSync(spillDir)).toEqual([]);
  });
});

describe('a spill folder that cannot be used', () => {
  const make = delayed((i: number, n: number) => Float64Array.from({ length: n }, (_, j) => i + j), { name: 'make' });
  const check = (got: unknown[]) =>
    got.forEach((a, i) => {
      expect((a as Float64Array)[0]).toBe(i);
      expect((a as Float64Array)[N - 1]).toBe(i + N - 1);
    });

  /** The compute succeeds, spills nothing, and warns once naming the folder and errno. */
  async function expectInMemory(spillDir: string, errno: string, named: string, scheduler = 'sync') {
    const { got, warnings, events } = await run(
      Array.from({ length: PARTS }, (_, i) => make(i, N)),
      { scheduler, spillDir },
    );
    check(got);
    expect(count(events, 'spill')).toBe(0);
    expect(warnings).toHaveLength(1);
    const w = warnings[0]!;
    expect(w.code).toBe('TSDASK_SPILL_FAILED');
    expect(w.errno).toBe(errno);
    expect(w.message).toContain(named);
    expect(w.message).toContain(errno);
    const failed = events.filter((e) => e.name === 'spill-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.payload['errno']).toBe(errno);
  }

  // A folder that is missing, or a path under a file, is refused at the call (compute's option
  // check) with a ConfigError naming it, before anything runs; one that fails during the compute
  // (read-only, full, no permission) keeps results in memory, as below.
  it.each(['sync', 'threads'])('missing: a ConfigError at the call naming the folder, on %s', async (scheduler) => {
    const missing = join(dir, 'no-such-folder');
    const err = await compute(make(0, N), { scheduler, spillDir: missing, memoryLimit: '4MB' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(missing);
  });

  it('a path under a file: a ConfigError at the call naming it', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const err = await compute(make(0, N), { scheduler: 'sync', spillDir: join(file, 'spill'), memoryLimit: '4MB' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(join(file, 'spill'));
  });

  // Root ignores mode bits, so this one runs for other users only (root gets the tmpfs above).
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('without write permission (EACCES: a chmod 555 folder)', async () => {
    const locked = mkdtempSync(join(dir, 'locked-'));
    chmodSync(locked, 0o555);
    try {
      await expectInMemory(locked, 'EACCES', locked);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it.skipIf(!canMount)('read-only (EROFS: a read-only tmpfs)', async () => {
    const ro = tmpfs('ro,size=1m') as string;
    await expectInMemory(ro, 'EROFS', ro);
  });

  it.skipIf(!canMount)('full (ENOSPC: a tmpfs of 256 KiB); no file is left', async () => {
    const full = tmpfs('size=256k') as string;
    const { got, warnings } = await run(
      Array.from({ length: PARTS }, (_, i) => make(i, N)),
      { scheduler: 'sync', spillDir: full },
    );
    check(got);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.errno).toBe('ENOSPC');
    expect(warnings[0]!.message).toContain(full);
    expect(readdirSync(full)).toEqual([]);
  });
});

describe('signals', () => {
  const child = fileURLToPath(new URL('./spill-child.mjs', import.meta.url));
  const expectedSum = (() => {
    let s = 0;
    for (let i = 0; i < 16; i++) s += i + (i + N - 1);
    return s;
  })();

  /** Starts the child; `onSpilled` runs at its first spill. */
  function start(mode: string, spillDir: string, onSpilled: (pid: number) => void) {
    const p = spawn(process.execPath, [child, mode, spillDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      const before = out;
      out += d.toString();
      if (!before.includes('spilled') && out.includes('spilled')) onSpilled(p.pid as number);
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise<{ out: string; err: string; code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      p.on('exit', (code, signal) => resolve({ out, err, code, signal })),
    );
  }

  it("a program's own SIGINT handler lets its compute finish with the right answer", async () => {
    const spillDir = mkdtempSync(join(dir, 'sigint-handler-'));
    const r = await start('handler', spillDir, (pid) => process.kill(pid, 'SIGINT'));
    expect(r.out).toContain('sigint');
    expect(r.out).toContain(`ok ${expectedSum}`);
    expect(r.code).toBe(0);
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('without a handler, SIGINT still ends the program and its spill folder goes', async () => {
    const spillDir = mkdtempSync(join(dir, 'sigint-plain-'));
    const r = await start('plain', spillDir, (pid) => process.kill(pid, 'SIGINT'));
    expect(r.signal).toBe('SIGINT');
    expect(r.out).not.toContain('ok ');
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('a folder left by a SIGKILL is removed by the next compute that spills there', async () => {
    const spillDir = mkdtempSync(join(dir, 'sigkill-'));
    let killed = 0;
    const r = await start('plain', spillDir, (pid) => {
      killed = pid;
      process.kill(pid, 'SIGKILL');
    });
    expect(r.signal).toBe('SIGKILL');
    expect(readdirSync(spillDir)).toEqual([expect.stringMatching(new RegExp(`^tsdask-spill-${killed}-`))]);
    // A folder of a live process (this one's parent) beside it is left alone.
    const live = `tsdask-spill-${process.ppid}-abcdef`;
    mkdirSync(join(spillDir, live));
    const make = delayed((i: number, n: number) => new Float64Array(n).fill(i), { name: 'make' });
    const { got, events } = await run(
      Array.from({ length: PARTS }, (_, i) => make(i, N)),
      { scheduler: 'sync', spillDir },
    );
    expect(count(events, 'spill')).toBeGreaterThan(0);
    got.forEach((a, i) => expect((a as Float64Array)[0]).toBe(i));
    expect(readdirSync(spillDir)).toEqual([live]);
  });
});
