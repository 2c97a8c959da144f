/**
 * The shuffle buffers' byte bound: takers that fit go at once, the others wait in order until
 * releases make room; one item over the whole limit goes alone; the owner is told when someone
 * waits; closing fails the waiting. Figures worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../src/shuffle/byte-budget.js';

/** Whether `p` has settled after the pending microtasks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('ByteBudget', () => {
  it('lets takers through in order while they fit, and wakes the waiting as bytes come back', async () => {
    let waits = 0;
    const b = new ByteBudget(100, () => waits++);
    await b.acquire(60);
    const second = b.acquire(50); // 110 > 100: waits
    const third = b.acquire(10); // would fit, but waits behind the second (order kept)
    expect(await settled(second)).toBe(false);
    expect(await settled(third)).toBe(false);
    expect([b.used, b.waiting, waits]).toEqual([60, 2, 2]);
    b.release(60);
    expect(await settled(second)).toBe(true);
    expect(await settled(third)).toBe(true);
    expect([b.used, b.peak]).toEqual([60, 60]);
    b.release(60);
    expect(b.used).toBe(0);
  });

  it('takes one item over the whole limit alone, then makes the others wait for it', async () => {
    const b = new ByteBudget(100);
    await b.acquire(250);
    const next = b.acquire(1);
    expect(await settled(next)).toBe(false);
    b.release(250);
    expect(await settled(next)).toBe(true);
    expect(b.peak).toBe(250);
  });

  it('fails the waiting and later takers once closed', async () => {
    const b = new ByteBudget(10);
    await b.acquire(10);
    const waiting = b.acquire(5);
    b.close(new Error('closing'));
    await expect(waiting).rejects.toThrow('closing');
    await expect(b.acquire(1)).rejects.toThrow('closing');
  });
});
