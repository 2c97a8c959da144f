import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compute, delayed, NotPortableError, op, WorkerLostError, type DelayedFunction, type TaskEvent } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';

const FIXTURES = new URL('./fixtures/ops.mjs', import.meta.url).href;
const threads = { scheduler: 'threads' } as const;
const dir = mkdtempSync(join(tmpdir(), 'tsdask-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("'threads' scheduler", () => {
  it('refuses a closure with NotPortableError naming the free variable, before running anything', async () => {
    const offset = 10;
    const ran: string[] = [];
    const shift = delayed((x: number) => x + offset, { name: 'shift' });
    const other = delayed((x: number) => x * 2);
    const tasks = (events: readonly TaskEvent[]): void =>
      void ran.push(...events.filter((e) => e.state === 'running' || e.state === 'memory').map((e) => e.key));
    const err = await compute(other(1), shift(1), { ...threads, callbacks: [{ tasks }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotPortableError);
    expect((err as NotPortableError).variable).toBe('offset');
    expect((err as Error).message).toContain("'offset'");
    expect((err as Error).message).toContain('op(import.meta.url');
    expect(ran).toEqual([]);
    // The same closure is fine on 'sync'.
    expect(await shift(1).compute({ scheduler: 'sync' })).toBe(11);
  });

  it('replaces a worker that calls process.exit and retries its task', async () => {
    const marker = join(dir, 'exit-once');
    const exitOnce = delayed(op(FIXTURES, 'exitOnce')) as DelayedFunction<(marker: string, v: number) => number>;
    const add = delayed((a: number, b: number) => a + b);
    const parts = Array.from({ length: 8 }, (_, i) => delayed((x: number) => x * 10)(i));
    const total = add(
      parts.reduce((a, b) => add(a, b)),
      exitOnce(marker, 5),
    );
    expect(await total.compute(threads)).toBe(285);
    expect(existsSync(marker)).toBe(true);
    // The pool is whole again.
    expect(await add(1, 2).compute(threads)).toBe(3);
  });

  it('gives up with WorkerLostError after the allowed retries', async () => {
    const die = delayed(op(FIXTURES, 'alwaysExit'), { name: 'die' });
    const d = die();
    const err = await d.compute({ ...threads, retries: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerLostError);
    expect((err as WorkerLostError).key).toBe(d.key);
    expect((err as WorkerLostError).attempts).toBe(3);
    expect(await delayed((x: number) => x + 1)(1).compute(threads)).toBe(2);
  });

  it('replaces a worker that exceeds its resourceLimits, then gives up with WorkerLostError', async () => {
    const hog = delayed(
      () => {
        const keep: number[][] = [];
        for (;;) keep.push(new Array(1_000_000).fill(keep.length));
      },
      { name: 'hog' },
    );
    const h = hog();
    const opts = { ...threads, retries: 1, numWorkers: 1, workerResourceLimits: { maxOldGenerationSizeMb: 64 } };
    const err = await h.compute(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerLostError);
    expect((err as WorkerLostError).attempts).toBe(2);
    expect(String((err as Error).cause)).toMatch(/memory|ERR_WORKER/i);
    // A fresh worker serves the next compute.
    expect(await delayed((x: number) => x * 2)(21).compute(opts)).toBe(42);
  });

  it('cancels batches still running when the compute fails', async () => {
    const marker = join(dir, 'long-task-finished');
    const long = delayed(op(FIXTURES, 'busyThenMark'), { name: 'long' });
    const fail = delayed(
      async () => {
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('fails while the long task runs');
      },
      { name: 'fail' },
    );
    const both = delayed((a: unknown, b: unknown) => [a, b]);
    const err = await both(long(1500, marker), fail())
      .compute({ ...threads, numWorkers: 2 })
      .catch((e: unknown) => e);
    expect(String(err)).toContain('fails while the long task runs');
    // Had the long task not been cancelled, its marker would exist 1.5 s after it started.
    await new Promise((r) => setTimeout(r, 2000));
    expect(existsSync(marker)).toBe(false);
    expect(await delayed((x: number) => x + 1)(1).compute(threads)).toBe(2);
  });

  it('runs computes concurrently on one pool', async () => {
    const sq = delayed((x: number) => x * x);
    const add = delayed((a: number, b: number) => a + b);
    const sums = await Promise.all(
      [10, 20, 30].map((n) =>
        Array.from({ length: n }, (_, i) => sq(i))
          .reduce((a, b) => add(a, b))
          .compute(threads),
      ),
    );
    const expected = [10, 20, 30].map((n) => Array.from({ length: n }, (_, i) => i * i).reduce((a, b) => a + b));
    expect(sums).toEqual(expected);
  });

  it('reports a result that cannot cross threads as a task error', async () => {
    const makeFn = delayed(() => () => 1, { name: 'make-fn' });
    const err = await makeFn()
      .compute(threads)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toMatch(/clone|make-fn/);
  });
});
