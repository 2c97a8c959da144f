/**
 * Faults of cancellation: compute(x, { signal }) and { timeout } stop the compute with a
 * CancelledError, stop running work (a worker thread stuck in a loop is terminated and
 * replaced), remove the spill folder, end the event stream, and leave the pool usable.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeTty } from '../support/fake-tty.js';
import {
  CancelledError,
  compute,
  delayed,
  deserializeError,
  persist,
  registerScheduler,
  serializeError,
  TaskStateCode,
  type Callbacks,
  type Delayed,
  type SchedulerEvent,
  type TaskEventBatch,
} from '@tsdask/core-graph';
import { closePool, ProgressBar } from '@tsdask/scheduler-local';
import { fromArray, toNpy, toZarr } from '@tsdask/array';
import { fromRecords } from '@tsdask/dataframe';

const parent = mkdtempSync(join(tmpdir(), 'tsdask-cancel-test-'));
afterAll(async () => {
  await closePool();
  rmSync(parent, { recursive: true, force: true });
});

// No test here may leave a rejection unhandled.
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await new Promise((r) => setTimeout(r, 20));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/** The rejection of `p`, which must be a CancelledError. */
async function cancelled(p: Promise<unknown>): Promise<CancelledError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CancelledError);
  const e = err as CancelledError;
  expect(e.name).toBe('CancelledError');
  expect(e.code).toBe('TSDASK_CANCELLED');
  return e;
}

/** A subscriber that records what it is sent, and anything sent after its finish. */
function recorder(): Callbacks & { starts: number; finishes: { ok: boolean; error?: Error }[]; late: string[]; memory: number } {
  const r = {
    starts: 0,
    finishes: [] as { ok: boolean; error?: Error }[],
    late: [] as string[],
    memory: 0,
    start() {
      r.starts++;
    },
    taskBatch() {
      if (r.finishes.length > 0) r.late.push('taskBatch');
      else r.memory++;
    },
    event(e: SchedulerEvent) {
      if (r.finishes.length > 0) r.late.push(e.type);
    },
    finish(info: { ok: boolean; error?: Error }) {
      r.finishes.push(info);
    },
  };
  return r;
}

const inc = delayed((x: number) => x + 1, { name: 'inc' });
/** Spins forever: only terminating its thread stops it. */
const forever = delayed(
  function forever(x: number): number {
    let i = 0;
    while (x === x) i++;
    return i;
  },
  { name: 'forever' },
);

describe.each(['sync', 'threads'])('an aborted signal on %s', (scheduler) => {
  it('rejects at once, with the reason as cause, running nothing', async () => {
    let ran = 0;
    const f = delayed(
      (x: number) => {
        ran++;
        return x;
      },
      { name: 'f' },
    );
    const ctrl = new AbortController();
    const reason = new Error('user said stop');
    ctrl.abort(reason);
    const rec = recorder();
    const e = await cancelled(f(1).compute({ scheduler, signal: ctrl.signal, callbacks: [rec] }));
    expect(e.cause).toBe(reason);
    expect(e.message).toContain('user said stop');
    expect(ran).toBe(0);
    expect(rec.starts).toBe(0);
    await cancelled(persist(inc(1), { scheduler, signal: ctrl.signal }));
    // with nothing to compute it still says it was cancelled
    await cancelled(compute(1, { scheduler, signal: ctrl.signal }));
  });

  it('leaves no timer and no listener behind when the compute ends normally', async () => {
    const ctrl = new AbortController();
    // The timeout's timer (the only one of 60 s) must be cleared when the compute ends.
    const made: unknown[] = [];
    const cleared: unknown[] = [];
    const realSet = globalThis.setTimeout;
    const setSpy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number, ...rest: unknown[]) => {
      const t = Reflect.apply(realSet, globalThis, [fn, ms, ...rest]) as ReturnType<typeof setTimeout>;
      if (ms === 60_000) made.push(t);
      return t;
    }) as typeof setTimeout);
    const clearSpy = vi.spyOn(globalThis, 'clearTimeout');
    try {
      const xs = Array.from({ length: 10 }, (_, i) => inc(i));
      const sum = delayed((...v: number[]) => v.reduce((a, b) => a + b, 0), { name: 'sum' })(...xs);
      expect(await sum.compute({ scheduler, signal: ctrl.signal, timeout: 60_000 })).toBe(55);
      cleared.push(...clearSpy.mock.calls.map((c) => c[0]));
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
    expect(made).toHaveLength(1);
    expect(cleared).toContain(made[0]);
    expect(getEventListeners(ctrl.signal, 'abort')).toHaveLength(0);
  });
});

