/**
 * The scheduler's part in a P2P shuffle, on the pure state machine: the first transfer sent
 * opens run 1 over the live workers, each unpack is placed on its partition's owner, and losing
 * a worker that owns a partition still to unpack restarts only what it held: every transfer and
 * the barrier are computed again (their results freed where they are) in run 2, where the lost
 * worker's partitions move to the survivors and each transfer that had delivered owes only
 * those. A second loss during the partial restart moves that worker's partitions too, and a
 * transfer owes everything that moved since it last delivered. After more restarts than allowed,
 * the tasks go out marked failed (the worker then fails them with P2PShuffleError
 * TSDASK_P2P_RESTARTS).
 */
import { describe, expect, it } from 'vitest';
import { chunkKey, lowerGraph, P2P_BARRIER_OP, P2P_TRANSFER_OP, P2P_UNPACK_OP, type Node, type P2PShuffleSpec, type TaskGraph } from '@tsdask/core-graph';
import { SchedulerState } from '../../src/scheduler/state/scheduler-state.js';
import type { SchedulerInstruction } from '../../src/scheduler/state/messages.js';
import { SchedulerShuffles } from '../../src/shuffle/scheduler-runs.js';
import type { P2PRunSpec } from '../../src/shuffle/run-spec.js';
import type { WireNode } from '../../src/protocol/messages.js';
import { computes } from '../scheduler/harness.js';

const SPEC: P2PShuffleSpec = { id: 'sh', inputs: 2, outputs: 4, transfer: 't', barrier: 'b', unpack: 'u' };

/** Inputs in0, in1 -> transfers t,0 t,1 -> barrier b -> unpacks u,0..u,3; nodes as the scheduler holds them (JSON wire text). */
function shuffleGraph(consumers: [string, Node][] = []): TaskGraph {
  const tasks: [string, Node][] = [];
  for (let i = 0; i < 2; i++) {
    tasks.push([`in${i}`, { op: 'test#make', args: [i] }]);
    tasks.push([chunkKey('t', i), { op: P2P_TRANSFER_OP, args: [SPEC, i, { op: 'test#split', args: [{ ref: `in${i}` }] }] }]);
  }
  tasks.push(['b', { op: P2P_BARRIER_OP, args: [SPEC, { ref: 't,0' }, { ref: 't,1' }] }]);
  for (let j = 0; j < 4; j++) tasks.push([chunkKey('u', j), { op: P2P_UNPACK_OP, args: [SPEC, j, { ref: 'b' }, { op: 'test#cat', args: [] }] }]);
  const g = lowerGraph([...tasks, ...consumers]);
  return { ...g, nodes: g.nodes.map((n) => JSON.stringify(n)) as unknown as Node[] };
}

/** Consumers as a merge's: c,0 joins outputs 0 and 2, c,1 outputs 1 and 3. */
const MERGE: [string, Node][] = [
  ['c,0', { op: 'test#join', args: [{ ref: 'u,0' }, { ref: 'u,2' }] }],
  ['c,1', { op: 'test#join', args: [{ ref: 'u,1' }, { ref: 'u,3' }] }],
];

function setup(maxRestarts = 3): {
  s: SchedulerState;
  runs: SchedulerShuffles;
  sent: (out: SchedulerInstruction[]) => Record<string, [string, P2PRunSpec | undefined, number[]?]>;
} {
  // The tasks' own allowance is larger: here the shuffle's restarts run out first.
  const s = new SchedulerState({ allowedFailures: 10 });
  const runs = new SchedulerShuffles(s, maxRestarts, () => {});
  s.restrict = (t) => runs.ownerFor(t);
  // What the shell sends: key -> [worker, the spec its node carries, the partitions a transfer owes (when not all)]
  const sent = (out: SchedulerInstruction[]): Record<string, [string, P2PRunSpec | undefined, number[]?]> =>
    Object.fromEntries(
      computes(out).map((c) => {
        const node = JSON.parse(runs.prepare(c.node as unknown as WireNode) as string) as { args: unknown[] };
        if (c.key.startsWith('in')) return [c.key, [c.worker, undefined]];
        const owed = node.args[3] as number[] | undefined;
        return [c.key, owed === undefined ? [c.worker, node.args[0] as P2PRunSpec] : [c.worker, node.args[0] as P2PRunSpec, owed]];
      }),
    );
  return { s, runs, sent };
}

