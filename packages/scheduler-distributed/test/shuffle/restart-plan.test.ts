/**
 * Restart planning alone, against a case worked out by hand: 9 outputs in ranges over A, B, C
 * (A: 0-2, B: 3-5, C: 6-8). C is lost with output 6 and 8 still to unpack and 7 unpacked and
 * held elsewhere: 6 and 8 move to the survivors (contiguous: 6 to A, 8 to B), 7 needs nothing,
 * and a transfer that had delivered owes only 6 and 8. Then B is lost too (3 unpacked, 4, 5 and
 * the moved 8 still to do): all of them but 3 move to A, the only one left, and what each
 * transfer owes depends on the run it last delivered in. A partition whose result was lost
 * while its owner lives moves to another worker (its owner removed its file); a partition needed
 * anew (`fresh`) is owed again even to an owner that held it before.
 */
import { describe, expect, it } from 'vitest';
import { owedParts, planMoves, type PartStatus } from '../../src/shuffle/restart-plan.js';
import { ownerOf, type P2PRunSpec } from '../../src/shuffle/run-spec.js';

const run1: P2PRunSpec = { id: 's', inputs: 4, outputs: 9, transfer: 't', barrier: 'b', unpack: 'u', run: 1, workers: ['A', 'B', 'C'] };
const owners = (spec: P2PRunSpec): string[] => Array.from({ length: spec.outputs }, (_, j) => ownerOf(spec, j));
const statuses =
  (m: Record<number, PartStatus>) =>
  (j: number): PartStatus =>
    m[j] ?? 'pending';

describe('restart planning', () => {
  it('moves only a lost worker’s pending outputs, then owes only what moved', () => {
    expect(owners(run1)).toEqual(['A', 'A', 'A', 'B', 'B', 'B', 'C', 'C', 'C']);
    const p2 = planMoves(run1, new Set(['C']), ['A', 'B', 'C'], statuses({ 0: 'done', 7: 'done' }))!;
    expect(p2).toEqual({ moved: { 6: 'A', 7: '', 8: 'B' }, assigned: [6, 8] });
    const run2: P2PRunSpec = { ...run1, run: 2, moved: p2.moved };
    expect(owners(run2)).toEqual(['A', 'A', 'A', 'B', 'B', 'B', 'A', '', 'B']);
    expect(owedParts(run1, run2)).toEqual([6, 8]); // delivered in run 1
    expect(owedParts(undefined, run2)).toEqual([0, 1, 2, 3, 4, 5, 6, 8]); // never delivered: all with an owner
    expect(owedParts(run2, run2)).toEqual([]);

    // B is lost during run 2: its 4, 5 and the moved 8 go to A; 3 is done (held elsewhere).
    const p3 = planMoves(run2, new Set(['C', 'B']), ['A'], statuses({ 0: 'done', 3: 'done', 7: 'done' }))!;
    expect(p3).toEqual({ moved: { 3: '', 4: 'A', 5: 'A', 6: 'A', 7: '', 8: 'A' }, assigned: [4, 5, 8] });
    const run3: P2PRunSpec = { ...run2, run: 3, moved: p3.moved };
    expect(owedParts(run2, run3)).toEqual([4, 5, 8]);
    expect(owedParts(run1, run3)).toEqual([4, 5, 6, 8]); // delivered in run 1 only: 6 moved since too
  });

  it('moves the outputs of an owner that is not live though it was not the worker reported lost', () => {
    // B left earlier with nothing to restart (3-5 unpacked and held elsewhere); now C is lost with 6-8 to do.
    const p = planMoves(run1, new Set(['C']), ['A'], statuses({ 0: 'done', 3: 'done', 4: 'done', 5: 'unused' }))!;
    expect(p).toEqual({ moved: { 3: '', 4: '', 5: '', 6: 'A', 7: 'A', 8: 'A' }, assigned: [6, 7, 8] });
    // No transfer sends to B any more: it no longer listens.
    expect(owedParts(undefined, { ...run1, run: 2, moved: p.moved })).toEqual([0, 1, 2, 6, 7, 8]);
    // One of B's outputs still to unpack moves too.
    expect(planMoves(run1, new Set(['C']), ['A'], statuses({ 3: 'done', 5: 'done', 6: 'done', 7: 'done', 8: 'done' }))).toEqual({
      moved: { 3: '', 4: 'A', 5: '', 6: '', 7: '', 8: '' },
      assigned: [4],
    });
  });

  it('waits for a worker when none is live, and moves a lost result off its living owner', () => {
    expect(planMoves(run1, new Set(['A', 'B', 'C']), [], () => 'pending')).toBeUndefined();
    // Output 1's result (owner A) was held only by a lost worker D: A removed its file, so 1 goes to B.
    const p = planMoves(run1, new Set(['D']), ['A', 'B', 'C'], () => 'pending', new Set([1]))!;
    expect(p).toEqual({ moved: { 1: 'B' }, assigned: [1] });
    // Nothing pending on the lost worker: nothing moves but what needs no buckets.
    expect(planMoves(run1, new Set(['C']), ['A', 'B'], statuses({ 6: 'done', 7: 'unused', 8: 'done' }))).toEqual({
      moved: { 6: '', 7: '', 8: '' },
      assigned: [],
    });
  });

  it('owes a partition given back to an owner that held it before (it removed its file), and one forced on the only live worker', () => {
    // Run 2: output 1's result was lost (its owner A removed its file): it moves to B, needed anew from run 2.
    const run2: P2PRunSpec = { ...run1, run: 2, moved: { 1: 'B' }, fresh: { 1: 2 } };
    expect(owedParts(run1, run2)).toEqual([1]);
    // Run 3: B's result of output 1 is lost in turn and output 1 goes back to A. A transfer that last delivered in
    // run 1 (to A) owes it again, as does one that delivered in run 2 (to B).
    const p3 = planMoves(run2, new Set(), ['A', 'B', 'C'], () => 'pending', new Set([1]))!;
    expect(p3.moved[1]).toBe('A');
    const run3: P2PRunSpec = { ...run2, run: 3, moved: p3.moved, fresh: { 1: 3 } };
    expect([owedParts(run1, run3), owedParts(run2, run3), owedParts(run3, run3)]).toEqual([[1], [1], []]);
    // With one live worker a forced output stays on its owner, needed anew.
    const solo: P2PRunSpec = { ...run1, workers: ['A'] };
    const p = planMoves(solo, new Set(), ['A'], () => 'pending', new Set([4]))!;
    expect(p).toEqual({ moved: { 4: 'A' }, assigned: [4] });
    expect(owedParts(solo, { ...solo, run: 2, moved: p.moved, fresh: { 4: 2 } })).toEqual([4]);
  });
});
