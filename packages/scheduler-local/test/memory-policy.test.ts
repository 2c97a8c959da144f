/**
 * The memory policy alone, on a hand-drawn DAG and limit: release, which result spills and
 * when, write generations, failed writes, reading back, the pause and picks' bytes. Expected
 * bytes and choices are worked out by hand (limit 100: spill above 60, pause above 80).
 */
import { describe, expect, it } from 'vitest';
import { MemoryPolicy } from '../src/state/memory-policy.js';
import { handPlan } from './hand-plan.js';

// 0, 1, 2 are loads; 3 reads 0, 4 reads 1, 5 reads 2; 6 (the output) reads 3, 4 and 5.
const inputs = [[], [], [], [0], [1], [2], [3, 4, 5]];
function setup(limit = 100) {
  const plan = handPlan(inputs);
  const graph = { refs: Int32Array.from([1, 1, 1, 1, 1, 1, 0]), isOutput: Uint8Array.from([0, 0, 0, 0, 0, 0, 1]) };
  return { plan, graph, m: new MemoryPolicy(plan, graph, limit) };
}
/** Every result nextSpill chooses now. */
function spills(m: MemoryPolicy): number[] {
  const got: number[] = [];
  for (let b = m.nextSpill(); b >= 0; b = m.nextSpill()) got.push(b);
  return got;
}

describe('MemoryPolicy', () => {
  it('releases a result once no dependent is left, never an output', () => {
    const { m, graph } = setup();
    expect(m.releasable(0)).toBe(false);
    graph.refs[0] = 0;
    expect(m.releasable(0)).toBe(true);
    expect(m.releasable(6)).toBe(false); // no dependents, but the output
    m.stored(0, 30);
    m.forget(0);
    expect(m.stats.held).toBe(0);
    expect(m.isStored(0)).toBe(false);
  });

  it('spills the result needed latest until held is under the target, and reads it back for its dependent', () => {
    const { m } = setup();
    for (const b of [0, 1, 2]) {
      m.stored(b, 30);
      m.offer(b);
    }
    expect(m.stats).toMatchObject({ held: 90, maxHeld: 90, paused: true });
    // First dependents: 0 -> 3, 1 -> 4, 2 -> 5: 2 is needed latest. 90 - 30 = 60 is not over 60.
    expect(spills(m)).toEqual([2]);
    expect(m.writing).toBe(true);
    expect(m.spilled(2, m.generation(2))).toBe(true);
    expect(m.stats).toMatchObject({ held: 60, spilledBytes: 30, spillCount: 1, paused: false });
    expect(m.writing).toBe(false);
    // 5 would read 2 back: 60 + 30 is over the pause, so only when nothing else runs.
    expect(m.admits(5, true)).toBe(false);
    expect(m.admits(5, false)).toBe(true);
    expect(m.admits(3, true)).toBe(true);
    expect(m.pinInputs(5)).toEqual([2]);
    expect(m.stats).toMatchObject({ held: 90, spilledBytes: 0, unspillCount: 1 });
    // Held is over the target again: of 0 and 1 (2 is pinned by 5), 1 is needed later.
    expect(spills(m)).toEqual([1]);
  });

  it('a pinned result is not chosen, and a write still going is called off by a dispatch', () => {
    const { m } = setup();
    m.stored(0, 70);
    m.offer(0);
    expect(spills(m)).toEqual([0]);
    expect(m.generation(0)).toBe(1);
    expect(m.pinInputs(3)).toBeUndefined(); // in memory still: no read, the write is called off
    expect(m.writing).toBe(false);
    expect(m.spilled(0, 1)).toBe(false); // that write ending drops nothing
    m.offer(0);
    expect(spills(m)).toEqual([]); // pinned by 3
    m.unpinInputs(3);
    m.offerIfUnpinned(0);
    expect(spills(m)).toEqual([0]);
    expect(m.generation(0)).toBe(2);
    expect(m.spilled(0, 1)).toBe(false); // an older write
    expect(m.spilled(0, 2)).toBe(true);
    expect(m.isOnDisk(0)).toBe(true);
    expect(m.validate()).toEqual([]);
  });

  it('a failed write keeps its result, never chosen again; a failed folder stops spilling', () => {
    const { m } = setup();
    m.stored(0, 70);
    m.offer(0);
    expect(spills(m)).toEqual([0]);
    m.spillFailed(0, 1, false);
    expect(m.stats.held).toBe(70);
    m.offer(0);
    expect(spills(m)).toEqual([]);
    m.stored(1, 10);
    m.offer(1);
    expect(spills(m)).toEqual([1]);
    m.spillFailed(1, 1, true);
    m.offer(1);
    expect(spills(m)).toEqual([]);
    expect(m.stats).toMatchObject({ held: 80, spillCount: 0 });
  });

  it('reads outputs on disk back at the end, and calls off their writes still going', () => {
    const { m } = setup();
    m.stored(6, 70);
    m.offer(6);
    expect(spills(m)).toEqual([6]);
    expect(m.spilled(6, 1)).toBe(true);
    expect(m.readBackOutputs()).toEqual([6]);
    expect(m.stats).toMatchObject({ held: 70, spilledBytes: 0, unspillCount: 1 });
    m.offer(6);
    expect(spills(m)).toEqual([6]);
    expect(m.readBackOutputs()).toBeUndefined(); // written, not yet on disk: kept in memory
    expect(m.writing).toBe(false);
  });

  it('never spills without a limit', () => {
    const { m } = setup(Infinity);
    for (const b of [0, 1, 2]) {
      m.stored(b, 1e12);
      m.offer(b);
    }
    expect(spills(m)).toEqual([]);
    expect(m.stats.paused).toBe(false);
  });

  it("moves a pick's bytes from its container, so they are counted once", () => {
    // 0 is a container; 1 and 2 are picks of it.
    const plan = handPlan([[], [0], [0]], [1, 2]);
    const m = new MemoryPolicy(plan, { refs: Int32Array.from([2, 0, 0]), isOutput: Uint8Array.from([0, 1, 1]) }, 1000);
    m.stored(0, 100);
    m.takeFromContainer(1, 40);
    m.stored(1, 40);
    m.takeFromContainer(2, 60);
    m.stored(2, 60);
    expect(m.stats).toMatchObject({ held: 100, maxHeld: 100 });
    expect(m.validate()).toEqual([]);
  });
});
