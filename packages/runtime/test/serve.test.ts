/**
 * The runtime's message entry with no piscina and no process: a batch runs through
 * `serveBatches` over an in-memory channel that copies every message by structured clone, as a
 * thread or process channel does. Shipped functions compile on the far side, module ops load by
 * specifier, and errors cross intact (class, name, code, own fields, cause, stack). References
 * are worked out by hand or by a plain loop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deserializeError, OpNotFoundError, ref, task, TaskError, type Key, type OpId } from '@tsdask/core-graph';
import { isOpLoaded, serveBatches, transferables, type BatchPayload, type BatchResult, type FromWorker, type WorkerTransport } from '@tsdask/runtime';
import { payload } from './payload.js';

const FIXTURE = new URL('./fixtures/ops.mjs', import.meta.url).href;

type Listener = (m: unknown) => void;

/** Both ends of an in-memory channel; a message is cloned (buffers in `transfer` moved) and delivered on a later turn. */
function channel(): { worker: WorkerTransport; toWorker: Set<Listener>; send(m: unknown): void; onReply(l: Listener): void } {
  const toWorker = new Set<Listener>();
  const toScheduler = new Set<Listener>();
  const deliver = (to: Set<Listener>, m: unknown, transfer?: ArrayBuffer[]): void => {
    const copy = structuredClone(m, transfer === undefined ? undefined : { transfer });
    setImmediate(() => {
      for (const l of to) l(copy);
    });
  };
  return {
    worker: { post: (m, transfer) => deliver(toScheduler, m, transfer), on: (l) => toWorker.add(l), off: (l) => toWorker.delete(l) },
    toWorker,
    send: (m) => deliver(toWorker, m),
    onReply: (l) => toScheduler.add(l),
  };
}

