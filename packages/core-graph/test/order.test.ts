import { describe, expect, it } from 'vitest';
import { lowerGraph, order, ref, task, type TaskGraph } from '@tsdask/core-graph';

/**
 * A small independent simulator: W workers, unit-time tasks, ready tasks picked by lowest
 * priority; returns the most 'load' results held at once (a load is held until its reduce ran).
 */
function maxLoadsHeld(g: TaskGraph, prio: Int32Array, workers: number): number {
  const deps = (i: number) => Array.from(g.depIdx.subarray(g.depPtr[i], g.depPtr[i + 1]));
  const done = new Set<number>();
  const held = new Set<number>();
  let running: number[] = [];
  let max = 0;
  while (done.size < g.size) {
    const ready: number[] = [];
    for (let i = 0; i < g.size; i++) {
      if (!done.has(i) && !running.includes(i) && deps(i).every((d) => done.has(d))) ready.push(i);
    }
    ready.sort((a, b) => prio[a]! - prio[b]!);
    while (running.length < workers && ready.length > 0) running.push(ready.shift()!);
    // The longest-running task finishes first (FIFO), the others keep running.
    const finished = running.shift()!;
    done.add(finished);
    if (g.keys[finished]!.startsWith('load')) held.add(finished);
    for (const d of deps(finished)) if (g.keys[d]!.startsWith('load')) held.delete(d);
    max = Math.max(max, held.size);
    running = running.filter((r) => r !== finished);
  }
  return max;
}

describe('order', () => {
  const K = 12;
  const entries: [string, unknown][] = [];
  for (let i = 0; i < K; i++) {
    entries.push([`load,${i}`, task('m#load', i)]);
    entries.push([`reduce,${i}`, task('m#reduce', ref(`load,${i}`))]);
  }
  entries.push([
    'total',
    task(
      'm#sum',
      Array.from({ length: K }, (_, i) => ref(`reduce,${i}`)),
    ),
  ]);
  const g = lowerGraph(entries);

  it('gives a topological permutation', () => {
    const p = order(g, ['total']);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: g.size }, (_, i) => i));
    for (let i = 0; i < g.size; i++) {
      for (let e = g.depPtr[i]!; e < g.depPtr[i + 1]!; e++) expect(p[g.depIdx[e]!]).toBeLessThan(p[i]!);
    }
  });

  it.each([1, 2, 4])('never holds more than workers + 1 loaded chunks (%i workers)', (w) => {
    expect(maxLoadsHeld(g, order(g, ['total']), w)).toBeLessThanOrEqual(w + 1);
  });

  it('finishes a branch before starting the next', () => {
    const p = order(g, ['total']);
    for (let i = 0; i < K; i++) {
      expect(p[g.index.get(`reduce,${i}`)!]).toBe(p[g.index.get(`load,${i}`)!]! + 1);
    }
  });
});
