import { expect, it } from 'vitest';
import { mulberry32 as rng } from '../../../../test/support/seeded-random.js';
import { KeyMap, SHARDS, shardOf } from '../../src/scheduler/state/key-map.js';

it('answers get, has, set, delete and size as a plain Map does, over random operations on task-like keys', () => {
  const next = rng(14);
  const ref = new Map<string, number>();
  const km = new KeyMap<number>();
  const keyOf = (): string => {
    const r = next();
    if (r < 0.4) return `inc-bench,${Math.floor(next() * 5000)}`;
    if (r < 0.7) return `add-3f2a${Math.floor(next() * 40)},${Math.floor(next() * 30)},${Math.floor(next() * 3)}`;
    if (r < 0.8) return String.fromCharCode(97 + Math.floor(next() * 5)); // one character
    if (r < 0.85) return '';
    return `x${Math.floor(next() * 200)}`;
  };
  for (let op = 0; op < 20_000; op++) {
    const k = keyOf();
    const r = next();
    if (r < 0.5) {
      expect(km.set(k, op)).toBe(km);
      ref.set(k, op);
    } else if (r < 0.7) expect(km.delete(k)).toBe(ref.delete(k));
    else if (r < 0.85) expect(km.get(k)).toBe(ref.get(k));
    else expect(km.has(k)).toBe(ref.has(k));
    expect(km.size).toBe(ref.size);
  }
  const entries = [...km].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  expect(entries).toEqual([...ref].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  expect(new Set(km.keys())).toEqual(new Set(ref.keys()));
  expect([...km.values()].sort((a, b) => a - b)).toEqual([...ref.values()].sort((a, b) => a - b));
  const seen = new Map<string, number>();
  km.forEach((v, k, m) => {
    expect(m).toBe(km);
    seen.set(k, v);
  });
  expect(seen).toEqual(ref);
});

it('spreads task keys over the shards so that none holds more than twice its share (a shard is the largest table a set grows)', () => {
  for (const make of [
    (i: number) => `inc-bench,${i}`,
    (i: number) => `sum-${i % 5}-bench,${i >> 3}`,
    (i: number) => `getitem-9a1c0e,${i % 300},${Math.floor(i / 300)}`,
  ]) {
    const counts = new Array<number>(SHARDS).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[shardOf(make(i))]!++;
    expect(Math.max(...counts)).toBeLessThan((2 * n) / SHARDS);
  }
});

it('deletes during iteration as a Map does, and clear empties it', () => {
  const km = new KeyMap<number>();
  for (let i = 0; i < 1000; i++) km.set(`k,${i}`, i);
  for (const [k, v] of km) if (v % 2 === 0) km.delete(k);
  expect(km.size).toBe(500);
  for (let i = 0; i < 1000; i++) expect(km.has(`k,${i}`)).toBe(i % 2 === 1);
  km.clear();
  expect(km.size).toBe(0);
  expect([...km]).toEqual([]);
  expect(Object.prototype.toString.call(km)).toBe('[object KeyMap]');
});