/** The scheduler's side: sends batch `id` and waits for its result. */
function request(ch: ReturnType<typeof channel>, id: number, payload: BatchPayload): Promise<BatchResult> {
  return new Promise((resolve) => {
    ch.onReply((m) => {
      const reply = m as FromWorker;
      if (reply.type === 'batch-done' && reply.id === id) resolve(reply.result);
    });
    ch.send({ type: 'run-batch', id, payload });
  });
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('serveBatches over an in-memory channel', () => {
  it('runs a batch with a shipped function and a module op, compiled and loaded on the far side', async () => {
    const ch = channel();
    stop = serveBatches(ch.worker, { worker: 7 });
    const double = 'fn:runtime-serve-test-double' as OpId;
    const total = `${FIXTURE}#total` as OpId;
    expect(isOpLoaded(double)).toBe(false);
    const xs = [1.5, 2, -3, 10];
    const p = payload(['doubled-0', 'total-0'], [task(double, ref('xs')), task(total, ref('doubled-0'))], [1, -1], {
      inputKeys: ['xs'],
      inputs: [xs],
      ops: [double, total],
      sources: [[double, '(values) => values.map((v) => 2 * v)']],
    });
    const r = await request(ch, 1, p);
    let expected = 0;
    for (const x of xs) expected += 2 * x;
    expect(r).toMatchObject({ ok: true, value: expected, nbytes: 8, worker: 7 });
    expect(r.stop).toBeGreaterThanOrEqual(r.start);
    expect(isOpLoaded(double)).toBe(true);
  });

  it("brings a task's error back intact: class, name, code, own fields, cause and stack", async () => {
    const ch = channel();
    stop = serveBatches(ch.worker, { worker: 3 });
    const readShard = `${FIXTURE}#readShard` as OpId;
    const keys = ['i-0', 'read-3'];
    const p = payload(keys, [task('@tsdask/core-graph/ops#identity', 3), task(readShard, ref('i-0'))], [1, -1], { ops: [readShard] });
    const r = await request(ch, 2, p);
    if (r.ok) throw new Error('the batch should have failed');
    expect(r.member).toBe(1);
    // What a scheduler does with it: the member names the key, the error is rebuilt.
    const err = new TaskError(keys[r.member] as Key, readShard, deserializeError(r.error));
    expect(err.key).toBe('read-3');
    const cause = err.cause as Error & { code?: string; key?: string };
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('ShardError');
    expect(cause.message).toBe('shard 3 is corrupt');
    expect(cause.code).toBe('E_SHARD');
    expect(cause.key).toBe('shard-3');
    const stack = (cause.stack ?? '').split('\n');
    expect(stack[0]).toBe('ShardError: shard 3 is corrupt');
    expect(stack[1]).toContain('readShard');
    expect(stack[1]).toContain('fixtures/ops.mjs');
    expect(cause.cause).toBeInstanceOf(RangeError);
    expect((cause.cause as Error).message).toBe('offset 30 is out of range');
    expect(err.message).toBe(`Task 'read-3' (op ${readShard}) failed: ShardError: shard 3 is corrupt`);
  });

  it('reports an op that cannot be loaded as OpNotFoundError with its cause, as data', async () => {
    const ch = channel();
    stop = serveBatches(ch.worker, { worker: 0 });
    const missing = `${new URL('./fixtures/no-such-module.mjs', import.meta.url).href}#f` as OpId;
    const r = await request(ch, 3, payload(['f-0'], [task(missing, 1)], [-1], { ops: [missing] }));
    if (r.ok) throw new Error('the batch should have failed');
    expect(r.member).toBe(0);
    const err = deserializeError(r.error) as OpNotFoundError;
    expect(err).toBeInstanceOf(OpNotFoundError);
    expect(err.name).toBe('OpNotFoundError');
    expect(err.code).toBe('TSDASK_OP_NOT_FOUND');
    expect(err.op).toBe(missing);
    expect((err.cause as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('answers batches by id when several are in flight, and ignores messages that are not its own', async () => {
    const ch = channel();
    stop = serveBatches(ch.worker, { worker: 1 });
    ch.send({ type: 'ping' });
    const add = (k: number): BatchPayload => payload([`sum-${k}`], [task('@tsdask/core-graph/ops#sum', k, 100)], [-1]);
    const results = await Promise.all([request(ch, 10, add(1)), request(ch, 11, add(2)), request(ch, 12, add(3))]);
    expect(results.map((r) => (r.ok ? r.value : r.error))).toEqual([101, 102, 103]);
  });

  it("answers a result the channel cannot carry as a failure of the root, with the channel's error", async () => {
    const ch = channel();
    stop = serveBatches(ch.worker, { worker: 2 });
    const makeFn = 'fn:runtime-serve-test-make-fn' as OpId;
    const p = payload(['f-0', 'g-0'], [task(makeFn, 1), task('@tsdask/core-graph/ops#identity', ref('f-0'))], [1, -1], {
      ops: [makeFn],
      sources: [[makeFn, '(k) => () => k']],
    });
    const r = await request(ch, 4, p);
    if (r.ok) throw new Error('a function cannot be cloned: the batch should have failed');
    expect(r.member).toBe(1);
    const err = deserializeError(r.error);
    expect(err.name).toBe('DataCloneError');
  });

  it('stops listening when told', () => {
    const ch = channel();
    const off = serveBatches(ch.worker, { worker: 1 });
    expect(ch.toWorker.size).toBe(1);
    off();
    expect(ch.toWorker.size).toBe(0);
  });
});

describe('transferables', () => {
  it('lists whole, non-shared buffers at the top level and one container down', () => {
    const a = new Float64Array(4);
    const b = new Uint8Array(8);
    const shared = new Int32Array(new SharedArrayBuffer(16));
    const part = new Float64Array(new ArrayBuffer(64), 8, 2);
    const deep = new Uint8Array(2);
    expect(transferables(a)).toEqual([a.buffer]);
    const list = transferables({ a, again: a, b, shared, part, nested: { deep }, items: [b] });
    expect(list).toHaveLength(2);
    expect(list[0]).toBe(a.buffer);
    expect(list[1]).toBe(b.buffer);
  });
});
