import { describe, expect, it } from 'vitest';
import { cull, lowerGraph, ref, task } from '@tsdask/core-graph';
import { evalKey, toDict } from './reference.js';

describe('cull', () => {
  const dict = {
    a: 1,
    b: task('m#inc', ref('a')),
    c: task('m#double', ref('b')),
    unused: task('m#inc', ref('a')),
    alsoUnused: task('m#neg', ref('unused')),
    x: 10,
  };
  const g = lowerGraph(Object.entries(dict));

  it('keeps exactly what the requested keys need', () => {
    const out = cull(g, ['c']);
    expect([...out.keys].sort()).toEqual(['a', 'b', 'c']);
    expect(evalKey('c', toDict(out))).toBe(evalKey('c', dict));
  });

  it('keeps several outputs and their shared dependencies once', () => {
    const out = cull(g, ['c', 'unused', 'x']);
    expect([...out.keys].sort()).toEqual(['a', 'b', 'c', 'unused', 'x']);
    expect(out.depIdx.length).toBe(3);
  });

  it('returns the same graph when nothing is removed, and never mutates its input', () => {
    const all = cull(g, ['c', 'alsoUnused', 'x']);
    expect(all).toBe(g);
    cull(g, ['a']);
    expect(g.size).toBe(6);
  });
});
