// The scheduler's use of a nanny's worker-died report, against a fake nanny, fake workers and a
// fake client on 127.0.0.1: the KilledWorkerError of a task whose worker died says what the nanny
// said (report after the drop, or before it; the report is also a 'nanny-report' cluster event for the
// dashboard's restarts), says what the scheduler saw when no report comes in
// time or the nanny is gone, and a worker without a nanny is removed as before. A malformed
// nanny message closes that connection only.
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_COMPUTE_ID, deserializeError, type SchedulerEvent, type SerializedError } from '@tsdask/core-graph';
import { connect, KilledWorkerError, type Connection, type SchedulerServer, type WorkerDiedMsg } from '@tsdask/scheduler-distributed';
import { describeDeath } from '../../src/nanny/policy.js';
import { Cleanup, fakeClient, graphMsg, Mailbox, startServer, TOKEN } from '../scheduler/server-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const W = '127.0.0.1:2001';

/** A fake nanny, registered (welcome taken). */
async function fakeNanny(server: SchedulerServer, box: Mailbox, id: string): Promise<Connection> {
  const conn = await connect({ port: server.address.port, token: TOKEN, role: 'nanny' });
  cleanup.add(() => conn.close());
  box.attach(conn, `nanny ${id}`);
  conn.send({ type: 'register-nanny', id, name: 'w', pid: 10 });
  await box.msg('nanny-welcome', { by: `nanny ${id}` });
  return conn;
}

/** A fake worker at W that registers with `nanny` (or none). */
async function worker(server: SchedulerServer, box: Mailbox, nanny: string | undefined): Promise<Connection> {
  const conn = await connect({ port: server.address.port, token: TOKEN, role: 'worker' });
  cleanup.add(() => conn.close());
  box.attach(conn, W);
  conn.send({ type: 'register-worker', name: 'w', address: W, nthreads: 1, memoryLimit: 300e6, pid: 11, ...(nanny !== undefined ? { nanny } : {}) });
  await box.msg('worker-welcome', { by: W });
  return conn;
}

const report: WorkerDiedMsg = {
  type: 'worker-died',
  address: W,
  name: 'w',
  pid: 11,
  signal: 'SIGKILL',
  rss: 290e6,
  memoryLimit: 300e6,
  reason: 'memory',
  lastLines: ['allocating', 'still allocating'],
};

/** A scheduler (allowedFailures 0: one death fails the task), a client 'C' that wants task x, and x running on the fake worker. */
async function running(nanny: string | undefined, nannyHoldMs: number) {
  const heard: [WorkerDiedMsg, string][] = [];
  const { server, logs } = await startServer(cleanup, { nannyHoldMs, state: { allowedFailures: 0 }, onNannyReport: (r, how) => heard.push([r, how]) });
  const box = new Mailbox();
  const n = nanny !== undefined ? await fakeNanny(server, box, nanny) : undefined;
  const w = await worker(server, box, nanny);
  const client = await fakeClient(server, box, 'C', cleanup);
  client.send(graphMsg(1, { x: [] }, ['x']));
  await box.msg('compute-task', { key: 'x', by: W });
  return { server, logs, box, n, w, heard };
}

/** The KilledWorkerError the client got for x. */
async function killed(box: Mailbox): Promise<KilledWorkerError> {
  const err = deserializeError((await box.msg('task-erred', { by: 'C', key: 'x' })).msg['error'] as SerializedError);
  expect(err).toBeInstanceOf(KilledWorkerError);
  return err as KilledWorkerError;
}

