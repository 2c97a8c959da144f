/**
 * The scheduler server's part in P2P restarts that need no lost worker, with fake workers that
 * speak the protocol by hand: a worker's missing-data that drops the only holder of an unpacked
 * output (its owner removed its file) restarts the shuffle and moves that output, and a
 * transfer's task-erred that names a run a restart ended is dropped, not taken as the compute's
 * failure (scheduler/worker-session.ts, shuffle/scheduler-runs.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { serializeError, P2P_BARRIER_OP, P2P_TRANSFER_OP, P2P_UNPACK_OP, type Node, type P2PShuffleSpec } from '@tsdask/core-graph';
import { decodeNode, encodeNode, type Connection, type UpdateGraphMsg } from '@tsdask/scheduler-distributed';
import { Cleanup, fakeClient, fakeWorker, Mailbox, startServer } from '../scheduler/server-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const A = '127.0.0.1:1001';
const B = '127.0.0.1:1002';
const SPEC: P2PShuffleSpec = { id: 'sh', inputs: 1, outputs: 2, transfer: 't', barrier: 'b', unpack: 'u' };

/** in0 -> transfer t,0 -> barrier b -> unpacks u,0 u,1 -> c joins them. */
function shuffleMsg(): UpdateGraphMsg {
  const drawn: [string, Node, string[]][] = [
    ['in0', { op: 'test#make', args: [] }, []],
    ['t,0', { op: P2P_TRANSFER_OP, args: [SPEC, 0, { op: 'test#split', args: [{ ref: 'in0' }] }] }, ['in0']],
    ['b', { op: P2P_BARRIER_OP, args: [SPEC, { ref: 't,0' }] }, ['t,0']],
    ['u,0', { op: P2P_UNPACK_OP, args: [SPEC, 0, { ref: 'b' }, { op: 'test#cat', args: [] }] }, ['b']],
    ['u,1', { op: P2P_UNPACK_OP, args: [SPEC, 1, { ref: 'b' }, { op: 'test#cat', args: [] }] }, ['b']],
    ['c', { op: 'test#join', args: [{ ref: 'u,0' }, { ref: 'u,1' }] }, ['u,0', 'u,1']],
  ];
  const keys = drawn.map(([k]) => k);
  const depPtr = [0];
  const depIdx: number[] = [];
  for (const [, , deps] of drawn) {
    for (const d of deps) depIdx.push(keys.indexOf(d));
    depPtr.push(depIdx.length);
  }
  const nodes = drawn.map(([, n]) => encodeNode(n));
  return { type: 'update-graph', id: 1, keys, nodes, depPtr, depIdx, outputs: ['c'], priorities: keys.map((_, i) => i), held: [], sources: [] };
}

/** The run spec (arg 0) and owed partitions (arg 3) of a compute-task's node. */
function runOf(msg: Record<string, unknown>): { run: number; moved?: Record<string, string>; owed?: number[] } {
  const args = (decodeNode(msg['node'] as string) as { args: unknown[] }).args;
  const spec = args[0] as { run: number; moved?: Record<string, string> };
  return { run: spec.run, ...(spec.moved !== undefined ? { moved: spec.moved } : {}), ...(Array.isArray(args[3]) ? { owed: args[3] as number[] } : {}) };
}

describe('P2P restarts without a lost worker (server)', () => {
  it('restarts the shuffle on a missing-data that loses an unpacked output, and drops a transfer failure of the ended run', async () => {
    const { server } = await startServer(cleanup);
    const box = new Mailbox();
    const w = new Map<string, Connection>([
      [A, await fakeWorker(server, box, A, cleanup)],
      [B, await fakeWorker(server, box, B, cleanup)],
    ]);
    const client = await fakeClient(server, box, 'C', cleanup);
    client.send(shuffleMsg());
    // Run 1 over A and B: output 0 is A's, output 1 is B's.
    const in0 = await box.msg('compute-task', { key: 'in0' });
    w.get(in0.by)!.send({ type: 'task-finished', key: 'in0', nbytes: 10 });
    const t0 = await box.msg('compute-task', { key: 't,0' });
    expect(runOf(t0.msg)).toEqual({ run: 1 });
    w.get(t0.by)!.send({ type: 'task-finished', key: 't,0', nbytes: 8, run: 1 });
    const b = await box.msg('compute-task', { key: 'b' });
    w.get(b.by)!.send({ type: 'task-finished', key: 'b', nbytes: 8, run: 1 });
    expect((await box.msg('compute-task', { key: 'u,0' })).by).toBe(A);
    expect((await box.msg('compute-task', { key: 'u,1' })).by).toBe(B);
    w.get(A)!.send({ type: 'task-finished', key: 'u,0', nbytes: 10, run: 1 });
    w.get(B)!.send({ type: 'task-finished', key: 'u,1', nbytes: 1000, run: 1 });
    expect((await box.msg('compute-task', { key: 'c' })).by).toBe(B);
    // B cannot fetch u,0 from A (cut off from it; A is alive and did not leave). A removed output 0's file when it
    // unpacked it, so the shuffle restarts: run 2 moves output 0 to B, and the transfer owes only it.
    w.get(B)!.send({ type: 'missing-data', key: 'u,0', tried: [A] });
    const in0again = await box.msg('compute-task', { key: 'in0' });
    w.get(in0again.by)!.send({ type: 'task-finished', key: 'in0', nbytes: 10 });
    const t0again = await box.msg('compute-task', { key: 't,0' });
    expect(runOf(t0again.msg)).toEqual({ run: 2, moved: { '0': B }, owed: [0] });
    // A failure of t,0 from run 1 (it gave up after its retries), crossing the restart, is dropped ...
    w.get(t0again.by)!.send({ type: 'task-erred', key: 't,0', error: serializeError(new Error('gave up in run 1')), run: 1 });
    // ... and run 2's finish goes on to the barrier and output 0's unpack on B; the client hears of no failure.
    w.get(t0again.by)!.send({ type: 'task-finished', key: 't,0', nbytes: 8, run: 2 });
    const b2 = await box.msg('compute-task', { key: 'b' });
    expect(runOf(b2.msg).run).toBe(2);
    w.get(b2.by)!.send({ type: 'task-finished', key: 'b', nbytes: 8, run: 2 });
    const u0 = await box.msg('compute-task', { key: 'u,0' });
    expect([u0.by, runOf(u0.msg).run]).toEqual([B, 2]);
    w.get(B)!.send({ type: 'task-finished', key: 'u,0', nbytes: 10, run: 2 });
    const c = await box.msg('compute-task', { key: 'c' });
    w.get(c.by)!.send({ type: 'task-finished', key: 'c', nbytes: 10 });
    await box.msg('task-done', { by: 'C', key: 'c' });
    expect(box.pending('task-erred')).toEqual([]);
    expect(server.state.stateOf('t,0')).not.toBe('erred');
  });
});
