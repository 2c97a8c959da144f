/**
 * Shuffles under a memoryLimit: a hash-shuffle merge and a groupBy with splitOut, on data
 * several times the limit, get the plain-loop answer and spill on the way. Each output bucket
 * reads only its own pieces (tasks that keep their results on their own, so the scheduler can
 * spill them one by one), not every split whole.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphOf, type Callbacks } from '@tsdask/core-graph';
import { fromRecords } from '@tsdask/dataframe';
import { planBatches } from '@tsdask/scheduler-local';
import { order } from '@tsdask/core-graph';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-shuffle-ooc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 240_000;
const KEYS = 60_000;
const keyOf = (i: number) => (i * 7919) % KEYS;
const left = () => fromRecords(Array.from({ length: N }, (_, i) => ({ k: keyOf(i), a: i, pad: i * 0.5 })), { npartitions: 8 });
const right = () => fromRecords(Array.from({ length: KEYS }, (_, j) => ({ k: j, b: 3 * j })), { npartitions: 6 });
const LIMIT = 1_500_000;

function watch(): { cb: Callbacks; spills: () => number; maxHeld: () => number } {
  let spills = 0;
  let maxHeld = 0;
  const cb: Callbacks = {
    event(name, payload) {
      if (name === 'spill') spills++;
      if (name === 'memory') maxHeld = Math.max(maxHeld, Number(payload['maxHeld']));
    },
  };
  return { cb, spills: () => spills, maxHeld: () => maxHeld };
}

describe('a hash shuffle', () => {
  it('keeps each piece as a result of its own: an output bucket depends on its pieces only', () => {
    const { graph, outputs } = graphOf([left().merge(right(), { on: 'k', broadcast: false })]);
    const isOut = new Uint8Array(graph.size);
    for (const k of outputs) isOut[graph.index.get(k)!] = 1;
    const plan = planBatches(graph, order(graph, outputs), isOut, 512);
    const pieces = graph.keys.map((k, i) => [k, i] as const).filter(([k]) => k.startsWith('shuffle-piece-'));
    expect(pieces.length).toBe(8 * 8 + 6 * 8);
    for (const [, t] of pieces) expect(plan.root[plan.batchOf[t]!]).toBe(t);
  });
});

describe.each(['sync', 'threads'])('shuffles under a memoryLimit (%s)', (scheduler) => {
  it('merge (hash shuffle join): the plain-loop answer, spilling on the way', async () => {
    const w = watch();
    const spillDir = mkdtempSync(join(dir, 'spill-'));
    const t = await left().merge(right(), { on: 'k', broadcast: false }).compute({ scheduler, memoryLimit: LIMIT, spillDir, callbacks: [w.cb] });
    expect(t.numRows).toBe(N);
    const a = t.getChild('a')!.toArray();
    const b = t.getChild('b')!.toArray();
    const k = t.getChild('k')!.toArray();
    const seen = new Uint8Array(N);
    for (let i = 0; i < t.numRows; i++) {
      const ai = Number(a[i]);
      expect(Number(k[i])).toBe(keyOf(ai));
      expect(Number(b[i])).toBe(3 * keyOf(ai));
      seen[ai]!++;
    }
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(w.spills()).toBeGreaterThan(0);
    expect(readdirSync(spillDir)).toEqual([]);
    // Pieces are spilled one by one, so less is held at once than with no limit at all (when
    // every bucket read every split whole, the limit changed nothing: all of it was held).
    const free = watch();
    await left().merge(right(), { on: 'k', broadcast: false }).compute({ scheduler, memoryLimit: 1e12, callbacks: [free.cb] });
    expect(w.maxHeld()).toBeLessThan(0.8 * free.maxHeld());
  });

  it('groupBy with splitOut: the plain-loop answer, spilling on the way', async () => {
    const w = watch();
    const spillDir = mkdtempSync(join(dir, 'spill-'));
    const t = await left()
      .groupBy('k', { splitOut: 8 })
      .agg({ s: ['a', 'sum'], n: ['a', 'count'] })
      .compute({ scheduler, memoryLimit: LIMIT / 3, spillDir, callbacks: [w.cb] });
    const sums = new Map<number, number>();
    for (let i = 0; i < N; i++) sums.set(keyOf(i), (sums.get(keyOf(i)) ?? 0) + i);
    expect(t.numRows).toBe(KEYS);
    const k = t.getChild('k')!.toArray();
    const s = t.getChild('s')!.toArray();
    const n = t.getChild('n')!.toArray();
    for (let i = 0; i < t.numRows; i++) {
      expect(Number(s[i])).toBe(sums.get(Number(k[i])));
      expect(Number(n[i])).toBe(N / KEYS);
    }
    expect(w.spills()).toBeGreaterThan(0);
    expect(readdirSync(spillDir)).toEqual([]);
  });
});