describe('nanny reports at the scheduler', () => {
  it('a report that comes after the drop gives KilledWorkerError its reason (the removal waits for it)', async () => {
    const { server, box, n, w, heard } = await running('n1', 60_000); // a removal not completed by the report would time the test out
    const events: SchedulerEvent[] = [];
    cleanup.add(server.subscribe({ event: (e) => void events.push(e) }));
    w.close();
    await new Promise((r) => setTimeout(r, 50));
    n!.send(report);
    const err = await killed(box);
    expect(err.workers).toEqual([W]);
    expect(err.how).toEqual([describeDeath(report)]);
    expect(err.how[0]).toMatch(/^killed by its nanny for memory: memory use 97% of its 300 MB limit/);
    expect(err.message).toContain('still allocating');
    expect(heard).toEqual([[report, describeDeath(report)]]); // onNannyReport
    // The worker's removal (the report completed it), then the cluster event the dashboard lists as a restart.
    expect(events.filter((e) => e.type === 'nanny-report' || e.type === 'worker-removed')).toEqual([
      { type: 'worker-removed', computeId: CLUSTER_COMPUTE_ID, worker: W, name: 'w', reason: describeDeath(report) },
      {
        type: 'nanny-report',
        computeId: CLUSTER_COMPUTE_ID,
        worker: W,
        name: 'w',
        reason: 'memory',
        how: describeDeath(report),
        rss: 290e6,
        memoryLimit: 300e6,
      },
    ]);
  });

  it('a report that comes before the drop is kept for it', async () => {
    const { server, box, n, w } = await running('n2', 60_000);
    n!.send(report);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.workers).toEqual([W]); // a report alone removes nothing
    w.close();
    expect((await killed(box)).how).toEqual([describeDeath(report)]);
  });

  it('without a report within the hold, the reason is what the scheduler saw', async () => {
    const { box, w } = await running('n3', 200);
    w.close();
    expect((await killed(box)).how).toEqual(['connection closed']);
  });

  it('a worker whose nanny is gone is removed at once, and one without a nanny as before', async () => {
    const a = await running('n4', 60_000);
    a.n!.close();
    await new Promise((r) => setTimeout(r, 50));
    a.w.close();
    expect((await killed(a.box)).how).toEqual(['connection closed']);
    await cleanup.run();
    const b = await running(undefined, 60_000);
    b.w.close();
    expect((await killed(b.box)).how).toEqual(['connection closed']);
  });

  it('a task sent to a worker while its removal waits for the report does not count that death against the task', async () => {
    const { server, box, n, w } = await running('n7', 60_000);
    const other = '127.0.0.1:2002';
    const b = await connect({ port: server.address.port, token: TOKEN, role: 'worker' });
    cleanup.add(() => b.close());
    box.attach(b, other);
    b.send({ type: 'register-worker', name: 'b', address: other, nthreads: 1, memoryLimit: 0, pid: 12 });
    await box.msg('worker-welcome', { by: other });
    const client = await fakeClient(server, box, 'C2', cleanup);
    client.send(graphMsg(2, { z: [] }, ['z']));
    await box.msg('compute-task', { key: 'z', by: other }); // the other worker is as busy as W now
    w.close(); // W's removal waits for its nanny; W, still in the machine, wins the tie for y (it joined first)
    await new Promise((r) => setTimeout(r, 50));
    client.send(graphMsg(3, { y: [] }, ['y']));
    await new Promise((r) => setTimeout(r, 100));
    expect(box.pending('compute-task')).toEqual([]); // y went to W, whose connection is closed
    n!.send(report);
    // x ran on W (allowedFailures 0: it fails); y never reached W: it runs on the other worker
    expect((await killed(box)).workers).toEqual([W]);
    const y = await box.msg('compute-task', { key: 'y', by: other });
    b.send({ type: 'task-finished', key: 'y', nbytes: 8 });
    expect((await box.msg('task-done', { by: 'C2', key: 'y' })).msg['key']).toBe('y');
    expect(y.by).toBe(other);
  });

  it('closes a nanny connection that sends a malformed report or anything before register-nanny; the scheduler keeps serving', async () => {
    const { server, logs } = await startServer(cleanup);
    const box = new Mailbox();
    const n = await fakeNanny(server, box, 'n5');
    n.send({ ...report, reason: 'boredom' });
    await n.closed; // closed by the scheduler (else the test times out)
    const early = await connect({ port: server.address.port, token: TOKEN, role: 'nanny' });
    cleanup.add(() => early.close());
    early.send(report);
    await early.closed;
    expect(logs.join('\n')).toMatch(/field 'reason'/);
    expect(logs.join('\n')).toMatch(/must send register-nanny first/);
    await fakeNanny(server, box, 'n6');
  });
});
