/**
 * KeyTable (graph/key-table.ts), the lowered graph's key -> id index, against a Map kept
 * beside it on seeded random keys: repeats, growth from an empty table, absent keys, keys
 * that differ only in their last character, non-ASCII keys, and equal keys that are
 * distinct string objects.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../test/support/seeded-random.js';
import { KeyTable, lowerGraph, MaterializedLayer, graphOf, Collection, HighLevelGraph, task, ref, type Key } from '@tsdask/core-graph';

/** A random key from a small alphabet (so repeats happen), sometimes with a long shared prefix. */
function randomKey(rand: () => number): string {
  const alphabet = 'ab,-(é€😀';
  const prefix = rand() < 0.3 ? 'x'.repeat(40) : '';
  let s = prefix;
  const len = Math.floor(rand() * 4);
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

describe('KeyTable', () => {
  it('inserts and looks up as a Map does: first id kept, ids in insertion order, growing from empty', () => {
    const rand = mulberry32(11);
    const keys: string[] = [];
    const table = new KeyTable(keys);
    const ref = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      // a fresh string object each time: equal keys need not be the same object
      const k = randomKey(rand).split('').join('');
      const id = table.insert(k);
      if (!ref.has(k)) ref.set(k, ref.size);
      expect(id).toBe(ref.get(k));
    }
    expect(table.size).toBe(ref.size);
    expect(keys).toEqual([...ref.keys()]);
    for (const [k, id] of ref) expect(table.get(`${k}`)).toBe(id);
    for (let i = 0; i < 2000; i++) {
      const k = `${randomKey(rand)}!`;
      expect(table.get(k)).toBe(ref.get(k));
      expect(table.has(k)).toBe(ref.has(k));
    }
    expect([...table.entries()]).toEqual([...ref.entries()]);
    const seen: [string, number][] = [];
    table.forEach((v, k) => seen.push([k, v]));
    expect(seen).toEqual([...ref.entries()]);
  });

  it('indexes a given array of distinct keys, which differ only at the end, and finds no others', () => {
    const keys = Array.from({ length: 20000 }, (_, i) => `inc-${'0'.repeat(12)}${i.toString(16).padStart(6, '0')}`);
    const table = new KeyTable(keys);
    expect(table.size).toBe(keys.length);
    for (let i = 0; i < keys.length; i += 7) expect(table.get(keys[i] as Key)).toBe(i);
    expect(table.get(`inc-${'0'.repeat(12)}${(20000).toString(16).padStart(6, '0')}`)).toBeUndefined();
    expect(table.get('')).toBeUndefined();
  });
});

describe('lowering through the key table', () => {
  it('keeps the place and the last node of a key given twice', () => {
    const g = lowerGraph([
      ['a', 1],
      ['b', task('m#f', ref('a'))],
      ['a', 2],
    ]);
    expect(g.keys).toEqual(['a', 'b']);
    expect(g.nodes[0]).toBe(2);
    expect(g.index.get('b')).toBe(1);
  });

  it('lowers a whole raw layer of many tasks with the same dependencies as a hand-made list', () => {
    const tasks = new Map<Key, unknown>();
    const n = 3000;
    for (let i = 0; i < n; i++) tasks.set(`leaf,${i}`, task('m#inc', i));
    for (let i = 0; i < n; i++) tasks.set(`pair,${i}`, task('m#add', ref(`leaf,${i}`), ref(`leaf,${(i * 7) % n}`)));
    tasks.set(
      'out',
      task(
        'm#sum',
        Array.from({ length: n }, (_, i) => ref(`pair,${i}`)),
      ),
    );
    class Raw extends Collection<unknown> {
      get graph(): HighLevelGraph {
        return new HighLevelGraph([new MaterializedLayer('raw', tasks as Map<Key, never>)]);
      }
      get outputKeys(): readonly Key[] {
        return ['out'];
      }
      finalize(v: readonly unknown[]): unknown {
        return v[0];
      }
    }
    const { graph } = graphOf([new Raw()], { optimize: { fuse: false, inline: false } });
    expect(graph.size).toBe(2 * n + 1);
    const depsOf = (k: string): string[] => {
      const id = graph.index.get(k)!;
      return Array.from(graph.depIdx.subarray(graph.depPtr[id], graph.depPtr[id + 1]), (d) => graph.keys[d]!).sort();
    };
    for (let i = 0; i < n; i += 97) expect(depsOf(`pair,${i}`)).toEqual([...new Set([`leaf,${i}`, `leaf,${(i * 7) % n}`])].sort());
    expect(depsOf('out').length).toBe(n);
  });
});