describe('cancelling on threads', () => {
  it('a task stuck in an infinite loop is stopped by a timeout, and the pool works after', async () => {
    const rec = recorder();
    const e = await cancelled(forever(1).compute({ scheduler: 'threads', numWorkers: 1, timeout: 300, callbacks: [rec] }));
    expect(e.timeoutMs).toBe(300);
    expect(e.message).toContain('timeout of 300 ms');
    expect((e.cause as Error).name).toBe('TimeoutError');
    expect(rec.finishes).toHaveLength(1);
    expect(rec.finishes[0]?.ok).toBe(false);
    expect(rec.finishes[0]?.error).toBe(e);
    // The only worker was the one spinning: this compute runs only if it was replaced.
    const xs = Array.from({ length: 30 }, (_, i) => inc(i));
    let expected = 0;
    for (let i = 0; i < 30; i++) expected += i + 1;
    const total = delayed((...v: number[]) => v.reduce((a, b) => a + b, 0), { name: 'total' })(...xs);
    expect(await total.compute({ scheduler: 'threads', numWorkers: 1 })).toBe(expected);
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.late).toEqual([]);
  });

  it('an abort stops a compute whose other tasks are queued behind the stuck ones', async () => {
    const ctrl = new AbortController();
    const stuck = [forever(1), forever(2), ...Array.from({ length: 20 }, (_, i) => inc(i))];
    const rec = recorder();
    const p = compute(...stuck, { scheduler: 'threads', numWorkers: 2, signal: ctrl.signal, callbacks: [rec] });
    setTimeout(() => ctrl.abort(), 200);
    const e = await cancelled(p);
    expect(e.timeoutMs).toBeUndefined();
    expect((e.cause as Error).name).toBe('AbortError');
    expect(await inc(41).compute({ scheduler: 'threads', numWorkers: 2 })).toBe(42);
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.late).toEqual([]);
    expect(rec.finishes).toHaveLength(1);
  });
});

describe('the progress bar of a cancelled compute', () => {
  it('ends: its redraw timer stops and the cursor comes back', async () => {
    const { stream, text } = fakeTty();
    await cancelled(forever(3).compute({ scheduler: 'threads', numWorkers: 1, timeout: 400, callbacks: [new ProgressBar(stream)] }));
    expect(text()).toContain('0/1 tasks');
    // cli-progress shows the cursor again only when the bar is stopped
    expect(text().slice(text().lastIndexOf('tasks'))).toContain('\x1B[?25h');
    const ended = text().length;
    await new Promise((r) => setTimeout(r, 400));
    expect(text().length).toBe(ended);
  });
});

describe('cancelling on sync', () => {
  it('stops before the next task once a task aborts (a running task is not interrupted)', async () => {
    const ctrl = new AbortController();
    const order: string[] = [];
    const step = delayed(
      (name: string, prev: unknown) => {
        order.push(name);
        if (name === 'b') ctrl.abort(new Error('enough'));
        return prev;
      },
      { name: 'step' },
    );
    let x: Delayed<unknown> = delayed(0);
    for (const name of ['a', 'b', 'c', 'd']) x = step(name, x);
    const e = await cancelled(x.compute({ scheduler: 'sync', signal: ctrl.signal, optimize: { fuse: false } }));
    expect((e.cause as Error).message).toBe('enough');
    expect(order).toEqual(['a', 'b']);
  });

  it('a subscriber that aborts while a step is handled: no batch of that step starts', async () => {
    const ctrl = new AbortController();
    const ran: number[] = [];
    const leaf = delayed(
      (i: number) => {
        ran.push(i);
        return i;
      },
      { name: 'leaf' },
    );
    const leaves = Array.from({ length: 7 }, (_, i) => leaf(i));
    // Aborts when the first leaf is done: in the step whose instructions start the next one.
    const abortOnFirst: Callbacks = {
      taskBatch(b) {
        for (let i = 0; i < b.length; i++) if (b.state[i] === TaskStateCode.memory) ctrl.abort();
      },
    };
    await cancelled(compute(...leaves, { scheduler: 'sync', batchSize: 1, signal: ctrl.signal, callbacks: [abortOnFirst] }));
    expect(ran).toHaveLength(1);
  });

  it('a timeout ends a compute waiting on a task that never settles', async () => {
    const hang = delayed(() => new Promise<number>(() => {}), { name: 'hang' });
    const rec = recorder();
    const e = await cancelled(hang().compute({ scheduler: 'sync', timeout: 200, callbacks: [rec] }));
    expect(e.timeoutMs).toBe(200);
    expect(rec.finishes.map((f) => f.ok)).toEqual([false]);
    expect(await inc(1).compute({ scheduler: 'sync' })).toBe(2);
  });
});

