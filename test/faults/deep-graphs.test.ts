/**
 * Deep graphs: long chains compute on both local schedulers. Before, a linear chain of ~10,000
 * delayed tasks overflowed the stack while fusion lowered the fused task (`forEachRef`), and a
 * chain of 5,000 element-wise array operations was fused into one expression too deep for the
 * kernel. Now no pass recurses on the graph's depth and fusion bounds how deep a task nests.
 * Expected values are worked out by hand (a chain of n `+ 1` from 0 gives n).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { delayed, type Delayed } from '@tsdask/core-graph';
import { arange, type NDArray } from '@tsdask/array';
import { closePool } from '@tsdask/scheduler-local';

afterAll(async () => {
  await closePool();
});

const N = 100_000;

/** A chain of `n` delayed `x => x + 1` from 0 (a self-contained function, so it runs on workers). */
function incChain(n: number): Delayed<number> {
  const inc = delayed((x: number) => x + 1, { name: 'inc' });
  let d: Delayed<number> = delayed(0);
  for (let i = 0; i < n; i++) d = inc(d);
  return d;
}

describe('a chain of 100,000 delayed tasks', () => {
  for (const scheduler of ['sync', 'threads'] as const) {
    it(`computes on '${scheduler}'`, async () => {
      expect(await incChain(N).compute({ scheduler })).toBe(N);
    }, 120_000);
  }

  it('computes with fusion off too (one task per call)', async () => {
    expect(await incChain(N).compute({ scheduler: 'sync', optimize: { fuse: false } })).toBe(N);
  }, 120_000);

  it('fails with a TaskError carrying the error of its first task when that one throws', async () => {
    const boom = delayed(
      (x: number): number => {
        throw new Error(`boom at ${x}`);
      },
      { name: 'boom' },
    );
    const inc = delayed((x: number) => x + 1, { name: 'inc' });
    let d = boom(0);
    for (let i = 0; i < N; i++) d = inc(d);
    await expect(d.compute({ scheduler: 'threads' })).rejects.toMatchObject({ name: 'TaskError', message: expect.stringMatching(/boom at 0/) });
  }, 120_000);
});

describe('a chain of 5,000 element-wise array operations', () => {
  for (const scheduler of ['sync', 'threads'] as const) {
    it(`x.add(1) 5,000 times computes on '${scheduler}'`, async () => {
      const n = 5_000;
      let x = arange(12, { chunks: 4 });
      for (let i = 0; i < n; i++) x = x.add(1);
      const got = (((await x.compute({ scheduler })) as NDArray).toArray() as (number | bigint)[]).map(Number);
      // reference: a plain loop over the same values
      const want: number[] = [];
      for (let i = 0; i < 12; i++) want.push(i + n);
      expect(got).toEqual(want);
    }, 120_000);
  }
});
