// A worker facing faults, against the fake scheduler: an input whose only holder is gone, a
// thread that dies mid-task, a module op that does not load, a malformed scheduler message,
// a data-port peer that breaks the protocol; and its heartbeats report the bytes it holds.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, parseAddress } from '@tsdask/scheduler-distributed';
import { encodeWireValue, getData, startCluster, task, TOKEN } from './fake-scheduler.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

describe('Worker faults', () => {
  it('reports missing-data when the only holder of an input cannot be reached', async () => {
    const { links } = await startCluster(open, 1);
    const gone = '127.0.0.1:1';
    links[0]!.send({
      type: 'compute-task',
      key: 'y',
      node: task('@tsdask/core-graph/ops#identity', { ref: 'x' }),
      priority: 0,
      inputs: [{ key: 'x', whoHas: [gone], nbytes: 8 }],
    });
    expect(await links[0]!.next('missing-data', 'x')).toEqual({ type: 'missing-data', key: 'x', tried: [gone] });
    // told of a live holder (the scheduler's answer to missing-data), it fetches from there and runs y
    const { workers: others, links: otherLinks } = await startCluster(open, 1);
    otherLinks[0]!.send({ type: 'receive-data', key: 'x', nbytes: 8 }, encodeWireValue(7));
    await otherLinks[0]!.next('task-finished', 'x');
    links[0]!.send({
      type: 'compute-task',
      key: 'y',
      node: task('@tsdask/core-graph/ops#identity', { ref: 'x' }),
      priority: 0,
      inputs: [{ key: 'x', whoHas: [others[0]!.address], nbytes: 8 }],
    });
    await links[0]!.next('task-finished', 'y');
  });

  it('fails the task of a thread that dies with WorkerLostError, and runs the next task on a new thread', async () => {
    const { links } = await startCluster(open, 1);
    const link = links[0]!;
    link.send({ type: 'define-ops', sources: [['fn:exit-0', '() => process.exit(3)']] });
    link.send({ type: 'compute-task', key: 'dies', node: task('fn:exit-0'), priority: 0, inputs: [] });
    expect((await link.next('task-erred', 'dies')).error).toMatchObject({ name: 'WorkerLostError', code: 'TSDASK_WORKER_LOST' });
    await link.barrier('after-death');
  });

  it('fails a task whose heap passes the cap set from the memory limit with TaskMemoryError naming it and the limit; the worker goes on', async () => {
    const { workers, links } = await startCluster(open, 1, { memoryLimit: 64 * 2 ** 20 });
    const link = links[0]!;
    const hog = 'fn:hog-0';
    // Keeps n small objects alive (about 60 bytes each): 4M of them need well over the 64 MiB cap.
    link.send({ type: 'define-ops', sources: [[hog, '(n) => { const a = []; for (let i = 0; i < n; i++) a.push({ i, s: "x" + i }); return a.length; }']] });
    link.send({ type: 'compute-task', key: 'hog', node: task(hog, 4_000_000), priority: 0, inputs: [] });
    const erred = await link.next('task-erred', 'hog');
    expect(erred.error).toMatchObject({ name: 'TaskMemoryError', code: 'TSDASK_TASK_HEAP' });
    expect(String(erred.error['message'])).toMatch(/Task 'hog' ran out of memory: .*64 MiB, set from the worker's memory limit of 64 MiB/);
    link.send({ type: 'compute-task', key: 'small', node: task(hog, 1000), priority: 0, inputs: [] });
    await link.next('task-finished', 'small');
    expect((await getData(workers[0]!.address, ['small'])).values.get('small')).toBe(1000);
  });

  it('loads a module op by specifier in its thread, and reports one that does not load', async () => {
    const { workers, links } = await startCluster(open, 1);
    const link = links[0]!;
    link.send({ type: 'compute-task', key: 'name', node: task('@tsdask/core-graph#keyName', 'sum-ab12,0,1'), priority: 0, inputs: [] });
    await link.next('task-finished', 'name');
    expect((await getData(workers[0]!.address, ['name'])).values.get('name')).toBe('sum-ab12');
    link.send({ type: 'compute-task', key: 'nope', node: task('@tsdask/no-such-package#f'), priority: 0, inputs: [] });
    const erred = await link.next('task-erred', 'nope');
    expect(erred.error).toMatchObject({ name: 'OpNotFoundError' });
    expect(String(erred.error['message'])).toContain('@tsdask/no-such-package');
  });

  it('stops with code 1 after closing the connection on a malformed scheduler message', async () => {
    const logs: string[] = [];
    const { workers, links } = await startCluster(open, 1, { log: (l) => logs.push(l) });
    links[0]!.conn.send({ type: 'compute-task', key: 'k' }); // no node, priority or inputs
    expect(await workers[0]!.closed).toMatchObject({ code: 1 });
    expect(logs.join('\n')).toMatch(/'compute-task' message's field 'node'/);
  });

  it('closes a data-port connection that sends a body or an unknown message, and keeps serving others', async () => {
    const { workers, links } = await startCluster(open, 1);
    links[0]!.send({ type: 'receive-data', key: 'v', nbytes: 8 }, encodeWireValue(5));
    await links[0]!.next('task-finished', 'v');
    const { host, port } = parseAddress(workers[0]!.address);
    for (const bad of [
      (c: Awaited<ReturnType<typeof connect>>) => c.sendBody(new Uint8Array(8)),
      (c: Awaited<ReturnType<typeof connect>>) => c.send({ type: 'steal' }),
    ]) {
      const conn = await connect({ host, port, token: TOKEN, role: 'peer' });
      bad(conn);
      expect(await conn.closed).toBeUndefined(); // closed by the worker
    }
    expect((await getData(workers[0]!.address, ['v'])).values.get('v')).toBe(5);
  });

  it('heartbeats the bytes it holds', async () => {
    const { links } = await startCluster(open, 1, {}, 20);
    const link = links[0]!;
    link.send({ type: 'receive-data', key: 'h', nbytes: 4096 }, encodeWireValue(new Uint8Array(4096)));
    await link.next('task-finished', 'h');
    link.messages.splice(0); // heartbeats sent before the value arrived
    expect(await link.next('heartbeat')).toEqual({ type: 'heartbeat', memory: 4096, spilled: 0, executing: 0, ready: 0 });
  });
});
