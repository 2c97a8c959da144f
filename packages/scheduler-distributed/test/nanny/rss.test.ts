// readRss reads VmRSS from /proc: it matches process.memoryUsage().rss, it grows by the
// ArrayBuffer memory a process fills, and it is undefined for a process that does not exist.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRss } from '../../src/nanny/rss.js';

const linux = existsSync('/proc/self/status');
if (!linux) console.log('rss.test: skipped, no /proc on this system');

describe.skipIf(!linux)('readRss', () => {
  it("reads this process's resident memory, ArrayBuffers included", async () => {
    const before = (await readRss(process.pid))!;
    const ref = process.memoryUsage().rss;
    expect(Math.abs(before - ref)).toBeLessThan(0.2 * ref);
    const held = new Uint8Array(100 * 2 ** 20).fill(7); // 100 MiB touched, outside the JS heap
    const after = (await readRss(process.pid))!;
    expect(after - before).toBeGreaterThan(90 * 2 ** 20);
    expect(held[held.length - 1]).toBe(7);
  });

  it('is undefined for a process that does not exist', async () => {
    expect(await readRss(2 ** 30)).toBeUndefined();
  });
});
