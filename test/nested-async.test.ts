import { afterAll, describe, expect, it } from 'vitest';
import { delayed, graphOf } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';

afterAll(async () => {
  await closePool();
});

describe.each(['sync', 'threads'])('async ops nested by fuse-linear on %s', (scheduler) => {
  it('a dependent of an async task gets the resolved value, not a promise', async () => {
    const load = delayed(async (n: number) => {
      await new Promise((r) => setTimeout(r, 5));
      return n * 10;
    });
    const inc = delayed((x: number) => {
      if (typeof x !== 'number') throw new TypeError(`got ${typeof x}`);
      return x + 1;
    });
    const y = inc(inc(load(4)));
    const { graph } = graphOf([y], {});
    expect(graph.size).toBe(1);
    expect(await y.compute({ scheduler })).toBe(42);
    const both = delayed((a: number, b: number) => a + b)(load(1), load(2));
    expect(await both.compute({ scheduler, optimize: { cull: true } })).toBe(30);
  });
});
