/**
 * SchedulerServer against fake workers and fake clients on 127.0.0.1 speaking the protocol by
 * hand: a small DAG run in dependency order with the right holders, a worker lost mid-task, two
 * clients wanting one key, releases freeing results on workers, refused graphs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deserializeError, serializeError, type SerializedError } from '@tsdask/core-graph';
import { connect, decodeNode, type Connection } from '@tsdask/scheduler-distributed';
import { Cleanup, fakeClient, fakeWorker, graphMsg, Mailbox, startServer, TOKEN } from './server-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const W1 = '127.0.0.1:1001';
const W2 = '127.0.0.1:1002';

/** A server, two fake workers (by address) and one fake client 'C'. */
async function cluster(opts: Parameters<typeof startServer>[1] = {}) {
  const { server, logs } = await startServer(cleanup, opts);
  const box = new Mailbox();
  const w = new Map<string, Connection>();
  w.set(W1, await fakeWorker(server, box, W1, cleanup));
  w.set(W2, await fakeWorker(server, box, W2, cleanup));
  const client = await fakeClient(server, box, 'C', cleanup);
  return { server, logs, box, w, client };
}

describe('SchedulerServer', () => {
  it('runs a 3-task graph on 2 workers in dependency order, naming the holders of each input', async () => {
    const { logs, box, w, client } = await cluster();
    const msg = graphMsg(1, { a: [], b: [], c: ['a', 'b'] }, ['c']);
    client.send(msg);
    await box.msg('graph-accepted', { by: 'C' });
    const a = await box.msg('compute-task', { key: 'a' });
    const b = await box.msg('compute-task', { key: 'b' });
    expect(a.msg['inputs']).toEqual([]);
    expect(decodeNode(a.msg['node'] as string)).toEqual(decodeNode(msg.nodes[0]!)); // forwarded as sent
    expect(box.pending('compute-task')).toEqual([]); // c waits for a and b
    w.get(a.by)!.send({ type: 'task-finished', key: 'a', nbytes: 100 });
    w.get(b.by)!.send({ type: 'task-finished', key: 'b', nbytes: 10 });
    const c = await box.msg('compute-task', { key: 'c' });
    expect(c.msg['inputs']).toEqual([
      { key: 'a', whoHas: [a.by], nbytes: 100 },
      { key: 'b', whoHas: [b.by], nbytes: 10 },
    ]);
    expect(c.by).toBe(a.by); // where most input bytes are
    w.get(c.by)!.send({ type: 'task-finished', key: 'c', nbytes: 8 });
    expect((await box.msg('task-done', { by: 'C' })).msg).toEqual({ type: 'task-done', key: 'c', nbytes: 8 });
    // a and b are needed no more: their holders are told to drop them.
    const freed = new Set<string>();
    while (!(freed.has('a') && freed.has('b'))) for (const k of (await box.msg('free-keys')).msg['keys'] as string[]) freed.add(k);
    expect(logs.filter((l) => l.includes('joined'))).toHaveLength(2);
  });

  it('takes a graph whose update-graph is past the default 16 MiB frame limit from a client, and keeps workers to that limit', async () => {
    // The fake workers send no heartbeats: on a loaded machine a graph this big may take longer to go in than the default timeout.
    const { logs, box, w, client } = await cluster({ heartbeatTimeoutMs: 120_000 });
    const drawn: Record<string, string[]> = {};
    for (let i = 0; i < 60_000; i++) drawn[`big-graph-${'k'.repeat(200)}-${i}`] = [];
    const msg = graphMsg(1, drawn, Object.keys(drawn));
    client.send(msg);
    expect((await box.msg('graph-accepted', { by: 'C' })).msg['id']).toBe(1);
    const first = await box.msg('compute-task');
    expect(first.msg['key']).toMatch(/^big-graph-k+-\d+$/);
    // A worker may not send such a frame: its connection is closed, the scheduler keeps serving.
    const worker = w.get(W1)!;
    worker.send({ type: 'heartbeat', memory: 0, executing: 0, ready: 0, pad: 'x'.repeat(17 * 1024 * 1024) });
    await worker.closed;
    // The scheduler logs the reason once it sees the close (its graph may still be going in, slice by slice).
    await vi.waitFor(() => expect(logs.some((l) => l.includes(`over the limit of ${16 * 1024 * 1024}`))).toBe(true), { timeout: 10_000 });
  });

  it('sends the task of a worker whose connection dropped to the other worker', async () => {
    const { server, logs, box, w, client } = await cluster();
    client.send(graphMsg(1, { x: [] }, ['x']));
    const first = await box.msg('compute-task', { key: 'x' });
    w.get(first.by)!.close();
    const other = first.by === W1 ? W2 : W1;
    const again = await box.msg('compute-task', { key: 'x' });
    expect(again.by).toBe(other);
    expect(server.workers).toEqual([other]);
    expect(logs.some((l) => l.includes(`worker ${first.by} left: connection closed`))).toBe(true);
    w.get(other)!.send({ type: 'task-finished', key: 'x', nbytes: 1 });
    expect((await box.msg('task-done', { by: 'C' })).msg['key']).toBe('x');
  });

  it('removes a worker that stops sending heartbeats and reschedules its task', async () => {
    const { server, logs } = await startServer(cleanup, { heartbeatTimeoutMs: 100 });
    const box = new Mailbox();
    const quiet = await fakeWorker(server, box, W1, cleanup);
    const client = await fakeClient(server, box, 'C', cleanup);
    client.send(graphMsg(1, { x: [] }, ['x']));
    await box.msg('compute-task', { key: 'x', by: W1 });
    const w2 = await fakeWorker(server, box, W2, cleanup);
    // W2 keeps talking; W1 stays silent until the scheduler gives up on it.
    const beat = setInterval(() => w2.send({ type: 'heartbeat', memory: 0, executing: 0, ready: 0 }), 20);
    cleanup.add(() => clearInterval(beat));
    const again = await box.msg('compute-task', { key: 'x', by: W2 });
    expect(again.msg['key']).toBe('x');
    await quiet.closed;
    expect(logs.some((l) => l.includes(`worker ${W1} left: no message for`))).toBe(true);
  });

  it('computes a key two clients want once, tells both, and frees it on the worker when both released it', async () => {
    const { server, box, w, client } = await cluster();
    const other = await fakeClient(server, box, 'D', cleanup);
    client.send(graphMsg(1, { k: [] }, ['k']));
    const ct = await box.msg('compute-task', { key: 'k' });
    other.send(graphMsg(7, { k: [] }, ['k']));
    await box.msg('graph-accepted', { by: 'D' });
    w.get(ct.by)!.send({ type: 'task-finished', key: 'k', nbytes: 5 });
    await box.msg('task-done', { by: 'C', key: 'k' });
    await box.msg('task-done', { by: 'D', key: 'k' });
    // A third client asking for it later hears at once, without a second compute.
    const late = await fakeClient(server, box, 'E', cleanup);
    late.send(graphMsg(2, { k: [] }, ['k']));
    await box.msg('task-done', { by: 'E', key: 'k' });
    expect(box.pending('compute-task')).toEqual([]);
    client.send({ type: 'release-keys', keys: ['k'] });
    late.send({ type: 'release-keys', keys: ['k'] });
    // Still wanted by D: a who-has round trip (answered in order) shows it is still held.
    other.send({ type: 'who-has', id: 3, keys: ['k'] });
    expect((await box.msg('who-has-reply', { by: 'D' })).msg['whoHas']).toEqual({ k: [ct.by] });
    expect(box.pending('free-keys')).toEqual([]);
    other.close(); // a client that leaves releases what it wanted
    expect((await box.msg('free-keys', { by: ct.by })).msg['keys']).toEqual(['k']);
    expect(server.state.stateOf('k')).toBe('forgotten');
  });

  it('refuses a graph with a broken CSR, a cycle, an unknown output or a held key it does not hold, and runs nothing of it', async () => {
    const { server, box, client } = await cluster();
    const good = graphMsg(1, { a: [], b: ['a'] }, ['b']);
    const cases: [object, string][] = [
      [{ ...good, id: 1, depIdx: [5] }, 'MessageShapeError'],
      [{ ...good, id: 2, depPtr: [0, 2, 1] }, 'MessageShapeError'],
      [{ ...good, id: 3, nodes: good.nodes.slice(1) }, 'MessageShapeError'],
      [graphMsg(4, { a: ['b'], b: ['a'] }, ['a']), 'GraphCycleError'],
      [{ ...good, id: 5, outputs: ['nope'] }, 'MessageShapeError'],
      [{ ...good, id: 6, held: ['a'] }, 'NotHeldError'],
    ];
    for (const [m, name] of cases) {
      client.send(m);
      const r = await box.msg('graph-refused', { by: 'C' });
      expect([r.msg['id'], (r.msg['error'] as { name: string }).name]).toEqual([(m as { id: number }).id, name]);
    }
    expect(server.state.tasks.size).toBe(0);
    expect(box.pending('compute-task')).toEqual([]);
    client.send(good); // the connection still works
    await box.msg('graph-accepted', { by: 'C' });
    await box.msg('compute-task', { key: 'a' });
  });

  it('sends define-ops with new sources to every worker, and all known sources to a worker that joins later', async () => {
    const { server, box, client } = await cluster();
    client.send(graphMsg(1, { a: [] }, ['a'], { sources: [['fn:1', 'x => x']] }));
    expect((await box.msg('define-ops', { by: W1 })).msg['sources']).toEqual([['fn:1', 'x => x']]);
    expect((await box.msg('define-ops', { by: W2 })).msg['sources']).toEqual([['fn:1', 'x => x']]);
    await box.msg('graph-accepted', { by: 'C' });
    await fakeWorker(server, box, '127.0.0.1:1003', cleanup);
    expect((await box.msg('define-ops', { by: '127.0.0.1:1003' })).msg['sources']).toEqual([['fn:1', 'x => x']]);
  });

  it('passes a task error to the client with its class and message, and fails the dependents that wanted it', async () => {
    const { box, w, client } = await cluster();
    client.send(graphMsg(1, { a: [], b: ['a'] }, ['a', 'b']));
    const a = await box.msg('compute-task', { key: 'a' });
    w.get(a.by)!.send({ type: 'task-erred', key: 'a', error: serializeError(new TypeError('boom in a')) });
    const errs = [await box.msg('task-erred', { by: 'C', key: 'a' }), await box.msg('task-erred', { by: 'C', key: 'b' })];
    for (const e of errs) {
      const err = deserializeError(e.msg['error'] as SerializedError);
      expect([err.name, err.message, err instanceof TypeError]).toEqual(['TypeError', 'boom in a', true]);
    }
    expect(box.pending('compute-task')).toEqual([]);
  });

  it('answers a result it did not ask for with free-keys, refuses a second worker with the same address, and tells workers to exit on close', async () => {
    const { server, logs, box, w } = await cluster();
    w.get(W1)!.send({ type: 'task-finished', key: 'stray', nbytes: 3 });
    expect((await box.msg('free-keys', { by: W1 })).msg['keys']).toEqual(['stray']);
    const twin = await connect({ port: server.address.port, token: TOKEN, role: 'worker' });
    cleanup.add(() => twin.close());
    twin.send({ type: 'register-worker', name: 'twin', address: W1, nthreads: 1, memoryLimit: 0, pid: 2 });
    await twin.closed;
    expect(logs.some((l) => l.includes(`data address ${W1} is already registered`))).toBe(true);
    expect(server.workers).toEqual([W1, W2]);
    await server.close();
    expect((await box.msg('close-worker', { by: W1 })).msg['reason']).toContain('closing');
    expect((await box.msg('close-worker', { by: W2 })).msg['reason']).toContain('closing');
  });
});
