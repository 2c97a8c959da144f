/**
 * The table of legal transitions: an illegal move throws at the move (naming key, from and
 * to, with the task's story), and every move in the table is one that real runs make. Random
 * DAGs are driven through the machine with batches finishing in random order, workers lost,
 * spills and a failing batch, and every transition logged is checked against the table.
 */
import { describe, expect, it } from 'vitest';
import { lowerGraph, order, ref, task, type TaskGraph } from '@tsdask/core-graph';
import { planBatches, SchedulerState, STATES } from '@tsdask/scheduler-local';
import { InvalidTransitionError } from '../src/errors.js';
import { GraphState } from '../src/state/graph-state.js';
import { isLegalTransition, LEGAL_TRANSITIONS } from '../src/state/transitions.js';
import { randomDag } from './random-dag.js';

const code = (s: string): number => STATES.indexOf(s as (typeof STATES)[number]);

/** The legal moves, written out again by hand (the reference for the table). */
const EXPECTED = new Set([
  'waiting->ready',
  'waiting->running',
  'ready->running',
  'running->memory',
  'running->erred',
  'running->ready',
  'running->waiting',
  'memory->released',
]);

function graphState(): { gs: GraphState; g: TaskGraph } {
  const g = lowerGraph([
    ['a', task('m#f')],
    ['b', task('m#f', ref('a'))],
  ]);
  const isOut = Uint8Array.from([0, 1]);
  const plan = planBatches(g, order(g, ['b']), isOut, 1);
  const gs = new GraphState(g, plan, Int32Array.from([g.index.get('b')!]));
  for (let id = 1; id <= 5; id++) gs.log.addStimulus({ id, type: id === 3 ? 'batch-finished' : 'start' });
  return { gs, g };
}

describe('the table of legal transitions', () => {
  it('holds exactly the moves of the lifecycle', () => {
    const table = new Set(LEGAL_TRANSITIONS.map(([f, t]) => `${f}->${t}`));
    expect(table).toEqual(EXPECTED);
    for (const from of STATES) for (const to of STATES) expect(isLegalTransition(code(from), code(to))).toBe(EXPECTED.has(`${from}->${to}`));
  });

  it('memory -> waiting throws at the move, naming key, from and to, with the story; nothing changes', () => {
    const { gs, g } = graphState();
    const a = g.index.get('a')!;
    gs.transition(a, code('ready'), 1);
    gs.transition(a, code('running'), 2);
    gs.transition(a, code('memory'), 3);
    const written = gs.log.written;
    let err: unknown;
    try {
      gs.transition(a, code('waiting'), 4);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidTransitionError);
    const e = err as InvalidTransitionError;
    expect(e.name).toBe('InvalidTransitionError');
    expect(e.code).toBe('TSDASK_INVALID_TRANSITION');
    expect([e.key, e.from, e.to]).toEqual(['a', 'memory', 'waiting']);
    expect(e.story.map((s) => `${s.from}->${s.to}`)).toEqual(['waiting->ready', 'ready->running', 'running->memory']);
    expect(e.story[2]!.stimulus).toBe('batch-finished');
    expect(e.message).toMatch(/Task 'a' cannot move from memory to waiting/);
    expect(gs.state[a]).toBe(code('memory'));
    expect(gs.log.written).toBe(written);
  });

  it('released -> running and waiting -> memory throw too', () => {
    const { gs, g } = graphState();
    const a = g.index.get('a')!;
    const b = g.index.get('b')!;
    expect(() => gs.transition(b, code('memory'), 1)).toThrow(/Task 'b' cannot move from waiting to memory/);
    for (const to of ['ready', 'running', 'memory', 'released']) gs.transition(a, code(to), 2);
    expect(() => gs.transition(a, code('running'), 5)).toThrow(InvalidTransitionError);
    expect(() => gs.transition(a, code('running'), 5)).toThrow(/from released to running/);
  });
});

/** Drives a machine to its end with seeded choices; returns the moves seen as 'from->to'. */
function driveRandomly(g: TaskGraph, seed: number, o: { batch: number; limit: number; failAt?: number }): Set<string> {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sinks = g.keys.filter((_, i) => g.outPtr[i + 1] === g.outPtr[i]);
  const outIds = Int32Array.from(sinks, (k) => g.index.get(k)!);
  const isOut = new Uint8Array(g.size);
  for (const id of outIds) isOut[id] = 1;
  const plan = planBatches(g, order(g, sinks), isOut, o.batch);
  const m = new SchedulerState(g, plan, { outputs: outIds, slots: 3, retries: 2, memoryLimit: o.limit, rootSlots: 2 });
  const running: number[] = [];
  const writes: { batch: number; gen: number }[] = [];
  let steps = 0;
  const feed = (ins: ReturnType<SchedulerState['handle']>): void => {
    for (const i of ins) {
      if (i.type === 'dispatch') running.push(i.batch);
      if (i.type === 'spill') writes.push({ batch: i.batch, gen: i.gen });
    }
    expect(m.validate()).toEqual([]);
  };
  feed(m.handle({ type: 'start' }));
  while (!m.closed) {
    steps++;
    if (writes.length > 0 && (running.length === 0 || rnd() < 0.3)) {
      const w = writes.splice(Math.floor(rnd() * writes.length), 1)[0]!;
      feed(m.handle({ type: 'spilled', batch: w.batch, bytes: 10, gen: w.gen }));
      continue;
    }
    const b = running.splice(Math.floor(rnd() * running.length), 1)[0]!;
    const r = rnd();
    if (steps === o.failAt) feed(m.handle({ type: 'batch-erred', batch: b, member: 0, error: new Error('boom'), worker: 1, start: 0, stop: 1 }));
    else if (r < 0.08) feed(m.handle({ type: 'worker-lost', batch: b, error: new Error('gone') }));
    else feed(m.handle({ type: 'batch-finished', batch: b, worker: 1, start: 0, stop: 1, nbytes: 5 + Math.floor(rnd() * 40) }));
  }
  const seen = new Set<string>();
  m.log.forEachSince(0, (_task, from, to) => seen.add(`${STATES[from]}->${STATES[to]}`));
  return seen;
}

describe('transitions in real runs', () => {
  it('every move made is in the table, and every move in the table is made', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const g = randomDag(200, seed);
      for (const move of driveRandomly(g, seed, { batch: seed % 2 === 0 ? 1 : 8, limit: seed <= 4 ? Infinity : 300 })) seen.add(move);
    }
    // A batch that throws: its members are erred, the compute ends.
    for (const move of driveRandomly(randomDag(200, 9), 9, { batch: 8, limit: Infinity, failAt: 40 })) seen.add(move);
    for (const move of seen) expect(EXPECTED.has(move), move).toBe(true);
    expect(seen).toEqual(EXPECTED);
  });
});
