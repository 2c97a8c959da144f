/**
 * The cluster's dashboard on a real LocalCluster (a scheduler and 2 worker processes on
 * 127.0.0.1): the scheduler prints its URL, a request without the cluster token is refused, and
 * a WebSocket client gets the hello snapshot with both workers, then sees a compute whose last
 * task reads inputs from both workers finish (the task count worked out by hand), the workers'
 * memory from their heartbeats and at least one transfer between them. Also: the bin's --help
 * lists the dashboard flags. (As distributed's test_dashboard_*: the dashboard is served by the
 * scheduler and shows its workers.)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { compute, delayed } from '@tsdask/core-graph';
import type { BatchMessage, ClusterMessage, HelloMessage, ServerMessage } from '@tsdask/dashboard';
import { startCluster, type Running } from './cluster-support.js';

const LEN = 1000; // float64 per input: 8000 bytes each

let run: Running;
let ws: WebSocket | undefined;
beforeAll(async () => {
  run = await startCluster({ nWorkers: 2 });
});
afterAll(async () => {
  ws?.terminate();
  await run?.stop();
});

/** Resolves once `pred` holds (checked every 20 ms), or fails after `ms` saying what it waited for. */
async function until(pred: () => boolean, what: string, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe('the cluster dashboard', () => {
  it('requires the token, and streams the workers, a compute, worker memory and transfers', async () => {
    const url = run.cluster.dashboardUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    const page = new URL(url!);
    expect(page.searchParams.get('token')).toBe(run.cluster.token);
    expect((await fetch(new URL('/api/state', page.origin))).status).toBe(401);
    expect((await fetch(new URL('/api/state?token=wrong', page.origin))).status).toBe(401);
    expect((await fetch(url!)).status).toBe(200);

    const got: ServerMessage[] = [];
    ws = new WebSocket(`ws://${page.host}/ws`, { headers: { authorization: `Bearer ${run.cluster.token}` } });
    ws.on('message', (d: Buffer) => got.push(JSON.parse(d.toString()) as ServerMessage));
    await new Promise<void>((resolve, reject) => {
      ws!.once('open', () => resolve());
      ws!.once('error', reject);
    });
    await until(() => got.length > 0, 'the hello message');
    const hello = got[0] as HelloMessage;
    expect(hello.type).toBe('hello');
    const addresses = run.cluster.workers.map((w) => w.address).sort();
    const byId = new Map(hello.workers.map((w) => [w.id, w.name]));
    expect(hello.cluster!.workers.map((w) => [byId.get(w.id), w.name, w.state, w.nthreads]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual(
      run.cluster.workers.map((w) => [w.address, w.name, 'running', 1]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect([...byId.values()].sort()).toEqual(addresses);

    // Two inputs of 8000 bytes (root tasks: one per worker), and a task that reads both: one input crosses.
    const mk = delayed((i: number) => new Float64Array(1000).fill(i + 1), { name: 'mk' });
    const both = delayed((a: Float64Array, b: Float64Array) => a.reduce((t, x) => t + x, 0) + b.reduce((t, x) => t + x, 0), { name: 'both' });
    const [total] = await compute(both(mk(0), mk(1)), { scheduler: run.client, optimize: { fuse: false, inline: false } });
    expect(total).toBe(LEN * 1 + LEN * 2);

    const start = got.find((m) => m.type === 'compute-start');
    expect(start && start.type === 'compute-start' && start.compute.scheduler).toBe('distributed');
    expect(start && start.type === 'compute-start' && start.compute.ntasks).toBe(3);
    const computeId = start && start.type === 'compute-start' ? start.compute.computeId : '';
    await until(() => got.some((m) => m.type === 'compute-finish' && m.computeId === computeId), 'compute-finish');
    expect(got.find((m) => m.type === 'compute-finish')).toMatchObject({ ok: true });
    const batches = got.filter((m): m is BatchMessage => m.type === 'batch' && m.computeId === computeId);
    expect(batches[batches.length - 1]!.done).toBe(3);
    // The two mk tasks ran one per worker (bars name the worker ids of both).
    const barWorkers = new Set<number>();
    for (const b of batches) for (let i = 0; i < b.bars.length; i += 6) barWorkers.add(b.bars[i]!);
    expect([...barWorkers].map((id) => byId.get(id)).sort()).toEqual(addresses);

    // Heartbeats bring memory; the worker that fetched an input reports the transfer (8000 bytes, one key).
    const cluster = () => got.filter((m): m is ClusterMessage => m.type === 'cluster');
    await until(() => cluster().some((m) => m.links.length > 0), 'a transfer between the workers');
    const link = cluster()
      .flatMap((m) => m.links)
      .pop()!;
    expect([byId.get(link.from), byId.get(link.to)].sort()).toEqual(addresses);
    expect(link).toMatchObject({ keys: 1, bytes: 8 * LEN });
    // A future keeps 8000 bytes on a worker: its heartbeat says so.
    const kept = run.client.submit((n: number) => new Float64Array(n).fill(1), LEN);
    expect(((await kept.result()) as Float64Array).length).toBe(LEN);
    await until(() => cluster().some((m) => m.workers.some((w) => w.held >= 8 * LEN)), 'worker memory from a heartbeat');
  });

  it("the scheduler bin's --help lists the dashboard flags", () => {
    const bin = fileURLToPath(new URL('../../dist/bin/scheduler.js', import.meta.url));
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/--dashboard-port PORT/);
    expect(help).toMatch(/--no-dashboard/);
  });
});
