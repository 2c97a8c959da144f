/**
 * The dashboard's cluster view: worker-added / worker-removed / worker-memory / transfer /
 * nanny-report events (computeId 'cluster') folded into the workers panel, transfer links and
 * the nannies' restarts, checked against sums
 * worked out by hand; they survive compute starts, reach pages through the hub with no compute
 * running, and a cluster compute's task rows without a worker count for no worker.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER_COMPUTE_ID, TaskBatchBuilder, type SchedulerEvent } from '@tsdask/core-graph';
import { Aggregator, DashboardHub, TRANSFER_FIELDS, type ClusterMessage, type ServerMessage } from '@tsdask/dashboard';

const C = CLUSTER_COMPUTE_ID;
const added = (worker: string, name: string, nthreads = 1, memoryLimit = 0): SchedulerEvent => ({
  type: 'worker-added',
  computeId: C,
  worker,
  name,
  nthreads,
  memoryLimit,
});
const transfer = (from: string, to: string, keys: number, bytes: number, ms = 1): SchedulerEvent => ({
  type: 'transfer',
  computeId: C,
  from,
  to,
  keys,
  bytes,
  ms,
});

describe('cluster view', () => {
  it('shows workers joining, their memory and load, transfers summed per pair, and workers that left', () => {
    const a = new Aggregator({ now: () => 5000 });
    a.event(added('h:1', 'alice', 2, 1000));
    a.event(added('h:2', 'bob'));
    const m1 = a.flushCluster()!;
    expect(m1.newWorkers).toEqual([
      { id: 0, name: 'h:1' },
      { id: 1, name: 'h:2' },
    ]);
    expect(m1.workers).toEqual([
      { id: 0, name: 'alice', nthreads: 2, memoryLimit: 1000, processing: 0, held: 0, spilled: 0, state: 'running' },
      { id: 1, name: 'bob', nthreads: 1, memoryLimit: 0, processing: 0, held: 0, spilled: 0, state: 'running' },
    ]);
    expect(a.flushCluster()).toBeNull();

    a.event({ type: 'worker-memory', computeId: C, worker: 'h:1', held: 700, spilled: 30, processing: 3 });
    a.event(transfer('h:1', 'h:2', 2, 100, 4));
    a.event(transfer('h:1', 'h:2', 1, 50, 2));
    a.event(transfer('h:2', 'h:1', 5, 7, 1));
    const m2 = a.flushCluster()!;
    expect(m2.newWorkers).toEqual([]);
    expect(m2.workers.map((w) => [w.id, w.held, w.spilled, w.processing])).toEqual([
      [0, 700, 30, 3],
      [1, 0, 0, 0],
    ]);
    expect(m2.links).toEqual([
      { from: 0, to: 1, keys: 3, bytes: 150, reports: 2 },
      { from: 1, to: 0, keys: 5, bytes: 7, reports: 1 },
    ]);
    expect(m2.transfers).toEqual([0, 1, 2, 100, 4, 5000, 0, 1, 1, 50, 2, 5000, 1, 0, 5, 7, 1, 5000]);

    // A compute starts and ends: the cluster's state stays.
    a.start({ computeId: 'c1', scheduler: 'distributed', ntasks: 1, workers: 2, groups: new Map([['x', 1]]), keys: ['x-1'], groupOf: Int32Array.of(0) });
    a.event({ type: 'worker-memory', computeId: C, worker: 'h:2', held: 40, spilled: 8, processing: 1 });
    a.flushCluster();
    // It leaves: what it held and ran is gone with it.
    a.event({ type: 'worker-removed', computeId: C, worker: 'h:2', name: 'bob', reason: 'connection closed' });
    const m3 = a.flushCluster()!;
    expect(m3.workers).toEqual([
      { id: 1, name: 'bob', nthreads: 1, memoryLimit: 0, processing: 0, held: 0, spilled: 0, state: 'gone', reason: 'connection closed' },
    ]);
    const hello = a.hello();
    expect(hello.cluster?.workers.map((w) => [w.name, w.state])).toEqual([
      ['alice', 'running'],
      ['bob', 'gone'],
    ]);
    expect(hello.cluster?.links.map((l) => l.bytes)).toEqual([150, 7]);
    expect(hello.cluster?.transfers.length).toBe(3 * TRANSFER_FIELDS);
    expect(hello.workers.map((w) => w.name)).toEqual(['h:1', 'h:2']);

    // The same address joins again: running again, no new id.
    a.event(added('h:2', 'bob-2'));
    expect(a.flushCluster()!.workers).toEqual([{ id: 1, name: 'bob-2', nthreads: 1, memoryLimit: 0, processing: 0, held: 0, spilled: 0, state: 'running' }]);
  });

  it('keeps the last transfers only', () => {
    const a = new Aggregator();
    for (let i = 0; i < 250; i++) a.event(transfer('h:1', 'h:2', 1, i));
    a.flushCluster();
    const t = a.hello().cluster!.transfers;
    expect(t.length).toBe(a.clusterView.keepTransfers * TRANSFER_FIELDS);
    expect(t[3]).toBe(250 - a.clusterView.keepTransfers); // bytes of the oldest kept
    expect(a.hello().cluster!.links).toEqual([{ from: 0, to: 1, keys: 250, bytes: (249 * 250) / 2, reports: 250 }]);
  });

  it("lists the nannies' restarts with why each worker died, counted per worker name, and keeps the last ones for later pages", () => {
    let now = 1000;
    const a = new Aggregator({ now: () => now });
    const report = (worker: string, name: string, reason: 'memory' | 'signal' | 'exit', rss: number): SchedulerEvent => ({
      type: 'nanny-report',
      computeId: C,
      worker,
      name,
      reason,
      how: `${reason} of ${name}`,
      rss,
      memoryLimit: 1000,
    });
    a.event(added('h:1', 'worker-0'));
    a.event(report('h:1', 'worker-0', 'memory', 990));
    a.event({ type: 'worker-removed', computeId: C, worker: 'h:1', name: 'worker-0', reason: 'memory of worker-0' });
    const m1 = a.flushCluster()!;
    expect(m1.restarts).toEqual([
      { time: 1000, name: 'worker-0', worker: 'h:1', reason: 'memory', how: 'memory of worker-0', rss: 990, memoryLimit: 1000, count: 1 },
    ]);
    expect(m1.workers.map((w) => [w.name, w.state, w.reason])).toEqual([['worker-0', 'gone', 'memory of worker-0']]);
    // Restarted under a new address, it dies again; another worker dies once, before it joined.
    now = 2000;
    a.event(added('h:3', 'worker-0'));
    a.event(report('h:3', 'worker-0', 'signal', 10));
    a.event(report('', 'worker-1', 'exit', 0));
    expect(a.flushCluster()!.restarts.map((r) => [r.name, r.worker, r.reason, r.count, r.time])).toEqual([
      ['worker-0', 'h:3', 'signal', 2, 2000],
      ['worker-1', '', 'exit', 1, 2000],
    ]);
    expect(a.flushCluster()).toBeNull(); // nothing new
    expect(a.hello().cluster!.restarts.map((r) => [r.name, r.count])).toEqual([
      ['worker-0', 1],
      ['worker-0', 2],
      ['worker-1', 1],
    ]);
    // Only the last keepRestarts are kept for later pages; the counts go on.
    for (let i = 0; i < 150; i++) a.event(report('h:3', 'worker-0', 'memory', i));
    a.flushCluster();
    const kept = a.hello().cluster!.restarts;
    expect(kept.length).toBe(a.clusterView.keepRestarts);
    expect(kept.at(-1)!.count).toBe(152);
    expect(kept[0]!.count).toBe(152 - a.clusterView.keepRestarts + 1);
  });

  it('a local aggregator sends no cluster state', () => {
    const a = new Aggregator();
    expect(a.flushCluster()).toBeNull();
    expect('cluster' in a.hello()).toBe(false);
  });

  it("a cluster compute's task rows without a worker count for no worker (no 'main')", () => {
    const a = new Aggregator();
    a.start({
      computeId: 'c1',
      scheduler: 'distributed',
      ntasks: 2,
      workers: 1,
      groups: new Map([['x', 2]]),
      keys: ['x-1', 'x-2'],
      groupOf: Int32Array.of(0, 0),
    });
    const b = new TaskBatchBuilder(['x-1', 'x-2'], Int32Array.of(0, 0), ['x']);
    const w = b.workerIndex('h:1');
    b.push(0, 5, w, 1, 2, 0); // erred on h:1
    b.push(1, 5, -1, 2, 0, 0); // erred because x-1 did: ran nowhere
    a.taskBatch(b);
    const batch = a.flush()!;
    expect(batch.erred).toBe(2);
    expect(batch.newWorkers.map((x) => x.name)).toEqual(['h:1']);
    expect(batch.workers).toEqual([expect.objectContaining({ id: 0, erred: 1 })]);
    expect(batch.errors.map((e) => [e.key, e.worker])).toEqual([
      ['x-1', 0],
      ['x-2', -1],
    ]);
  });

  it('the hub sends cluster messages whether or not a compute runs', () => {
    const hub = new DashboardHub({ global: false, intervalMs: 1000 });
    const got: ServerMessage[] = [];
    hub.addClient({ send: (t) => got.push(JSON.parse(t) as ServerMessage), bufferedAmount: () => 0 });
    hub.callbacks.event!(added('h:1', 'alice'));
    hub.callbacks.event!(transfer('h:9', 'h:1', 1, 64));
    hub.tick();
    hub.close();
    expect(got.map((m) => m.type)).toEqual(['hello', 'cluster']);
    const c = got[1] as ClusterMessage;
    expect(c.workers.map((w) => w.name)).toEqual(['alice', '']);
    expect(c.links).toEqual([{ from: 1, to: 0, keys: 1, bytes: 64, reports: 1 }]);
  });
});