/** `setup()` with workers A, B and C of `nthreads` each, and `graph` submitted for `outputs`. */
function onThreeWorkers(nthreads: number, graph: ReturnType<typeof shuffleGraph>, outputs: string[]): ReturnType<typeof setup> {
  const r = setup();
  for (const w of ['A', 'B', 'C']) r.s.handle({ type: 'worker-added', worker: w, nthreads });
  r.s.handle({ type: 'graph-submitted', graph, outputs });
  return r;
}

/** What the worker session does (scheduler/worker-session.ts) with a missing-data, and with a p2p task's finish or failure that names its run. */
function shell(s: SchedulerState, runs: SchedulerShuffles) {
  const restartFirst = (keys: string[] | undefined): SchedulerInstruction[] =>
    keys !== undefined && keys.length > 0 ? s.handle({ type: 'restart-tasks', keys }) : [];
  return {
    missing: (key: string, worker: string, tried: string[]): SchedulerInstruction[] => [
      ...restartFirst(runs.restartForMissing(key, worker, tried)),
      ...s.handle({ type: 'missing-data', key, worker, tried }),
    ],
    finish: (key: string, worker: string, run: number, nbytes = 8): SchedulerInstruction[] => {
      const stale = runs.staleReport(key, run, worker, true);
      return stale !== undefined ? restartFirst(stale) : s.handle({ type: 'task-finished', key, worker, nbytes });
    },
    fail: (key: string, worker: string, run: number): SchedulerInstruction[] => {
      const stale = runs.staleReport(key, run, worker, false);
      return stale !== undefined ? restartFirst(stale) : s.handle({ type: 'task-erred', key, worker, error: new Error(`${key} failed in run ${run}`) });
    },
  };
}

/** Worker of each compute-task in `sent`'s answer. */
const placed = (r: Record<string, [string, P2PRunSpec | undefined, number[]?]>): Record<string, string> =>
  Object.fromEntries(Object.entries(r).map(([k, [w]]) => [k, w]));

