import { describe, expect, it } from 'vitest';
import { delayed, type Delayed } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';

describe('a graph of 1,000,000 leaves (about 2M tasks)', () => {
  it("computes on 'threads' without running out of memory", async () => {
    const n = 1_000_000;
    const inc = delayed((x: number) => x + 1, { name: 'inc' });
    const add = delayed((a: number, b: number) => a + b, { name: 'add' });
    let level: Delayed<number>[] = [];
    for (let i = 0; i < n; i++) level.push(inc(i));
    while (level.length > 1) {
      const next: Delayed<number>[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? add(level[i]!, level[i + 1]!) : level[i]!);
      level = next;
    }
    // Sum of (i + 1) for i < n, worked out by hand: n(n+1)/2.
    expect(await level[0]!.compute({ scheduler: 'threads' })).toBe((n * (n + 1)) / 2);
  }, 180_000);
});