describe.each(['sync', 'threads'])('cancelling after spills on %s', (scheduler) => {
  it('removes the spill folder', async () => {
    const make = delayed((i: number, n: number) => Float64Array.from({ length: n }, (_, j) => i * n + j), { name: 'make' });
    // Every part is held until the last task, which never ends: the parts spill on the way.
    const parts = Array.from({ length: 12 }, (_, i) => make(i, 250_000)); // 24 MB in all
    const last =
      scheduler === 'threads'
        ? delayed(
            function stuck(...xs: Float64Array[]): number {
              while (xs.length === xs.length) {
                // spin
              }
              return 0;
            },
            { name: 'stuck' },
          )(...parts)
        : delayed((..._xs: Float64Array[]) => new Promise<number>(() => {}), { name: 'stuck' })(...parts);
    const spillDir = mkdtempSync(join(parent, `spill-${scheduler}-`));
    const rec = recorder();
    let spills = 0;
    rec.event = (e: SchedulerEvent) => {
      if (rec.finishes.length > 0) rec.late.push(e.type);
      else if (e.type === 'spill') spills++;
    };
    // Cancel once the stuck task runs, after spills (no timing: the events say when).
    const ctrl = new AbortController();
    rec.taskBatch = (b: TaskEventBatch) => {
      if (rec.finishes.length > 0) rec.late.push('taskBatch');
      for (let i = 0; i < b.length; i++) {
        if (b.keys[b.task[i]!] === last.key && b.state[i] === TaskStateCode.running && spills > 0) ctrl.abort(new Error('stop the stuck task'));
      }
    };
    const e = await cancelled(last.compute({ scheduler, memoryLimit: '8MB', spillDir, signal: ctrl.signal, timeout: 50_000, callbacks: [rec] }));
    expect((e.cause as Error).message).toBe('stop the stuck task');
    expect(spills).toBeGreaterThan(0);
    expect(readdirSync(spillDir)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.late).toEqual([]);
  });
});

describe('collection methods that compute', () => {
  it('take the signal: an aborted one rejects before any file is written', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    const df = fromRecords([{ a: 1 }, { a: 2 }, { a: 3 }], { npartitions: 3 });
    await cancelled(df.head(2, { scheduler: 'sync', signal: ctrl.signal }));
    await cancelled(df.len({ scheduler: 'sync', signal: ctrl.signal }));
    await cancelled(df.toCSV(join(parent, 'csv'), { scheduler: 'sync', signal: ctrl.signal }));
    expect(existsSync(join(parent, 'csv'))).toBe(false);
    const a = fromArray(Float64Array.from([1, 2, 3, 4]), { chunks: 2 });
    await cancelled(a.compute({ scheduler: 'sync', signal: ctrl.signal }));
    await cancelled(toNpy(a, join(parent, 'x.npy'), { scheduler: 'sync', signal: ctrl.signal }));
    expect(existsSync(join(parent, 'x.npy'))).toBe(false);
    await cancelled(toZarr(a, join(parent, 'z'), { scheduler: 'sync', signal: ctrl.signal }));
    expect(existsSync(join(parent, 'z'))).toBe(false);
  });
});

describe('CancelledError', () => {
  it('crosses a thread boundary as itself, with its cause and timeout', () => {
    const reason = new DOMException('too slow', 'TimeoutError');
    const back = deserializeError(serializeError(new CancelledError(reason, 250))) as CancelledError;
    expect(back).toBeInstanceOf(CancelledError);
    expect(back.code).toBe('TSDASK_CANCELLED');
    expect(back.timeoutMs).toBe(250);
    expect((back.cause as Error).message).toBe('too slow');
  });
});

describe('a scheduler that does not watch the signal', () => {
  it('compute still rejects when cancelled, and drops the late result', async () => {
    let finish: () => void = () => {};
    const released: string[] = [];
    const done = new Promise<void>((r) => (finish = r));
    registerScheduler({
      name: 'faults-deaf',
      run: (_g, keys) => ({ keys, done, output: () => done }),
      gather: async () => [2],
      release: (keys) => void released.push(...keys),
      scatter: () => {},
      cancel: () => {},
      heldKeys: () => new Map(),
    });
    const x = inc(1);
    const e = await cancelled(x.compute({ scheduler: 'faults-deaf', timeout: 100 }));
    expect(e.timeoutMs).toBe(100);
    // The reference the run took is dropped at once: the late result is freed when it comes.
    expect(released).toEqual([x.key]);
    finish();
  });
});
