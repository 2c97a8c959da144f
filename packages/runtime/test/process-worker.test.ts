/**
 * The runtime in a child process, behind the few lines of fixtures/process-worker.mjs: the
 * shape of a distributed worker. A batch with a shipped function and typed arrays runs there,
 * and a task's error comes back intact. References are plain loops and hand-written values.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deserializeError, ref, task, type OpId } from '@tsdask/core-graph';
import type { BatchPayload, BatchResult, FromWorker } from '@tsdask/runtime';
import { payload } from './payload.js';

const FIXTURE = new URL('./fixtures/ops.mjs', import.meta.url).href;
let child: ChildProcess;

beforeAll(() => {
  child = fork(fileURLToPath(new URL('./fixtures/process-worker.mjs', import.meta.url)), [], { serialization: 'advanced', stdio: 'inherit' });
});
afterAll(() => {
  child.disconnect();
});

function request(id: number, p: BatchPayload): Promise<BatchResult> {
  return new Promise((resolve) => {
    const listener = (m: unknown): void => {
      const reply = m as FromWorker;
      if (reply.type !== 'batch-done' || reply.id !== id) return;
      child.off('message', listener);
      resolve(reply.result);
    };
    child.on('message', listener);
    child.send({ type: 'run-batch', id, payload: p });
  });
}

describe('the runtime in a worker process', () => {
  it('runs a shipped function over a typed array and sends the result back', async () => {
    const scale = 'fn:runtime-process-test-scale' as OpId;
    const xs = Float64Array.from([1, 2.5, -4, 8]);
    const p = payload(['scaled-0'], [task(scale, ref('xs'), 3)], [-1], {
      inputKeys: ['xs'],
      inputs: [xs],
      ops: [scale],
      sources: [[scale, '(v, k) => v.map((x) => x * k)']],
    });
    const r = await request(1, p);
    if (!r.ok) throw deserializeError(r.error);
    const expected = new Float64Array(xs.length);
    for (let i = 0; i < xs.length; i++) expected[i] = xs[i]! * 3;
    expect(r.value).toEqual(expected);
    expect(r.nbytes).toBe(32);
    expect(r.worker).toBe(child.pid);
  });

  it("brings a task's error back with its name, code, key field, cause and stack", async () => {
    const readShard = `${FIXTURE}#readShard` as OpId;
    const r = await request(2, payload(['read-5'], [task(readShard, 5)], [-1], { ops: [readShard] }));
    if (r.ok) throw new Error('the batch should have failed');
    const err = deserializeError(r.error) as Error & { code?: string; key?: string };
    expect(err.name).toBe('ShardError');
    expect(err.code).toBe('E_SHARD');
    expect(err.key).toBe('shard-5');
    expect(err.stack?.split('\n')[1]).toContain('readShard');
    expect(err.cause).toBeInstanceOf(RangeError);
    expect((err.cause as Error).message).toBe('offset 50 is out of range');
  });
});
