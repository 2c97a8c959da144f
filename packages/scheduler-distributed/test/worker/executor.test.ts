// The worker's thread executor on its own: batches run on threads and results come back with
// their values; a thread that dies is replaced; threads whose entry cannot load fail every batch
// with a clear error instead of being restarted forever.
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadExecutor } from '../../src/worker/executor.js';

const ENTRY = new URL('../../dist/worker/thread-entry.js', import.meta.url);
const executors: ThreadExecutor[] = [];
afterEach(async () => {
  for (const e of executors.splice(0)) await e.close();
});

const batch = (node: unknown, sources: [string, string][] = [], inputKeys: string[] = [], inputs: unknown[] = []) => ({
  keys: ['k'],
  nodes: [node],
  parent: Int32Array.of(-1),
  inputKeys,
  inputs,
  ops: [(node as { op: string }).op],
  sources,
});

describe('ThreadExecutor', () => {
  it('runs batches on two threads with inputs and shipped functions; a dead thread is replaced', async () => {
    const ex = new ThreadExecutor(2, ENTRY);
    executors.push(ex);
    const scale = 'fn:scale-0';
    const src = '(xs, f) => xs.map((x) => x * f)';
    const runs = [1, 2, 3, 4].map((f) => ex.run('k', batch({ op: scale, args: [{ ref: 'xs' }, f] }, [[scale, src]], ['xs'], [new Float64Array([1, 2])])));
    const results = await Promise.all(runs);
    expect(results.map((r) => (r.ok ? Array.from(r.value as Float64Array) : r.error.message))).toEqual([
      [1, 2],
      [2, 4],
      [3, 6],
      [4, 8],
    ]);
    const died = await ex.run('k', batch({ op: 'fn:exit-0', args: [] }, [['fn:exit-0', '() => process.exit(1)']]));
    expect(died.ok ? 'ok' : died.error.name).toBe('WorkerLostError');
    const after = await ex.run('k', batch({ op: scale, args: [{ ref: 'xs' }, 10] }, [[scale, src]], ['xs'], [new Float64Array([1])]));
    expect(after.ok ? Array.from(after.value as Float64Array) : after.error.message).toEqual([10]);
  });

  it('fails every batch, without restarting threads, when the thread entry cannot load', async () => {
    const ex = new ThreadExecutor(2, new URL('./no-such-entry.js', ENTRY));
    executors.push(ex);
    for (let i = 0; i < 2; i++) {
      const r = await ex.run('k', batch({ op: '@tsdask/core-graph/ops#identity', args: [1] }));
      expect(r.ok ? 'ok' : r.error.message).toMatch(/task threads cannot start: .*no-such-entry/);
    }
  });

  it('queues tiny tasks deeper per thread, and long ones two deep', async () => {
    const ex = new ThreadExecutor(2, ENTRY);
    executors.push(ex);
    expect([ex.depth, ex.slots]).toEqual([2, 4]); // nothing measured yet
    const tiny = 'fn:tiny-0';
    for (let round = 0; round < 10; round++)
      await Promise.all(Array.from({ length: 20 }, (_, i) => ex.run('k', batch({ op: tiny, args: [i] }, [[tiny, '(x) => x + 1']]))));
    expect(ex.depth).toBeGreaterThan(8);
    expect(ex.slots).toBe(2 * ex.depth);
    // 30 ms each (a busy wait): the average passes 2 ms after a few, and the depth falls back to 2.
    const slow = 'fn:slow-0';
    const src = '(ms) => { const end = Date.now() + ms; while (Date.now() < end); return ms; }';
    for (let i = 0; i < 12; i++) await ex.run('k', batch({ op: slow, args: [30] }, [[slow, src]]));
    expect(ex.depth).toBe(2);
  });

  it('runs one-member batches whose nodes are JSON text (sent as one string) beside batches with inputs (a structured clone)', async () => {
    const ex = new ThreadExecutor(1, ENTRY, 8);
    executors.push(ex);
    const add = 'fn:add-json-0';
    const sources: [string, string][] = [[add, '(a, b) => a + b']];
    const asJson = (key: string, a: number, b: number) => ({
      keys: [],
      nodes: [],
      json: JSON.stringify([[key], [{ op: add, args: [a, b] }]]),
      inputKeys: [],
      inputs: [],
      ops: [add],
      sources,
    });
    const withInput = { ...batch({ op: add, args: [{ ref: 'x' }, 1] }, sources, ['x'], [41]) };
    const runs = [ex.run('j1', asJson('j1', 1, 2)), ex.run('j2', asJson('j2', 10, 20)), ex.run('k', withInput), ex.run('j3', asJson('j3', -1, 1))];
    const results = await Promise.all(runs);
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([3, 30, 42, 0]);
    const alone = await Promise.all([ex.run('j4', asJson('j4', 2, 2)), ex.run('j5', asJson('j5', 3, 3))]);
    expect(alone.map((r) => (r.ok ? r.value : r.error.message))).toEqual([4, 6]);
  });

  it('bundles batches both ways, and a result the channel cannot carry fails alone', async () => {
    const ex = new ThreadExecutor(1, ENTRY, 4);
    executors.push(ex);
    const double = 'fn:double-0';
    const closure = 'fn:closure-0';
    const sources: [string, string][] = [
      [double, '(x) => x * 2'],
      [closure, '(x) => () => x'],
    ];
    // Four batches dealt to the one thread at once (depth 4): one message there, results back together.
    const runs = [1, 2, 3, 4].map((x) => ex.run('k', batch({ op: x === 3 ? closure : double, args: [x] }, sources)));
    const results = await Promise.all(runs);
    expect(results.map((r) => (r.ok ? r.value : r.error.name))).toEqual([2, 4, 'DataCloneError', 8]);
  });

  it("fails a task whose heap passes its thread's cap with TaskMemoryError naming it and the cap; the batches queued behind it run", async () => {
    const MIB = 2 ** 20;
    const ex = new ThreadExecutor(1, ENTRY, 4, undefined, { bytes: 48 * MIB, memoryLimit: 40 * MIB });
    executors.push(ex);
    const hog = 'fn:hog-0';
    const sum = 'fn:sum-0';
    const sources: [string, string][] = [
      // Keeps n small objects alive (about 60 bytes each): 4M of them need well over 48 MiB.
      [hog, '(n) => { const a = []; for (let i = 0; i < n; i++) a.push({ i, s: "x" + i }); return a.length; }'],
      [sum, '(n) => { let s = 0; for (let i = 1; i <= n; i++) s += i; return s; }'],
    ];
    // Depth 4: all four are posted to the one thread at once, the hog first.
    const runs = [
      ex.run('hog', batch({ op: hog, args: [4_000_000] }, sources)),
      ex.run('after-1', batch({ op: sum, args: [10] }, sources)),
      ex.run('after-2', batch({ op: sum, args: [100] }, sources)),
    ];
    const [failed, ...after] = await Promise.all(runs);
    expect(failed!.ok).toBe(false);
    const err = failed!.ok ? undefined : failed!.error;
    expect([err?.name, err?.code]).toEqual(['TaskMemoryError', 'TSDASK_TASK_HEAP']);
    expect(err?.message).toMatch(/Task 'hog' ran out of memory: .* 48 MiB, set from the worker's memory limit of 40 MiB/);
    // 1 + ... + n by hand: 55 and 5050.
    expect(after.map((r) => (r.ok ? r.value : r.error.message))).toEqual([55, 5050]);
    // A task that fits under the cap runs on the thread that replaced the one that ended.
    const small = await ex.run('small', batch({ op: hog, args: [1000] }, sources));
    expect(small.ok ? small.value : small.error.message).toBe(1000);
  });
});
