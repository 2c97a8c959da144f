/**
 * The scheduler's cluster events through a real SchedulerServer and fake workers speaking the
 * protocol by hand: worker-added (also replayed to a late subscriber), worker-memory from
 * heartbeats (spilled when the heartbeat has it, processing as the scheduler counts it),
 * transfer from a worker's `transfers` report, worker-removed with the reason; a malformed
 * report closes that worker's connection only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_COMPUTE_ID, type SchedulerEvent } from '@tsdask/core-graph';
import { connect } from '@tsdask/scheduler-distributed';
import { Cleanup, fakeClient, fakeWorker, graphMsg, Mailbox, startServer, TOKEN } from './server-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Resolves once `pred` holds (checked every 5 ms), or fails after 5 s saying what it waited for. */
async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('scheduler cluster events', () => {
  it('tells workers joining and leaving, their memory and load, and their transfers', async () => {
    const { server } = await startServer(cleanup);
    const box = new Mailbox();
    // A worker with a name and a memory limit of its own, registered by hand.
    const named = await connect({ port: server.address.port, token: TOKEN, role: 'worker' });
    cleanup.add(() => named.close());
    box.attach(named, 'w1');
    named.send({ type: 'register-worker', name: 'alice', address: '127.0.0.1:1001', nthreads: 2, memoryLimit: 1e9, pid: 1 });
    await box.msg('worker-welcome', { by: 'w1' });

    // Subscribed after the first worker joined: it hears of it all the same.
    const events: SchedulerEvent[] = [];
    cleanup.add(server.subscribe({ event: (e) => void events.push(e) }));
    expect(events).toEqual([{ type: 'worker-added', computeId: CLUSTER_COMPUTE_ID, worker: '127.0.0.1:1001', name: 'alice', nthreads: 2, memoryLimit: 1e9 }]);
    const w2 = await fakeWorker(server, box, '127.0.0.1:1002', cleanup);
    await until(() => events.length === 2, 'the second worker-added');
    expect(events[1]).toMatchObject({ type: 'worker-added', worker: '127.0.0.1:1002', nthreads: 1, memoryLimit: 0 });

    // Three root tasks go out; each worker's processing count is the compute-tasks it received (none finished).
    const client = await fakeClient(server, box, 'C', cleanup);
    client.send(graphMsg(1, { a: [], b: [], c: [] }, ['a', 'b', 'c']));
    const sentTo: string[] = [];
    for (let i = 0; i < 3; i++) sentTo.push((await box.msg('compute-task')).by);
    named.send({ type: 'heartbeat', memory: 1234, executing: 1, ready: 0, spilled: 99 });
    w2.send({ type: 'heartbeat', memory: 5, executing: 0, ready: 0 });
    await until(() => events.filter((e) => e.type === 'worker-memory').length === 2, 'two worker-memory events');
    const count = (by: string) => sentTo.filter((x) => x === by).length;
    expect(events.filter((e) => e.type === 'worker-memory')).toEqual([
      { type: 'worker-memory', computeId: CLUSTER_COMPUTE_ID, worker: '127.0.0.1:1001', held: 1234, spilled: 99, processing: count('w1') },
      { type: 'worker-memory', computeId: CLUSTER_COMPUTE_ID, worker: '127.0.0.1:1002', held: 5, processing: count('127.0.0.1:1002') },
    ]);

    // w2 fetched from w1: one event per row.
    w2.send({
      type: 'transfers',
      rows: [
        ['127.0.0.1:1001', 3, 3000, 1.5],
        ['127.0.0.1:1009', 1, 10, 0.5],
      ],
    });
    await until(() => events.filter((e) => e.type === 'transfer').length === 2, 'two transfer events');
    expect(events.filter((e) => e.type === 'transfer')).toEqual([
      { type: 'transfer', computeId: CLUSTER_COMPUTE_ID, from: '127.0.0.1:1001', to: '127.0.0.1:1002', keys: 3, bytes: 3000, ms: 1.5 },
      { type: 'transfer', computeId: CLUSTER_COMPUTE_ID, from: '127.0.0.1:1009', to: '127.0.0.1:1002', keys: 1, bytes: 10, ms: 0.5 },
    ]);

    // The named worker's connection drops.
    named.close();
    await until(() => events.some((e) => e.type === 'worker-removed'), 'worker-removed');
    const removed = events.find((e) => e.type === 'worker-removed')!;
    expect(removed).toMatchObject({ type: 'worker-removed', computeId: CLUSTER_COMPUTE_ID, worker: '127.0.0.1:1001', name: 'alice' });
    expect(removed.type === 'worker-removed' && removed.reason).toMatch(/connection closed/);
  });

  it('closes the connection of a worker whose transfers report is malformed, and keeps serving', async () => {
    const { server, logs } = await startServer(cleanup);
    const box = new Mailbox();
    const w = await fakeWorker(server, box, '127.0.0.1:1001', cleanup);
    w.send({ type: 'transfers', rows: [['127.0.0.1:1002', -1, 10, 1]] });
    await w.closed;
    expect(logs.some((l) => l.includes("field 'rows'"))).toBe(true);
    await until(() => server.workers.length === 0, 'the worker to be removed');
    await fakeWorker(server, box, '127.0.0.1:1003', cleanup);
    expect(server.workers).toEqual(['127.0.0.1:1003']);
  });
});
