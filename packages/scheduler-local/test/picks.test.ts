/**
 * Picks (core-graph's `pickOf`: a top-level getitem of another key's result) in the local
 * scheduler: each is a batch of its own, taken at once without a slot, its bytes moving from
 * the container, which goes when its last pick is taken; downstream of picks no batch joins
 * several buckets. And the pause: over it, nothing new starts while a spill write is going.
 */
import { describe, expect, it } from 'vitest';
import { compute, delayed, lowerGraph, order, pick, ref, task, TASK_STATES, type Callbacks, type TaskGraph } from '@tsdask/core-graph';
import { planBatches, SchedulerState, type Instruction } from '@tsdask/scheduler-local';
import { driveWithLateWrites } from './drive.js';

const SPLITS = 3;
const BUCKETS = 4;

/** split,i (SPLITS of them) -> piece,i,j (picks) -> out,j (reads piece,*,j) -> out2,j -> total. */
function shuffleLike(): TaskGraph {
  const entries: [string, unknown][] = [];
  for (let i = 0; i < SPLITS; i++) {
    entries.push([`split,${i}`, task('m#split', i)]);
    for (let j = 0; j < BUCKETS; j++) entries.push([`piece,${i},${j}`, pick(`split,${i}`, j)]);
  }
  for (let j = 0; j < BUCKETS; j++) {
    entries.push([
      `out,${j}`,
      task(
        'm#cat',
        Array.from({ length: SPLITS }, (_, i) => ref(`piece,${i},${j}`)),
      ),
    ]);
    entries.push([`out2,${j}`, task('m#f', ref(`out,${j}`))]);
  }
  entries.push([
    'total',
    task(
      'm#add',
      Array.from({ length: BUCKETS }, (_, j) => ref(`out2,${j}`)),
    ),
  ]);
  return lowerGraph(entries);
}

function plan(g: TaskGraph, outputs: string[], maxSize: number) {
  const isOut = new Uint8Array(g.size);
  for (const k of outputs) isOut[g.index.get(k)!] = 1;
  return planBatches(g, order(g, outputs), isOut, maxSize);
}

describe('planBatches with picks', () => {
  it('makes each pick a batch of its own, and never joins buckets into one batch', () => {
    const g = shuffleLike();
    const p = plan(g, ['total'], 512);
    const keyOf = (t: number) => g.keys[t]!;
    for (let b = 0; b < p.count; b++) {
      const members = Array.from(p.memIdx.subarray(p.memPtr[b], p.memPtr[b + 1]), keyOf);
      const inputs = Array.from(p.inIdx.subarray(p.inPtr[b], p.inPtr[b + 1]), keyOf);
      const isPiece = members[0]!.startsWith('piece');
      expect(p.pick[b]).toBe(isPiece ? 1 : 0);
      if (isPiece) expect(members).toHaveLength(1);
      // A batch that reads pieces reads those of one bucket only.
      const buckets = new Set(inputs.filter((k) => k.startsWith('piece')).map((k) => k.split(',')[2]));
      expect(buckets.size).toBeLessThanOrEqual(1);
    }
    // out,j and out2,j are one chain (one bucket); total does not absorb them (four buckets).
    expect(p.batchOf[g.index.get('out,0')!]).toBe(p.batchOf[g.index.get('out2,0')!]);
    expect(p.batchOf[g.index.get('out2,0')!]).not.toBe(p.batchOf[g.index.get('total')!]);
  });
});

