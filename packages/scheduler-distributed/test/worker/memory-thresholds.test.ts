// The worker's memory thresholds (Dask's target 0.6, spill 0.7, pause 0.8 of the limit): the pure
// decisions against numbers worked out by hand, then the memory manager over a real data store
// driven by fake memory readings (no timers): spilling past the target at a store, spilling down
// to the target on a reading over the spill threshold, the pause and the resume, the collection
// when RSS lags, and no pause when nothing is left to spill.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@tsdask/core-graph';
import { DEFAULT_MEMORY_FRACTIONS, memoryFractions, onMemoryReading, overTarget } from '@tsdask/scheduler-distributed';
import { DataStore } from '../../src/worker/data-store.js';
import { MemoryManager } from '../../src/worker/memory-manager.js';

const F = DEFAULT_MEMORY_FRACTIONS;
const parent = mkdtempSync(join(tmpdir(), 'tsdask-worker-memory-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const stores: DataStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe('memory thresholds (pure)', () => {
  it("has Dask's defaults and checks given fractions", () => {
    expect(F).toEqual({ target: 0.6, spill: 0.7, pause: 0.8 });
    expect(memoryFractions({ spill: false, pause: 0.9 })).toEqual({ target: 0.6, spill: false, pause: 0.9 });
    for (const bad of [0, 1.5, -0.1, Number.NaN]) expect(() => memoryFractions({ target: bad })).toThrow(ConfigError);
  });

  it('overTarget: managed bytes over 0.6 of the limit, none without a limit or with the target off', () => {
    expect(overTarget(700, 1000, F)).toBeCloseTo(100);
    expect(overTarget(600, 1000, F)).toBe(0);
    expect(overTarget(1e9, 0, F)).toBe(0);
    expect(overTarget(900, 1000, { ...F, target: false })).toBe(0);
  });

  it('a reading over 0.7 spills down to 0.6; over 0.8 pauses while spilling can help; at or under 0.8 resumes', () => {
    const r = (measured: number, paused = false, canSpill = true) => onMemoryReading({ measured, limit: 1000, paused, canSpill }, F);
    expect(r(700)).toEqual({ spill: 0, pause: undefined });
    expect(r(750).spill).toBeCloseTo(150);
    expect(r(750).pause).toBeUndefined();
    expect(r(850).pause).toBe('pause');
    expect(r(850).spill).toBeCloseTo(250);
    expect(r(850, true).pause).toBeUndefined();
    expect(r(800, true).pause).toBe('unpause');
    // Over the pause with nothing left to spill: pausing would wait forever, so the worker runs on.
    expect(r(950, false, false).pause).toBeUndefined();
    expect(r(950, true, false).pause).toBe('unpause');
    // The target off: spill down to the spill threshold itself.
    expect(onMemoryReading({ measured: 750, limit: 1000, paused: false, canSpill: true }, { ...F, target: false }).spill).toBeCloseTo(50);
    // No limit: nothing spills or pauses, and a pause left over ends.
    expect(onMemoryReading({ measured: 1e12, limit: 0, paused: true, canSpill: true }, F)).toEqual({ spill: 0, pause: 'unpause' });
  });
});

describe('MemoryManager over a data store, with fake readings', () => {
  const KB = 1000;
  function setup(limit = 100 * KB) {
    const store = new DataStore({ spill: { parent } });
    stores.push(store);
    const box = { reading: 0, gcs: 0, clock: 0 };
    const manager = new MemoryManager({
      store,
      limit,
      fractions: memoryFractions(),
      readMemory: () => box.reading,
      collect: () => void box.gcs++,
      now: () => box.clock,
    });
    const put = (key: string, kb: number) => {
      store.put(key, new Float64Array((kb * KB) / 8), kb * KB);
      manager.afterStore();
    };
    return { store, manager, box, put };
  }

  it('spills least recently used values at a store once managed memory is over the target', async () => {
    const { store, put } = setup();
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) put(k, 10);
    expect(store.writingBytes).toBe(0); // 60 KB: at the target, not over
    put('g', 10); // 70 KB: 10 KB over, so the least recently used (a) goes
    expect(store.writingBytes).toBe(10 * KB);
    await store.idle();
    expect(store.inMemory('a')).toBe(false);
    expect(['b', 'c', 'd', 'e', 'f', 'g'].every((k) => store.inMemory(k))).toBe(true);
    expect(store.bytes).toBe(60 * KB);
  });

  it('a reading over the spill threshold spills down to the target; over the pause it pauses, and resumes below', async () => {
    const { store, manager, box, put } = setup();
    for (const k of ['a', 'b', 'c', 'd', 'e']) put(k, 10); // 50 KB managed, under the target
    box.reading = 65 * KB;
    expect(manager.check(false)).toBeUndefined();
    expect(store.writingBytes).toBe(0); // under 0.7: nothing
    box.reading = 85 * KB; // over 0.8: pause, and spill 25 KB (down to 60 KB): a, b, c
    expect(manager.check(false)).toBe('pause');
    expect(store.writingBytes).toBe(30 * KB);
    await store.idle();
    expect(['a', 'b', 'c'].map((k) => store.inMemory(k))).toEqual([false, false, false]);
    expect(store.bytes).toBe(20 * KB);
    box.reading = 80 * KB; // at the pause: resume
    expect(manager.check(true)).toBe('unpause');
    expect(box.gcs).toBe(1); // values went to disk and RSS still showed over 0.7: one collection first
    box.reading = 50 * KB;
    expect(manager.check(false)).toBeUndefined();
  });

  it('collects garbage at most once a second while RSS lags behind the spilled values', async () => {
    const { store, manager, box, put } = setup();
    for (const k of ['a', 'b', 'c', 'd', 'e']) put(k, 10);
    box.reading = 75 * KB;
    manager.check(false);
    await store.idle();
    expect(box.gcs).toBe(0);
    manager.check(false); // spilled since, still over 0.7: collect
    expect(box.gcs).toBe(1);
    await store.idle();
    box.clock = 500;
    manager.check(false);
    expect(box.gcs).toBe(1); // within the second
    box.clock = 1500;
    manager.check(false);
    expect(box.gcs).toBe(2);
  });

  it('over the pause with nothing left to spill, it does not pause (it would wait forever)', async () => {
    const { store, manager, box, put } = setup();
    put('a', 10);
    box.reading = 95 * KB;
    expect(manager.check(false)).toBe('pause'); // a can still go
    await store.idle();
    expect(store.bytes).toBe(0);
    expect(manager.check(true)).toBe('unpause'); // everything is on disk: memory is not the store's
  });

  it('without a limit it never spills or pauses', () => {
    const { store, manager, box, put } = setup(0);
    put('a', 10);
    box.reading = 1e12;
    expect(manager.check(false)).toBeUndefined();
    expect(manager.check(true)).toBe('unpause');
    expect(store.writingBytes).toBe(0);
  });
});
