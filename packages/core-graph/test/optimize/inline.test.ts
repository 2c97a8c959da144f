import { describe, expect, it } from 'vitest';
import { inline, isTask, lowerGraph, quote, ref, task } from '@tsdask/core-graph';
import { evalKey, toDict } from './reference.js';

describe('inline', () => {
  it('inlines literals into their dependents and keeps results equal', () => {
    const dict = { one: 1, q: quote(5), b: task('m#add', ref('one'), ref('q')), c: task('m#add', ref('b'), ref('one')) };
    const out = inline(lowerGraph(Object.entries(dict)), ['c']);
    expect([...out.keys].sort()).toEqual(['b', 'c']);
    expect(out.nodes[out.index.get('b')!]).toEqual(task('m#add', 1, quote(5)));
    expect(evalKey('c', toDict(out))).toBe(evalKey('c', dict));
  });

  it('never inlines an output key', () => {
    const dict = { one: 1, b: task('m#inc', ref('one')) };
    const out = inline(lowerGraph(Object.entries(dict)), ['b', 'one']);
    expect([...out.keys].sort()).toEqual(['b', 'one']);
  });

  it('copies cheap ops into every dependent, and leaves other ops alone', () => {
    const dict = {
      x: task('m#double', 3),
      n: task('m#neg', ref('x')),
      d1: task('m#inc', ref('n')),
      d2: task('m#add', ref('n'), ref('x')),
      out: task('m#add', ref('d1'), ref('d2')),
    };
    const out = inline(lowerGraph(Object.entries(dict)), ['out'], { cheapOps: new Set(['m#neg']) });
    expect([...out.keys].sort()).toEqual(['d1', 'd2', 'out', 'x']);
    const d1 = out.nodes[out.index.get('d1')!];
    expect(isTask(d1) && isTask(d1.args[0]) && d1.args[0].op).toBe('m#neg');
    expect(evalKey('out', toDict(out))).toBe(evalKey('out', dict));
  });

  it('returns its input unchanged when there is nothing to inline', () => {
    const g = lowerGraph([
      ['a', task('m#double', 2)],
      ['b', task('m#inc', ref('a'))],
    ]);
    expect(inline(g, ['b'])).toBe(g);
  });
});