describe('SchedulerShuffles', () => {
  it("opens a run over the live workers, pins unpacks to their owners, and on a loss moves only the lost worker's outputs", () => {
    const { s, runs, sent } = setup();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 2 });
    s.handle({ type: 'graph-submitted', graph: shuffleGraph(), outputs: ['u,0', 'u,1', 'u,2', 'u,3'] });
    const t0 = sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }))['t,0']!;
    expect(t0[0]).toBe('A');
    expect([t0[1]!.run, t0[1]!.workers]).toEqual([1, ['A', 'B']]);
    expect(sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 100 }))['t,1']![1]!.run).toBe(1);
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    const b = sent(s.handle({ type: 'task-finished', key: 't,1', worker: 'B', nbytes: 8 }))['b']!;
    expect(b[1]!.run).toBe(1);
    // Outputs 0 and 1 are A's, 2 and 3 B's (contiguous ranges in worker order), whatever holds the barrier.
    const unpacks = sent(s.handle({ type: 'task-finished', key: 'b', worker: b[0], nbytes: 8 }));
    expect(Object.fromEntries(Object.entries(unpacks).map(([k, [w]]) => [k, w]))).toEqual({ 'u,0': 'A', 'u,1': 'A', 'u,2': 'B', 'u,3': 'B' });
    s.handle({ type: 'task-finished', key: 'u,0', worker: 'A', nbytes: 10 });
    // B dies with u,2 and u,3 processing: the shuffle restarts. The barrier (held by A) is freed and
    // computed again, so are the transfers (released once the barrier ran) and their inputs.
    const restart = runs.restartFor('B', 'connection closed');
    expect(restart).toEqual(['t,0', 't,1', 'b']);
    const out = s.handle({ type: 'worker-removed', worker: 'B', restart });
    expect(out).toContainEqual({ type: 'free-keys', worker: 'A', keys: ['b'] });
    expect(Object.keys(sent(out)).sort()).toEqual(['in0', 'in1']);
    // Run 2: B's outputs 2 and 3 move to A; both transfers delivered in run 1 (the barrier ran), so each owes only 2 and 3.
    const again = sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }));
    expect(again['t,0']).toEqual(['A', expect.objectContaining({ run: 2, workers: ['A', 'B'], moved: { 2: 'A', 3: 'A' } }), [2, 3]]);
    expect(s.stateOf('u,0')).toBe('memory'); // an unpacked output on a survivor is kept
    expect(['u,1', 'u,2', 'u,3'].map((k) => s.stateOf(k))).toEqual(['waiting', 'waiting', 'waiting']);
    expect(sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'A', nbytes: 100 }))['t,1']?.[2]).toEqual([2, 3]);
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    const b2 = sent(s.handle({ type: 'task-finished', key: 't,1', worker: 'A', nbytes: 8 }))['b']!;
    expect(b2[1]!.run).toBe(2);
    // u,1 stays on A, its owner; u,2 and u,3 go to A, their new owner; u,0 is not sent again.
    const unpacks2 = sent(s.handle({ type: 'task-finished', key: 'b', worker: 'A', nbytes: 8 }));
    expect(Object.fromEntries(Object.entries(unpacks2).map(([k, [w]]) => [k, w]))).toEqual({ 'u,1': 'A', 'u,2': 'A', 'u,3': 'A' });
    expect(s.validate()).toEqual([]);
  });

  it('restarts only the new loss when a second worker goes during a partial restart', () => {
    const { s, runs, sent } = onThreeWorkers(2, shuffleGraph(), ['u,0', 'u,1', 'u,2', 'u,3']);
    // Run 1 over A, B, C: outputs 0 and 1 are A's, 2 is B's, 3 is C's. t,0 delivers; t,1 runs on B when C dies.
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }));
    const t1 = sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 100 }))['t,1']!;
    expect(t1[0]).toBe('B');
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    const out = s.handle({ type: 'worker-removed', worker: 'C', restart: runs.restartFor('C', 'killed') });
    // t,1 was processing on B: taken back and sent again (it owes everything: it never delivered); t,0 owes only output 3.
    const r2 = sent(out);
    expect(r2['t,1']).toEqual(['B', expect.objectContaining({ run: 2, moved: { 3: 'A' } })]);
    expect(Object.keys(r2).sort()).toEqual(['in0', 't,1']); // t,0's input in0 was released: computed again first
    // B dies before anything of run 2 delivered: its output 2 moves too; t,0 now owes 2 and 3, t,1 still everything.
    const out3 = s.handle({ type: 'worker-removed', worker: 'B', restart: runs.restartFor('B', 'killed') });
    expect(Object.keys(sent(out3)).sort()).toEqual(['in1']);
    const t0 = sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }))['t,0']!;
    expect(t0).toEqual(['A', expect.objectContaining({ run: 3, moved: { 2: 'A', 3: 'A' } }), [2, 3]]);
    const t1again = sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'A', nbytes: 100 }))['t,1']!;
    expect(t1again).toEqual(['A', expect.objectContaining({ run: 3 })]);
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    s.handle({ type: 'task-finished', key: 't,1', worker: 'A', nbytes: 8 });
    const unpacks = sent(s.handle({ type: 'task-finished', key: 'b', worker: 'A', nbytes: 8 }));
    expect(Object.values(unpacks).map(([w]) => w)).toEqual(['A', 'A', 'A', 'A']);
    expect(s.validate()).toEqual([]);
  });

  it('moves an output unpacked and released on a survivor when its consumer is lost with another worker (its owner removed the file)', () => {
    const { s, runs, sent } = onThreeWorkers(1, shuffleGraph(MERGE), ['c,0', 'c,1']);
    // Run 1 over A, B, C: outputs 0 and 1 are A's, 2 is B's, 3 is C's.
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 1 }));
    sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 1 }));
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    const b = sent(s.handle({ type: 'task-finished', key: 't,1', worker: 'B', nbytes: 8 }))['b']!;
    const unpacks = sent(s.handle({ type: 'task-finished', key: 'b', worker: b[0], nbytes: 8 }));
    expect(Object.fromEntries(Object.entries(unpacks).map(([k, [w]]) => [k, w]))).toEqual({ 'u,0': 'A', 'u,1': 'A', 'u,2': 'B', 'u,3': 'C' });
    // A unpacks 0 (and removes its file), B unpacks 2; c,0 joins them on B, and both unpacked results are released.
    s.handle({ type: 'task-finished', key: 'u,0', worker: 'A', nbytes: 10 });
    const c0 = sent(s.handle({ type: 'task-finished', key: 'u,2', worker: 'B', nbytes: 1000 }))['c,0']!;
    expect(c0[0]).toBe('B');
    s.handle({ type: 'task-finished', key: 'c,0', worker: 'B', nbytes: 10 });
    expect([s.stateOf('u,0'), s.stateOf('u,2'), s.stateOf('u,3')]).toEqual(['released', 'released', 'processing']);
    // B dies holding c,0: c,0 is computed again, so u,0 and u,2 are too. No bucket of either is left
    // anywhere (A and B removed their files), so the shuffle restarts and both move to a worker that
    // gets their buckets again: u,0 off A (alive, but its file is gone), u,2 off B.
    const restart = runs.restartFor('B', 'killed');
    expect(restart).toEqual(['t,0', 't,1', 'b']);
    const in1 = sent(s.handle({ type: 'worker-removed', worker: 'B', restart }))['in1']!;
    const t0 = sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 1 }))['t,0']!;
    expect(t0).toEqual(['A', expect.objectContaining({ run: 2, moved: { 0: 'C', 2: 'C' } }), [0, 2]]);
    const t1 = sent(s.handle({ type: 'task-finished', key: 'in1', worker: in1[0], nbytes: 1 }))['t,1']!;
    expect(t1[2]).toEqual([0, 2]);
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    const b2 = sent(s.handle({ type: 'task-finished', key: 't,1', worker: t1[0], nbytes: 8 }))['b']!;
    const unpacks2 = sent(s.handle({ type: 'task-finished', key: 'b', worker: b2[0], nbytes: 8 }));
    expect(Object.fromEntries(Object.entries(unpacks2).map(([k, [w]]) => [k, w]))).toEqual({ 'u,0': 'C', 'u,1': 'A', 'u,2': 'C', 'u,3': 'C' });
    expect(s.validate()).toEqual([]);
  });

  it("drops a transfer's late finish from run 1 that arrives after the restart sent it again in run 2", () => {
    const { s, runs, sent } = onThreeWorkers(2, shuffleGraph(), ['u,0', 'u,1', 'u,2', 'u,3']);
    // What the worker session does with a task-finished (scheduler/worker-session.ts).
    const finish = (key: string, worker: string, run?: number): SchedulerInstruction[] =>
      runs.staleReport(key, run, worker, true) !== undefined ? [] : s.handle({ type: 'task-finished', key, worker, nbytes: 8 });
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }));
    expect(sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 100 }))['t,1']![0]).toBe('B');
    finish('t,0', 'A', 1);
    // t,1 finishes on B in run 1, but its task-finished is still on the wire when C dies:
    // the restart takes t,1 back (free-keys to B) and sends it to B again in run 2.
    const out = s.handle({ type: 'worker-removed', worker: 'C', restart: runs.restartFor('C', 'killed') });
    expect(out).toContainEqual({ type: 'free-keys', worker: 'B', keys: ['t,1'] });
    expect(sent(out)['t,1']).toEqual(['B', expect.objectContaining({ run: 2, moved: { 3: 'A' } })]);
    // The late message from run 1 arrives: it is not run 2's result (its buckets for output 3 went to C).
    expect(finish('t,1', 'B', 1)).toEqual([]);
    expect(s.stateOf('t,1')).toBe('processing');
    // t,0 (run 2, owing output 3) and then t,1's finish of run 2: the barrier goes out in run 2.
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }));
    finish('t,0', 'A', 2);
    expect(s.stateOf('b')).toBe('waiting');
    const b = sent(finish('t,1', 'B', 2))['b']!;
    expect(b[1]!.run).toBe(2);
    // A finish with no run (any other task) and one from the current run are taken as they are.
    expect(runs.staleReport('in0', undefined, 'A', true)).toBe(undefined);
    expect(runs.staleReport('t,0', 2, 'A', true)).toBe(undefined);
    expect(s.validate()).toEqual([]);
  });

  it('keeps a transfer computed again without a lost worker (its result went missing) in its run', () => {
    const { s, sent } = setup();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 4 });
    s.handle({ type: 'graph-submitted', graph: shuffleGraph(), outputs: ['u,0', 'u,1', 'u,2', 'u,3'] });
    s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 1 });
    s.handle({ type: 'task-finished', key: 'in1', worker: 'A', nbytes: 1 });
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    const b = sent(s.handle({ type: 'task-finished', key: 't,1', worker: 'A', nbytes: 8 }))['b']!;
    expect(b[1]!.run).toBe(1);
    // The barrier's worker could not fetch t,0 from A: t,0 is computed again, still in run 1 (receivers drop what they have).
    const lost = sent(s.handle({ type: 'missing-data', key: 't,0', worker: b[0], tried: ['A'] }));
    expect(Object.keys(lost)).toEqual(['in0']); // its input first
    const again = sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 1 }));
    expect(again['t,0']?.[1]).toMatchObject({ run: 1, workers: ['A'] });
  });

  it('marks the shuffle failed once it lost workers more often than allowed', () => {
    const { s, runs, sent } = setup(1);
    s.handle({ type: 'graph-submitted', graph: shuffleGraph(), outputs: ['u,0', 'u,1', 'u,2', 'u,3'] });
    const specs: P2PRunSpec[] = [];
    for (let round = 0; round < 3; round++) {
      const w = `w${round}`;
      s.handle({ type: 'worker-added', worker: w, nthreads: 4 });
      specs.push(sent(s.handle({ type: 'task-finished', key: 'in0', worker: w, nbytes: 1 }))['t,0']![1]!);
      s.handle({ type: 'task-finished', key: 'in1', worker: w, nbytes: 1 });
      s.handle({ type: 'worker-removed', worker: w, restart: runs.restartFor(w, `killed ${round}`) });
    }
    expect(specs.map((x) => x.run)).toEqual([1, 2, 3]);
    // One restart is allowed: the second loss marks the shuffle failed, and its next run's tasks carry why.
    expect(specs.map((x) => x.failed)).toEqual([
      undefined,
      undefined,
      expect.stringMatching(
        /restarted 1 times and lost a worker or an output again: worker w0 of run 1 lost \(killed 0\); worker w1 of run 2 lost \(killed 1\)/,
      ),
    ]);
  });
  it('restarts the shuffle when a failed fetch (no worker lost) drops the only holder of a result computed from released outputs', () => {
    const { s, runs, sent } = setup();
    const sh = shell(s, runs);
    for (const w of ['A', 'B', 'C']) s.handle({ type: 'worker-added', worker: w, nthreads: 1 });
    const D: [string, Node] = ['d', { op: 'test#join', args: [{ ref: 'c,0' }, { ref: 'c,1' }] }];
    s.handle({ type: 'graph-submitted', graph: shuffleGraph([...MERGE, D]), outputs: ['d'] });
    // Run 1 over A, B, C: outputs 0 and 1 are A's, 2 is B's, 3 is C's.
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 1 }));
    sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 1 }));
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    const b = sent(s.handle({ type: 'task-finished', key: 't,1', worker: 'B', nbytes: 8 }))['b']!;
    expect(placed(sent(s.handle({ type: 'task-finished', key: 'b', worker: b[0], nbytes: 8 })))).toEqual({ 'u,0': 'A', 'u,1': 'A', 'u,2': 'B', 'u,3': 'C' });
    // Every output is unpacked (each owner removed its file); c,0 joins 0 and 2 on B, c,1 joins 1 and 3 on C.
    s.handle({ type: 'task-finished', key: 'u,0', worker: 'A', nbytes: 10 });
    expect(sent(s.handle({ type: 'task-finished', key: 'u,2', worker: 'B', nbytes: 1000 }))['c,0']![0]).toBe('B');
    s.handle({ type: 'task-finished', key: 'u,1', worker: 'A', nbytes: 10 });
    expect(sent(s.handle({ type: 'task-finished', key: 'u,3', worker: 'C', nbytes: 1000 }))['c,1']![0]).toBe('C');
    s.handle({ type: 'task-finished', key: 'c,0', worker: 'B', nbytes: 10 });
    expect(sent(s.handle({ type: 'task-finished', key: 'c,1', worker: 'C', nbytes: 100 }))['d']![0]).toBe('C');
    expect(['b', 'u,0', 'u,1', 'u,2', 'u,3'].map((k) => s.stateOf(k))).toEqual(['released', 'released', 'released', 'released', 'released']);
    // C cannot reach B (a partition, no worker lost): c,0 has no holder left and is computed again from u,0 and u,2,
    // whose files are gone. The shuffle restarts: both move, and each transfer owes only them.
    const again = sent(sh.missing('c,0', 'C', ['B']));
    expect(Object.keys(again).sort()).toEqual(['in0', 'in1']);
    const t0 = sent(s.handle({ type: 'task-finished', key: 'in0', worker: again['in0']![0], nbytes: 1 }))['t,0']!;
    expect(t0).toEqual([again['in0']![0], expect.objectContaining({ run: 2, moved: { 0: 'B', 2: 'C' } }), [0, 2]]);
    const t1 = sent(s.handle({ type: 'task-finished', key: 'in1', worker: again['in1']![0], nbytes: 1 }))['t,1']!;
    expect(t1[2]).toEqual([0, 2]);
    sh.finish('t,0', t0[0], 2);
    const b2 = sent(sh.finish('t,1', t1[0], 2))['b']!;
    expect(b2[1]!.run).toBe(2);
    // Only the two outputs needed again are unpacked again, on their new owners.
    expect(placed(sent(s.handle({ type: 'task-finished', key: 'b', worker: b2[0], nbytes: 8 })))).toEqual({ 'u,0': 'B', 'u,2': 'C' });
    expect(s.validate()).toEqual([]);
  });

  it('restarts the shuffle when a failed fetch drops the only holder of an unpacked output while other outputs are still to unpack', () => {
    const { s, runs, sent } = onThreeWorkers(1, shuffleGraph(MERGE), ['c,0', 'c,1']);
    const sh = shell(s, runs);
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 1 }));
    sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 1 }));
    s.handle({ type: 'task-finished', key: 't,0', worker: 'A', nbytes: 8 });
    const b = sent(s.handle({ type: 'task-finished', key: 't,1', worker: 'B', nbytes: 8 }))['b']!;
    sent(s.handle({ type: 'task-finished', key: 'b', worker: b[0], nbytes: 8 }));
    s.handle({ type: 'task-finished', key: 'u,0', worker: 'A', nbytes: 10 });
    expect(sent(s.handle({ type: 'task-finished', key: 'u,2', worker: 'B', nbytes: 1000 }))['c,0']![0]).toBe('B');
    // B cannot fetch u,0 from A while u,1 and u,3 still unpack (the barrier is held). Sending u,0 to A again
    // would read a removed file; the shuffle restarts instead and u,0 moves (the others keep their owners and files).
    const out = sh.missing('u,0', 'B', ['A']);
    const again = sent(out);
    expect(Object.keys(again).sort()).toEqual(['in0', 'in1']); // u,0 is not sent to A again
    expect(out).toContainEqual({ type: 'free-keys', worker: b[0], keys: ['b'] });
    expect(['u,0', 'u,1', 'u,3', 'c,0'].map((k) => s.stateOf(k))).toEqual(['waiting', 'waiting', 'waiting', 'waiting']);
    const t0 = sent(s.handle({ type: 'task-finished', key: 'in0', worker: again['in0']![0], nbytes: 1 }))['t,0']!;
    expect(t0).toEqual([again['in0']![0], expect.objectContaining({ run: 2, moved: { 0: 'B' } }), [0]]);
    const t1 = sent(s.handle({ type: 'task-finished', key: 'in1', worker: again['in1']![0], nbytes: 1 }))['t,1']!;
    sh.finish('t,0', t0[0], 2);
    const b2 = sent(sh.finish('t,1', t1[0], 2))['b']!;
    expect(placed(sent(s.handle({ type: 'task-finished', key: 'b', worker: b2[0], nbytes: 8 })))).toEqual({ 'u,0': 'B', 'u,1': 'A', 'u,3': 'C' });
    expect(s.validate()).toEqual([]);
  });

  it("drops a transfer's failure from run 1 (it gave up after its retries) that arrives after the restart sent it again in run 2", () => {
    const { s, runs, sent } = onThreeWorkers(2, shuffleGraph(), ['u,0', 'u,1', 'u,2', 'u,3']);
    const sh = shell(s, runs);
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }));
    expect(sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 100 }))['t,1']![0]).toBe('B');
    sh.finish('t,0', 'A', 1);
    // t,1 on B cannot reach C; C dies, and t,1 is sent to B again in run 2 while B's failure of run 1 is on the wire.
    const out = s.handle({ type: 'worker-removed', worker: 'C', restart: runs.restartFor('C', 'killed') });
    expect(sent(out)['t,1']).toEqual(['B', expect.objectContaining({ run: 2 })]);
    expect(sh.fail('t,1', 'B', 1)).toEqual([]);
    expect(s.stateOf('t,1')).toBe('processing');
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }));
    sh.finish('t,0', 'A', 2);
    expect(sent(sh.finish('t,1', 'B', 2))['b']![1]!.run).toBe(2);
    // A failure of the current run is the task's failure.
    s.handle({ type: 'task-finished', key: 'b', worker: 'A', nbytes: 8 });
    expect(runs.staleReport('u,0', 2, 'A', false)).toBe(undefined);
    sh.fail('u,0', 'A', 2);
    expect(s.stateOf('u,0')).toBe('erred');
    expect(s.validate()).toEqual([]);
  });

  it('moves an output whose owner finished its unpack (and removed its file) just as a restart took it back', () => {
    const { s, runs, sent } = onThreeWorkers(2, shuffleGraph(), ['u,0', 'u,1', 'u,2', 'u,3']);
    const sh = shell(s, runs);
    sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 1 }));
    sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 1 }));
    sh.finish('t,0', 'A', 1);
    const b = sent(sh.finish('t,1', 'B', 1))['b']!;
    expect(placed(sent(s.handle({ type: 'task-finished', key: 'b', worker: b[0], nbytes: 8 })))).toEqual({ 'u,0': 'A', 'u,1': 'A', 'u,2': 'B', 'u,3': 'C' });
    // C dies: u,0 and u,1 are taken back from A, but A finished u,1 (and removed its file) before the free-keys came.
    const out = s.handle({ type: 'worker-removed', worker: 'C', restart: runs.restartFor('C', 'killed') });
    expect(out).toContainEqual({ type: 'free-keys', worker: 'A', keys: ['u,1'] });
    expect(sh.finish('u,1', 'A', 1)).toEqual([]);
    // Run 2 moves output 1 off A (its file is gone) with C's output 3; u,0 keeps its owner and file.
    const t0 = sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 1 }))['t,0']!;
    expect(t0).toEqual(['A', expect.objectContaining({ run: 2, moved: { 1: 'B', 3: 'B' } }), [1, 3]]);
    // The same race once run 2 is open (its transfers sent): output 0's finish of run 1 from A comes late; it moves in run 3.
    const late = sh.finish('u,0', 'A', 1);
    expect(late).toContainEqual({ type: 'free-keys', worker: 'A', keys: ['t,0'] });
    const t0again = sent(s.handle({ type: 'task-finished', key: 'in1', worker: 'B', nbytes: 1 }));
    // t,1 delivered last in run 1, so it owes everything that moved since: 0, 1 and 3.
    expect(t0again['t,1']).toEqual(['B', expect.objectContaining({ run: 3, moved: { 0: 'B', 1: 'B', 3: 'B' } }), [0, 1, 3]]);
    // A finish of the current run is the state machine's to judge.
    expect(runs.staleReport('u,0', 3, 'B', true)).toBe(undefined);
    expect(s.validate()).toEqual([]);
  });
});