describe('SchedulerState with picks', () => {
  it('takes picks at once without a slot, moves their bytes from the container, and drops it after the last', () => {
    const g = shuffleLike();
    const p = plan(g, ['total'], 1);
    const outIds = Int32Array.from([g.index.get('total')!]);
    const m = new SchedulerState(g, p, { outputs: outIds, slots: 1, retries: 0 });
    const keyOf = (b: number) => g.keys[p.root[b]!]!;
    const size = (b: number) => (keyOf(b).startsWith('split') ? 400 : keyOf(b).startsWith('piece') ? 100 : 8);
    const queue: Instruction[] = [...m.handle({ type: 'start' })];
    let maxInFlightNonPick = 0;
    const running = new Set<number>();
    while (queue.length > 0) {
      const ins = queue.shift()!;
      expect(m.validate()).toEqual([]);
      if (ins.type === 'dispatch') running.add(ins.batch);
      if (ins.type !== 'dispatch') continue;
      maxInFlightNonPick = Math.max(maxInFlightNonPick, [...running].filter((b) => !p.pick[b]).length);
      const out = m.handle({ type: 'batch-finished', batch: ins.batch, worker: 0, start: 0, stop: 1, nbytes: size(ins.batch) });
      running.delete(ins.batch);
      if (keyOf(ins.batch).startsWith('split')) {
        // All its picks start in the same step, though the one slot is now free for others too.
        const picks = out.filter((i) => i.type === 'dispatch' && p.pick[i.batch]).map((i) => keyOf((i as { batch: number }).batch));
        expect(picks.sort()).toEqual(Array.from({ length: BUCKETS }, (_, j) => `piece,${keyOf(ins.batch).split(',')[1]},${j}`));
      }
      if (keyOf(ins.batch).startsWith('piece')) {
        const [, i, j] = keyOf(ins.batch).split(',');
        const released = out.filter((x) => x.type === 'release').map((x) => keyOf((x as { batch: number }).batch));
        // The split goes with its last pick (the pieces are taken in order here).
        expect(released.includes(`split,${i}`)).toBe(Number(j) === BUCKETS - 1);
      }
      queue.push(...out);
    }
    expect(m.closed).toBe(true);
    expect(maxInFlightNonPick).toBe(1);
    // Never more than what exists: the pieces of all splits (the split's 400 bytes become its
    // four pieces' 400), plus the small results; never a split beside its own pieces.
    expect(m.memory.maxHeld).toBeLessThanOrEqual(SPLITS * 400 + 2 * BUCKETS * 8 + 8);
    expect(m.memory.held).toBe(8);
  });
});

describe('SchedulerState over the pause', () => {
  it('starts nothing while a spill write is going, and goes on once it is done', () => {
    // K independent loads of 100 bytes, all read by one final task: each is held (or spilled)
    // until the last load is done.
    const K = 8;
    const entries: [string, unknown][] = [];
    for (let i = 0; i < K; i++) entries.push([`load,${i}`, task('m#load', i)]);
    entries.push([
      'all',
      task(
        'm#add',
        Array.from({ length: K }, (_, i) => ref(`load,${i}`)),
      ),
    ]);
    const g = lowerGraph(entries);
    const p = plan(g, ['all'], 1);
    const m = new SchedulerState(g, p, { outputs: Int32Array.from([g.index.get('all')!]), slots: 2, retries: 0, memoryLimit: 300, rootSlots: 2 });
    const { spills, startedDuringWrite } = driveWithLateWrites(m, (b) => (g.keys[p.root[b]!]!.startsWith('load') ? 100 : 8));
    expect(spills).toBeGreaterThan(0);
    expect(startedDuringWrite).toBe(0);
    // The pause (80% of 300) plus the loads in flight when it was crossed, then the K loads
    // read back for the final task.
    expect(m.memory.maxHeld).toBeLessThanOrEqual(K * 100 + 8);
  });
});

describe.each(['sync', 'threads'])('picks end to end on %s', (scheduler) => {
  it('a delayed item of a result is taken in the scheduler thread; the container is not held beside it', async () => {
    const parts = delayed((n: number) => [new Float64Array(n).fill(1), new Float64Array(n).fill(2)], { name: 'parts' });
    const total = delayed((a: Float64Array) => a.reduce((x, y) => x + y, 0), { name: 'total' });
    const both = parts(100_000);
    let maxHeld = 0;
    const workers: number[] = [];
    const cb: Callbacks = {
      event(e) {
        if (e.type === 'memory') maxHeld = Math.max(maxHeld, e.maxHeld);
      },
      taskBatch(b) {
        // Where each item's result was made (its transition to memory).
        for (let r = 0; r < b.length; r++)
          if (b.state[r] === TASK_STATES.indexOf('memory') && b.keys[b.task[r]!]!.startsWith('getitem')) workers.push(b.worker[r]!);
      },
    };
    const [x, y] = await compute(total(both.get(0)), total(both.get(1)), { scheduler, callbacks: [cb], memoryLimit: 1e12 });
    expect([x, y]).toEqual([100_000, 200_000]);
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((w) => w === -1)).toBe(true);
    // 1.6 MB of values in all: counted once, not once in the pair and again in each item.
    expect(maxHeld).toBeLessThan(1.7e6);
  });
});
