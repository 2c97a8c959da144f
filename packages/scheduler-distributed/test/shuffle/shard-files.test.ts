/**
 * The receive side's files under a byte budget shared by two shuffles: many senders at once
 * never hold more than the budget in memory (bytes count until their write ends), a sender
 * waits while it is full, and every bucket comes back from its partition's file as it was sent,
 * checked against a plain list of what was sent. A failed write fails the next add.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ByteBudget } from '../../src/shuffle/byte-budget.js';
import { ShardFiles, type Shard } from '../../src/shuffle/shard-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdask-shard-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Bucket (input i, output j): 1 + (i * 7 + j) % 13 eight-byte records' worth of bytes, each byte (i * 31 + j * 17 + k) & 255. */
const bytesOf = (i: number, j: number): Uint8Array =>
  Uint8Array.from({ length: 8 * (1 + ((i * 7 + j) % 13)) + (j % 3) }, (_, k) => (i * 31 + j * 17 + k) & 255);

describe('ShardFiles', () => {
  it('keeps at most the budget in memory over two shuffles and many senders, and reads every bucket back', async () => {
    const files: ShardFiles[] = [];
    const budget = new ByteBudget(512, () => {
      for (const f of files) void f.flush();
    });
    files.push(new ShardFiles(dir, 'a', 1, budget), new ShardFiles(dir, 'b', 1, budget));
    const inputs = 12;
    const outputs = 5;
    let over = 0;
    const sends: Promise<number>[] = [];
    for (const f of files)
      for (let i = 0; i < inputs; i++) {
        const shards: Shard[] = Array.from({ length: outputs }, (_, j) => ({ part: j, input: i, bytes: bytesOf(i, j) }));
        sends.push(
          f.add(shards).then((n) => {
            if (budget.used > budget.limit) over++;
            return n;
          }),
        );
      }
    expect((await Promise.all(sends)).reduce((a, b) => a + b, 0)).toBe(2 * inputs * outputs);
    // The budget held at most its limit at every moment (each message is under it).
    expect(budget.peak).toBeLessThanOrEqual(512);
    expect(over).toBe(0);
    // The same bucket again is dropped.
    expect(await files[0]!.add([{ part: 0, input: 3, bytes: bytesOf(3, 0) }])).toBe(0);
    for (const f of files)
      for (let j = 0; j < outputs; j++) {
        const got = (await f.read(j)).sort((x, y) => x.input - y.input);
        expect(got.map((s) => s.input)).toEqual(Array.from({ length: inputs }, (_, i) => i));
        for (const s of got) expect(Array.from(s.bytes)).toEqual(Array.from(bytesOf(s.input, j)));
      }
    expect(budget.used).toBe(0);
    for (const f of files) f.close();
  });

  it("takes a partition's buckets that come while its drop waits for a write (a newer run's), and keeps them past the drop", async () => {
    const f = new ShardFiles(dir, 'd', 1, new ByteBudget(1 << 20));
    await f.add([0, 1].map((i) => ({ part: 0, input: i, bytes: bytesOf(i, 0) })));
    expect((await f.read(0)).map((s) => s.input)).toEqual([0, 1]); // on disk
    // Output 1's buckets are being written when output 0's unpack is kept and its file dropped;
    // meanwhile a newer run gives output 0 back here and input 0's bucket comes again.
    await f.add([{ part: 1, input: 0, bytes: bytesOf(0, 1) }]);
    const writing = f.flush();
    const dropping = f.drop(0);
    const again = f.add([{ part: 0, input: 0, bytes: bytesOf(0, 0) }]);
    const flushed = f.flush();
    await Promise.all([writing, dropping, flushed]);
    expect(await again).toBe(1); // taken, not a duplicate of the dropped one
    expect(f.parts).toBe(2);
    const got = await f.read(0);
    expect(got.map((s) => s.input)).toEqual([0]);
    expect(Array.from(got[0]!.bytes)).toEqual(Array.from(bytesOf(0, 0)));
    expect((await f.read(1)).map((s) => s.input)).toEqual([0]);
    f.close();
  });

  it('fails the next add with TSDASK_P2P_DISK after a write failed, and gives its bytes back', async () => {
    const budget = new ByteBudget(64);
    const f = new ShardFiles(dir, 'c', 1, budget);
    rmSync(f.dir, { recursive: true, force: true }); // the folder is gone: appends fail
    await expect(f.add([{ part: 0, input: 0, bytes: new Uint8Array(40) }])).rejects.toMatchObject({ code: 'TSDASK_P2P_DISK' });
    expect(budget.used).toBe(0);
    await expect(f.add([{ part: 1, input: 0, bytes: new Uint8Array(8) }])).rejects.toMatchObject({ code: 'TSDASK_P2P_DISK' });
    f.close();
  });
});
