// Random sequences of stimuli against the worker's state machine, with validate() after every
// step, and a shell's own bookkeeping (what it was told to run and fetch) as the reference:
// never more executing than threads, no new work while paused, a fetched key is in flight.
import { describe, expect, it } from 'vitest';
import { WORKER_LEGAL_TRANSITIONS, WorkerStateMachine, type WorkerStimulus, type TaskInput } from '@tsdask/scheduler-distributed';
import { mulberry32 as rng } from '../../../../test/support/seeded-random.js';

const PEERS = ['p0', 'p1', 'p2', 'p3'];

function run(seed: number, steps: number, moves: Set<string>): { executed: number; fetched: number } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const peers = () => PEERS.filter(() => r() < 0.4);
  const nthreads = 1 + Math.floor(r() * 3);
  const m = new WorkerStateMachine({ nthreads, transferBytes: 300, maxTransfers: 3, maxTransfersPerPeer: 1 + Math.floor(r() * 2) });
  const running = new Set<string>();
  const transfers = new Map<number, string[]>();
  let computed = 0;
  let executed = 0;
  let fetched = 0;
  const input = (): TaskInput => {
    const local = computed > 0 && r() < 0.4;
    return {
      key: local ? `t${Math.floor(r() * computed)}` : `r${Math.floor(r() * 15)}`,
      whoHas: peers(),
      nbytes: r() < 0.8 ? Math.floor(r() * 200) : undefined,
    };
  };
  for (let step = 0; step < steps; step++) {
    const sid = `s${step}`;
    const roll = r();
    let s: WorkerStimulus;
    if (roll < 0.25) {
      const key = r() < 0.9 || computed === 0 ? `t${computed++}` : `t${Math.floor(r() * computed)}`;
      const inputs = Array.from({ length: Math.floor(r() * 4) }, input).filter((i) => i.key !== key);
      s = { type: 'compute-task', stimulusId: sid, key, op: key, priority: Math.floor(r() * 10), inputs };
    } else if (roll < 0.45 && running.size > 0) {
      const key = pick([...running]);
      s =
        r() < 0.85
          ? { type: 'execute-success', stimulusId: sid, key, nbytes: Math.floor(r() * 100) }
          : { type: 'execute-failure', stimulusId: sid, key, error: 'boom' };
    } else if (roll < 0.65 && transfers.size > 0) {
      const id = pick([...transfers.keys()]);
      const keys = transfers.get(id)!;
      s =
        r() < 0.8
          ? { type: 'gather-dep-success', stimulusId: sid, transferId: id, received: keys.filter(() => r() < 0.85).map((key) => ({ key, nbytes: 10 })) }
          : { type: 'gather-dep-failure', stimulusId: sid, transferId: id, error: 'reset' };
    } else if (roll < 0.75 && m.tasks.size > 0) {
      s = { type: 'free-keys', stimulusId: sid, keys: [pick([...m.tasks.keys()])] };
    } else if (roll < 0.82) {
      s = { type: 'acquire-replicas', stimulusId: sid, keys: [input()] };
    } else if (roll < 0.87 && m.tasks.size > 0) {
      s = { type: 'remove-replicas', stimulusId: sid, keys: [pick([...m.tasks.keys()])] };
    } else if (roll < 0.92) {
      s = { type: m.paused ? 'unpause' : 'pause', stimulusId: sid };
    } else if (roll < 0.95) {
      // A scatter: a key the worker may know in any state, or a new one.
      const key = m.tasks.size > 0 && r() < 0.7 ? pick([...m.tasks.keys()]) : `r${Math.floor(r() * 15)}`;
      s = { type: 'receive-data', stimulusId: sid, key, nbytes: 5 };
    } else {
      // A stale result: a run or transfer the machine does not know.
      s =
        r() < 0.5
          ? { type: 'execute-success', stimulusId: sid, key: 'nobody', nbytes: 1 }
          : { type: 'gather-dep-failure', stimulusId: sid, transferId: 1e9, error: 'x' };
    }
    if (s.type === 'execute-success' || s.type === 'execute-failure') running.delete(s.key);
    if (s.type === 'gather-dep-success' || s.type === 'gather-dep-failure') transfers.delete(s.transferId);
    const out = m.handle(s);
    m.validate();
    const pausedNow = m.paused;
    for (const ins of out) {
      expect(ins.stimulusId).toBe(sid);
      if (ins.type === 'execute') {
        expect(pausedNow, 'execute while paused').toBe(false);
        expect(running.has(ins.key)).toBe(false);
        running.add(ins.key);
        executed++;
      } else if (ins.type === 'gather-dep') {
        expect(pausedNow, 'gather-dep while paused').toBe(false);
        expect(ins.keys.length).toBeGreaterThan(0);
        transfers.set(ins.transferId, ins.keys);
        fetched++;
      }
    }
    expect(running.size).toBeLessThanOrEqual(nthreads);
    expect(m.executing).toBe(running.size);
    expect(m.transfers.size).toBe(transfers.size);
    for (const keys of transfers.values()) for (const key of keys) expect(m.stateOf(key)).toBe('flight');
    for (const key of running) expect(m.stateOf(key)).toBe('executing');
  }
  for (const key of [...Array.from({ length: computed }, (_, i) => `t${i}`), ...Array.from({ length: 15 }, (_, i) => `r${i}`)])
    for (const line of m.story(key)) moves.add(`${line.from}->${line.to}`);
  return { executed, fetched };
}

describe('WorkerStateMachine under random stimuli', () => {
  it('keeps its invariants after every step (100 seeds x 300 steps) and takes every legal move', () => {
    let executed = 0;
    let fetched = 0;
    const moves = new Set<string>();
    for (let seed = 1; seed <= 100; seed++) {
      const n = run(seed, 300, moves);
      executed += n.executed;
      fetched += n.fetched;
    }
    // The sequences did exercise both execution and transfers.
    expect(executed).toBeGreaterThan(1000);
    expect(fetched).toBeGreaterThan(1000);
    // Every entry of the table is taken by some run (no entry is there for nothing), and no other move is.
    expect([...moves].sort()).toEqual(WORKER_LEGAL_TRANSITIONS.map(([from, to]) => `${from}->${to}`).sort());
  });
});
