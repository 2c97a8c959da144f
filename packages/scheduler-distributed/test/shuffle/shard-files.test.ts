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
