/**
 * The scheduler's part in a P2P shuffle, on the pure state machine: the first transfer sent
 * opens run 1 over the live workers, each unpack is placed on its partition's owner, and losing
 * a worker of the run while unpacks wait restarts it: every transfer and the barrier are computed
 * again (their results freed where they are), in run 2 over the survivors. After more restarts
 * than allowed, the tasks go out marked failed (the worker then fails them with
 * P2PShuffleError TSDASK_P2P_RESTARTS).
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
function shuffleGraph(): TaskGraph {
  const tasks: [string, Node][] = [];
  for (let i = 0; i < 2; i++) {
    tasks.push([`in${i}`, { op: 'test#make', args: [i] }]);
    tasks.push([chunkKey('t', i), { op: P2P_TRANSFER_OP, args: [SPEC, i, { op: 'test#split', args: [{ ref: `in${i}` }] }] }]);
  }
  tasks.push(['b', { op: P2P_BARRIER_OP, args: [SPEC, { ref: 't,0' }, { ref: 't,1' }] }]);
  for (let j = 0; j < 4; j++) tasks.push([chunkKey('u', j), { op: P2P_UNPACK_OP, args: [SPEC, j, { ref: 'b' }, { op: 'test#cat', args: [] }] }]);
  const g = lowerGraph(tasks);
  return { ...g, nodes: g.nodes.map((n) => JSON.stringify(n)) as unknown as Node[] };
}

function setup(maxRestarts = 3): {
  s: SchedulerState;
  runs: SchedulerShuffles;
  sent: (out: SchedulerInstruction[]) => Record<string, [string, P2PRunSpec | undefined]>;
} {
  // The tasks' own allowance is larger: here the shuffle's restarts run out first.
  const s = new SchedulerState({ allowedFailures: 10 });
  const runs = new SchedulerShuffles(s, maxRestarts, () => {});
  s.restrict = (t) => runs.ownerFor(t);
  // What the shell sends: key -> [worker, the spec its node carries]
  const sent = (out: SchedulerInstruction[]): Record<string, [string, P2PRunSpec | undefined]> =>
    Object.fromEntries(
      computes(out).map((c) => {
        const node = JSON.parse(runs.prepare(c.node as unknown as WireNode) as string) as { args: unknown[] };
        return [c.key, [c.worker, c.key.startsWith('in') ? undefined : (node.args[0] as P2PRunSpec)]];
      }),
    );
  return { s, runs, sent };
}

describe('SchedulerShuffles', () => {
  it('opens a run over the live workers, pins unpacks to their owners, and restarts without a lost worker', () => {
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
    const again = sent(s.handle({ type: 'task-finished', key: 'in0', worker: 'A', nbytes: 100 }));
    expect(again['t,0']).toEqual(['A', expect.objectContaining({ run: 2, workers: ['A'] })]);
    expect(s.stateOf('u,0')).toBe('memory'); // an unpacked output on a survivor is kept
    expect(['u,1', 'u,2', 'u,3'].map((k) => s.stateOf(k))).toEqual(['waiting', 'waiting', 'waiting']);
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
      expect.stringMatching(/restarted 1 times and lost a worker again; workers lost: w0 \(killed 0\); w1 \(killed 1\)/),
    ]);
  });
});
