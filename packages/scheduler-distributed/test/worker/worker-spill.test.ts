// Real workers spilling to disk, against the fake scheduler: a worker whose results outgrow the
// target of its memory limit writes the least recently used to its spill folder and reports
// spilled bytes in its heartbeat; a spilled value comes back right to a client's get-data, to a
// peer that fetches it as a task's input, and to a task of its own; freed values lose their
// files, and close removes the folder. Expected values come from plain loops.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HeartbeatMsg, Worker } from '@tsdask/scheduler-distributed';
import { getData, startCluster, task, type WorkerLink } from './fake-scheduler.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});
const parent = mkdtempSync(join(tmpdir(), 'tsdask-worker-spill-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const RANGE = 'fn:spill-range-0';
const RANGE_SRC = '(n, s) => Float64Array.from({ length: n }, (_, j) => s + j * 0.5)';
const SUM = 'fn:spill-sum-0';
const SUM_SRC = 'function (xs) { let s = 0; for (const x of xs) s += x; return s; }';
const N = 2000; // 16 KB per value

const expectedRange = (s: number) => Float64Array.from({ length: N }, (_, j) => s + j * 0.5);
function expectedSum(s: number): number {
  let t = 0;
  for (let j = 0; j < N; j++) t += s + j * 0.5;
  return t;
}

/** The next heartbeat of `link` that satisfies `ok` (heartbeats come every 20 ms; gives up after 1000). */
async function heartbeat(link: WorkerLink, ok: (m: HeartbeatMsg) => boolean): Promise<HeartbeatMsg> {
  for (let i = 0; i < 1000; i++) {
    const m = await link.next('heartbeat');
    if (ok(m)) return m;
  }
  throw new Error('no heartbeat as awaited');
}

const spillFolders = () => readdirSync(parent).filter((n) => n.startsWith('tsdask-spill-'));
const spillFiles = () => spillFolders().flatMap((f) => readdirSync(join(parent, f)));

describe('Worker spilling', () => {
  it('spills past the target, serves spilled values to a client, a peer and its own tasks, frees files, and removes its folder on close', async () => {
    // Only the target acts (process memory readings are off), so what spills depends on the stored bytes alone.
    const opts = { memoryLimit: 100_000, memorySpill: false as const, memoryPause: false as const, localDirectory: parent };
    const { workers, links } = await startCluster(open, 2, opts, 20);
    const [a, b] = workers as [Worker, Worker];
    const [la, lb] = links as [WorkerLink, WorkerLink];
    for (const l of links)
      l.send({
        type: 'define-ops',
        sources: [
          [RANGE, RANGE_SRC],
          [SUM, SUM_SRC],
        ],
      });
    for (let i = 0; i < 10; i++) la.send({ type: 'compute-task', key: `x${i}`, node: task(RANGE, N, i), priority: i, inputs: [] });
    for (let i = 0; i < 10; i++) expect((await la.next('task-finished', `x${i}`)).nbytes).toBe(8 * N);

    // 160 KB of results on a 100 KB limit: what is over 60 KB went to disk. Heartbeats queued
    // while the tasks ran are dropped: one sent before the last result was stored reads less.
    la.dropQueued('heartbeat');
    const hb = await heartbeat(la, (m) => (m.spilled ?? 0) > 0 && m.memory <= 60_000);
    expect(hb.memory + (hb.spilled ?? 0)).toBeGreaterThanOrEqual(160_000);
    expect(spillFolders()).toHaveLength(1); // a's; b holds nothing yet
    expect(spillFiles().length).toBeGreaterThanOrEqual(6);

    // A client gathers the oldest (spilled first) and the newest.
    const got = await getData(a.address, ['x0', 'x9']);
    expect(got.reply.missing).toEqual([]);
    expect(Array.from(got.values.get('x0') as Float64Array)).toEqual(Array.from(expectedRange(0)));
    expect(Array.from(got.values.get('x9') as Float64Array)).toEqual(Array.from(expectedRange(9)));

    // A peer fetches a spilled value as its task's input; a task of a's own reads one back.
    lb.send({ type: 'compute-task', key: 'y', node: task(SUM, { ref: 'x1' }), priority: 0, inputs: [{ key: 'x1', whoHas: [a.address], nbytes: 8 * N }] });
    la.send({ type: 'compute-task', key: 'z', node: task(SUM, { ref: 'x2' }), priority: 0, inputs: [{ key: 'x2', whoHas: [a.address], nbytes: 8 * N }] });
    await lb.next('task-finished', 'y');
    await la.next('task-finished', 'z');
    expect((await getData(b.address, ['y'])).values.get('y')).toBe(expectedSum(1));
    expect((await getData(a.address, ['z'])).values.get('z')).toBe(expectedSum(2));

    // Freed, every value's file goes; the folder stays until close.
    la.send({ type: 'free-keys', keys: Array.from({ length: 10 }, (_, i) => `x${i}`) });
    await heartbeat(la, (m) => m.spilled === 0);
    for (let i = 0; i < 1000 && spillFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 5)); // removals are async
    expect(spillFiles()).toEqual([]);
    expect(spillFolders()).toHaveLength(1);
    await a.close();
    expect(spillFolders()).toEqual([]);
    expect(existsSync(parent)).toBe(true);
  });
});
