/**
 * The dispatch policy alone, on hand-drawn DAGs: which ready batch goes out next, slots, root
 * slots, the pause and picks. Expected orders are worked out by hand from the policy's rules.
 */
import { describe, expect, it } from 'vitest';
import { DispatchPolicy } from '../src/state/dispatch-policy.js';
import { handPlan } from './hand-plan.js';

/** Takes batches while the policy gives them; returns them in order. */
function drain(d: DispatchPolicy, paused = false): number[] {
  const got: number[] = [];
  for (let b = d.next(paused); b >= 0; b = d.next(paused)) {
    d.take(b);
    got.push(b);
  }
  return got;
}

describe('DispatchPolicy', () => {
  // Batches 0..3 are roots (no inputs); 4 reads 0; 5 reads 1; 6 reads 4 and 5.
  const inputs = [[], [], [], [], [0], [1], [4, 5]];

  it('starts the lowest ready batch first, at most `slots` at once, and a finished one frees its slot', () => {
    const d = new DispatchPolicy(handPlan(inputs), 2, 4);
    for (const b of [3, 1, 2, 0]) d.enqueue(b);
    expect(drain(d)).toEqual([0, 1]);
    expect(d.inFlight).toBe(2);
    d.leave(0);
    expect(drain(d)).toEqual([2]);
  });

  it('runs root batches at most `rootSlots` at a time, and prefers a lower non-root batch', () => {
    const d = new DispatchPolicy(handPlan(inputs), 4, 1);
    for (const b of [0, 1, 2, 3]) d.enqueue(b);
    expect(drain(d)).toEqual([0]); // one root slot
    d.leave(0);
    d.enqueue(4); // 0 finished: 4 is ready, and lower roots wait for the root slot
    expect(drain(d)).toEqual([1, 4]);
    d.leave(1);
    d.enqueue(5);
    expect(drain(d)).toEqual([2, 5]);
  });

  it('when paused: one batch at a time, and a root batch only when nothing else is ready', () => {
    const d = new DispatchPolicy(handPlan(inputs), 4, 4);
    for (const b of [1, 2, 4]) d.enqueue(b);
    expect(drain(d, true)).toEqual([4]); // 1 and 2 are lower, but roots wait while 4 is ready
    expect(drain(d, true)).toEqual([]); // the one slot is taken
    d.leave(4);
    expect(drain(d, true)).toEqual([1]);
    d.leave(1);
    expect(drain(d, false)).toEqual([2]);
  });

  it('hands out picks at once, in the order they became ready, without a slot', () => {
    // 0 is a root; 1, 2 and 3 are picks of it; 4 reads 1.
    const d = new DispatchPolicy(handPlan([[], [0], [0], [0], [1]], [1, 2, 3]), 1);
    d.enqueue(0);
    expect(drain(d)).toEqual([0]);
    for (const b of [3, 1, 2]) d.enqueue(b);
    expect(d.hasPicks).toBe(true);
    expect(d.takePicks()).toEqual([3, 1, 2]);
    expect(d.hasPicks).toBe(false);
    expect(d.picksInFlight).toBe(3);
    expect(d.inFlight).toBe(1); // the slot is still held by 0
    d.leave(1);
    expect(d.picksInFlight).toBe(2);
    expect(d.validate(3)).toEqual([]);
    expect(d.validate(2)).toEqual(['2 batches running but 3 counted in flight']);
  });
});
