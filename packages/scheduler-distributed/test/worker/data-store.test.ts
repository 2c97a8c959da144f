// The worker's data store on its own: spilling least recently used values past a target, reading
// them back byte for byte (typed arrays, Arrow IPC and a dataframe partition's columns, plain
// objects), the files of freed values removed, writes called off by a use, a failing write
// (injected) and an unencodable value left in memory and told once, and the folder removed on
// close. Expected values are the originals, compared element by element.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SpillError } from '@tsdask/runtime';
import type { SpillFile } from '@tsdask/runtime/spill';
import { DataStore, type DataStoreOptions } from '../../src/worker/data-store.js';

const parent = mkdtempSync(join(tmpdir(), 'tsdask-worker-store-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const stores: DataStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function makeStore(options: Omit<DataStoreOptions, 'spill'> & { spill?: DataStoreOptions['spill'] } = {}): DataStore {
  const s = new DataStore({ ...options, spill: { parent, ...options.spill } });
  stores.push(s);
  return s;
}

/** Waits until no disk I/O is going. */
async function settle(s: DataStore): Promise<void> {
  await s.idle();
  expect(s.writingBytes).toBe(0);
}

const files = (s: DataStore): string[] => (s.spillDir === undefined || !existsSync(s.spillDir) ? [] : readdirSync(s.spillDir).sort());

const floats = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => seed + i * 0.25);

describe('DataStore', () => {
  it('spills least recently used values first, and a use makes a value recent', async () => {
    const s = makeStore();
    for (const k of ['a', 'b', 'c', 'd']) s.put(k, floats(1000, k.charCodeAt(0)), 8000);
    expect(s.bytes).toBe(32_000);
    s.get('a'); // a is now the most recent: b and c go first
    expect(s.spill(16_000)).toBe(16_000);
    await settle(s);
    expect(['a', 'b', 'c', 'd'].map((k) => s.inMemory(k))).toEqual([true, false, false, true]);
    expect(s.bytes).toBe(16_000);
    expect(s.spilledBytes).toBeGreaterThan(16_000); // the files hold the data and a small header each
    expect(s.spillCount).toBe(2);
    expect(files(s)).toHaveLength(2);
    expect(s.get('b')).toBeUndefined(); // the hot path sees memory only
    expect(s.has('b')).toBe(true);
  });

  it('reads spilled values back byte for byte: typed arrays, Arrow IPC, partition columns, plain objects', async () => {
    const s = makeStore();
    const table = tableFromArrays({ id: Int32Array.from([1, 2, 3]), x: Float64Array.from([0.5, -1, 2.25]) });
    const ipc = tableToIPC(table, 'stream');
    const shared = new Float64Array(new SharedArrayBuffer(8 * 100));
    for (let i = 0; i < shared.length; i++) shared[i] = i / 3;
    const values: Record<string, unknown> = {
      f64: floats(5000, 7),
      ints: BigInt64Array.from([1n, -2n, 2n ** 62n]),
      ipc,
      partition: { columns: { id: Int32Array.from([4, 5, 6]), name: ['x', 'y', 'z'] }, length: 3, shared },
      plain: { a: 1, nested: { list: [1, 'two', null, undefined, true], when: new Date(86_400_000) }, map: new Map([['k', 2]]), neg0: -0 },
    };
    for (const [k, v] of Object.entries(values)) s.put(k, v, 100);
    s.spill(Infinity);
    await settle(s);
    for (const k of Object.keys(values)) expect(s.inMemory(k)).toBe(false);
    const back = new Map<string, unknown>();
    for (const k of Object.keys(values)) back.set(k, (await s.load(k))!.value);

    expect(Array.from(back.get('f64') as Float64Array)).toEqual(Array.from(values['f64'] as Float64Array));
    expect(back.get('ints')).toEqual(values['ints']);
    expect(Buffer.from(back.get('ipc') as Uint8Array).equals(Buffer.from(ipc))).toBe(true);
    const t = tableFromIPC(back.get('ipc') as Uint8Array);
    expect(Array.from(t.getChild('x')!.toArray() as Float64Array)).toEqual([0.5, -1, 2.25]);
    const part = back.get('partition') as { columns: { id: Int32Array; name: string[] }; length: number; shared: Float64Array };
    expect(part.columns.id).toBeInstanceOf(Int32Array);
    expect(Array.from(part.columns.id)).toEqual([4, 5, 6]);
    expect(part.columns.name).toEqual(['x', 'y', 'z']);
    expect(part.shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(part.shared)).toEqual(Array.from(shared));
    expect(back.get('plain')).toEqual(values['plain']);
    expect(Object.is((back.get('plain') as { neg0: number }).neg0, -0)).toBe(true);

    // Read back, each value is in memory again and its file is gone.
    for (const k of Object.keys(values)) expect(s.inMemory(k)).toBe(true);
    expect(s.bytes).toBe(500);
    expect(s.spilledBytes).toBe(0);
    await settle(s);
    expect(files(s)).toEqual([]);
  });

  it('a value read back keeps its value for the reader when the store spills it again before the reader uses it (readBack, then a task runs)', async () => {
    const s = makeStore();
    const original = floats(1000, 7);
    s.put('x', original, 8000);
    s.spill(1);
    await settle(s);
    const { values, errors } = await s.readBack(['x']);
    expect(errors.size).toBe(0);
    // Before the task that asked for it runs, memory pressure spills x again.
    s.spill(1);
    await settle(s);
    expect(s.inMemory('x')).toBe(false);
    const got = values.get('x')!.value as Float64Array;
    expect(got).toBeInstanceOf(Float64Array);
    expect(Array.from(got)).toEqual(Array.from(original));
    const direct = await s.load('x');
    s.spill(1);
    await settle(s);
    expect(Array.from(direct!.value as Float64Array)).toEqual(Array.from(original));
  });

  it('two loads of one spilled key share one read', async () => {
    let reads = 0;
    const openFile = async (path: string, flags: 'w' | 'r'): Promise<SpillFile> => {
      if (flags === 'r') reads++;
      return open(path, flags);
    };
    const s = makeStore({ spill: { openFile } });
    s.put('x', floats(100, 1), 800);
    s.spill(1);
    await settle(s);
    const [a, b] = await Promise.all([s.load('x'), s.load('x')]);
    expect(a!.value).toBe(b!.value);
    expect(reads).toBe(1);
  });

  it('a value freed on disk, or replaced, has its file removed; a value freed while written leaves no file', async () => {
    const s = makeStore();
    s.put('a', floats(100, 1), 800);
    s.put('b', floats(100, 2), 800);
    s.spill(Infinity);
    await settle(s);
    expect(files(s)).toHaveLength(2);
    expect(s.delete('a')).toBe(true);
    s.put('b', 'small now', 9);
    expect(s.spilledBytes).toBe(0);
    expect(s.has('a')).toBe(false);
    expect(s.get('b')!.value).toBe('small now');
    s.delete('b');
    s.put('c', floats(100, 3), 800);
    s.spill(Infinity); // c's write starts ...
    expect(s.writingBytes).toBe(800);
    expect(s.delete('c')).toBe(true); // ... and c is freed before it ends
    expect(s.bytes).toBe(0);
    await settle(s); // the called-off write removes its own file when it ends
    expect(files(s)).toEqual([]);
    expect(s.spilledBytes).toBe(0);
  });

  it('a value used while its write goes stays in memory (the write is called off)', async () => {
    const s = makeStore();
    const v = floats(100, 5);
    s.put('v', v, 800);
    s.spill(Infinity);
    expect(s.writingBytes).toBe(800);
    expect(s.get('v')!.value).toBe(v);
    expect(s.writingBytes).toBe(0);
    await settle(s);
    expect(s.inMemory('v')).toBe(true);
    expect(files(s)).toEqual([]);
    expect(s.spilledBytes).toBe(0);
    expect(s.bytes).toBe(800);
  });

  it('a failing write (injected ENOSPC) keeps the value in memory, is told once, and is not tried again', async () => {
    const told: SpillError[] = [];
    let writes = 0;
    const openFile = async (path: string, flags: 'w' | 'r'): Promise<SpillFile> => {
      const fh = await open(path, flags);
      if (flags === 'r') return fh;
      writes++;
      return {
        write: () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })),
        read: (b, o, n, p) => fh.read(b, o, n, p),
        close: () => fh.close(),
      };
    };
    const s = makeStore({ spill: { openFile }, onSpillError: (e) => told.push(e) });
    s.put('a', floats(100, 1), 800);
    s.put('b', floats(100, 2), 800);
    s.spill(Infinity);
    await settle(s);
    expect(told).toHaveLength(1);
    expect(told[0]).toBeInstanceOf(SpillError);
    expect(told[0]!.code).toBe('TSDASK_SPILL_FAILED');
    expect(told[0]!.errno).toBe('ENOSPC');
    expect(s.inMemory('a') && s.inMemory('b')).toBe(true);
    expect(Array.from((s.get('a')!.value as Float64Array).subarray(0, 2))).toEqual([1, 1.25]);
    expect(files(s)).toEqual([]);
    expect(s.spillableBytes).toBe(0);
    expect(s.spill(Infinity)).toBe(0);
    expect(writes).toBe(2);
  });

  it('an unencodable value stays in memory and is told once (TSDASK_SPILL_UNENCODABLE); the others spill', async () => {
    const told: SpillError[] = [];
    const s = makeStore({ onSpillError: (e) => told.push(e) });
    s.put('f1', { fn: () => 1 }, 100);
    s.put('f2', { fn: () => 2 }, 100);
    s.put('ok', floats(10, 0), 80);
    s.spill(Infinity);
    await settle(s);
    expect(told.map((e) => e.code)).toEqual(['TSDASK_SPILL_UNENCODABLE']);
    expect(s.inMemory('f1') && s.inMemory('f2')).toBe(true);
    expect(s.inMemory('ok')).toBe(false);
  });

  it('a spill folder that cannot be made stops spilling for good, told once', () => {
    const told: SpillError[] = [];
    const s = makeStore({ spill: { parent: join(parent, 'no', 'such', 'folder') }, onSpillError: (e) => told.push(e) });
    s.put('a', floats(10, 0), 80);
    expect(s.spill(Infinity)).toBe(0);
    expect(s.spill(Infinity)).toBe(0);
    expect(told).toHaveLength(1);
    expect(told[0]!.errno).toBe('ENOENT');
    expect(s.inMemory('a')).toBe(true);
  });

  it('a file removed behind its back is a TSDASK_SPILL_LOST on load, and the key is gone', async () => {
    const s = makeStore();
    s.put('a', floats(10, 0), 80);
    s.spill(Infinity);
    await settle(s);
    for (const f of files(s)) rmSync(join(s.spillDir!, f));
    const err = await s.load('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpillError);
    expect((err as SpillError).code).toBe('TSDASK_SPILL_LOST');
    expect(s.has('a')).toBe(false);
  });

  it('readBack reads only the keys on disk, and reports one whose file is gone as an error', async () => {
    const s = makeStore();
    s.put('disk', floats(10, 1), 80);
    s.put('lost', floats(10, 2), 80);
    s.spill(Infinity);
    await settle(s);
    s.put('mem', floats(10, 3), 80);
    expect(s.anyOnDisk(['mem', 'nope'])).toBe(false);
    expect(s.anyOnDisk(['mem', 'disk'])).toBe(true);
    const lostFile = files(s)[1]!; // written second
    rmSync(join(s.spillDir!, lostFile));
    const { values, errors } = await s.readBack(['mem', 'disk', 'lost', 'nope']);
    expect([...values.keys()]).toEqual(['disk']);
    expect(Array.from(values.get('disk')!.value as Float64Array)).toEqual(Array.from(floats(10, 1)));
    expect([...errors.keys()]).toEqual(['lost']);
    expect((errors.get('lost') as SpillError).code).toBe('TSDASK_SPILL_LOST');
  });

  it('close waits for writes going and removes the spill folder', async () => {
    const s = makeStore();
    for (let i = 0; i < 5; i++) s.put(`k${i}`, floats(10_000, i), 80_000);
    s.spill(Infinity);
    const dir = s.spillDir!;
    expect(existsSync(dir)).toBe(true);
    await s.close();
    expect(existsSync(dir)).toBe(false);
    expect(s.size).toBe(0);
  });
  it('a load that starts while close waits for a read is answered as not held (no SpillError ENOENT), and close waits for it', async () => {
    // Each read is held before its open until its gate opens, as a busy thread pool would hold it.
    const gates: (() => void)[] = [];
    const openFile = async (path: string, flags: 'w' | 'r'): Promise<SpillFile> => {
      if (flags === 'r') await new Promise<void>((r) => gates.push(r));
      return open(path, flags);
    };
    const s = makeStore({ spill: { openFile } });
    s.put('a', floats(1000, 1), 8000);
    s.put('b', floats(1000, 2), 8000);
    s.spill(Infinity);
    await settle(s);
    expect(s.inMemory('a') || s.inMemory('b')).toBe(false);
    const dir = s.spillDir!;
    const a = s.load('a'); // in flight when close begins
    await new Promise((r) => setTimeout(r, 10));
    expect(gates).toHaveLength(1);
    const closing = s.close();
    const b = s.load('b').then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e: String(e) }),
    );
    await new Promise((r) => setTimeout(r, 10));
    gates[0]!();
    const got = await a;
    expect(Array.from(got!.value as Float64Array)).toEqual(Array.from(floats(1000, 1)));
    await closing;
    expect(existsSync(dir)).toBe(false);
    for (const g of gates.slice(1)) g(); // a read of b, if one was started, goes on only now
    expect(await b).toEqual({ ok: true, v: undefined }); // dropped by the close, not lost to a removed folder
    expect(await s.load('a')).toBeUndefined();
  });
});
