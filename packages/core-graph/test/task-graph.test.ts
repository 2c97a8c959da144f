import { describe, expect, it } from 'vitest';
import { dependenciesOf, dependentsOf, GraphCycleError, lowerGraph, MissingKeyError, ref, task, topologicalOrder } from '@tsdask/core-graph';

const op = 'm#f';

describe('lowerGraph', () => {
  it('derives dependencies from refs, nested in arrays and tasks, without duplicates', () => {
    const g = lowerGraph([
      ['a', 1],
      ['b', task(op, ref('a'))],
      ['c', task(op, [ref('a'), [ref('b')]], task(op, ref('b')), { ref: 'a' })],
      ['d', [ref('c'), ref('c')]],
    ]);
    const id = (k: string) => g.index.get(k)!;
    const names = (ids: number[]) => ids.map((i) => g.keys[i]).sort();
    expect(names(dependenciesOf(g, id('c')))).toEqual(['a', 'b']);
    expect(names(dependenciesOf(g, id('d')))).toEqual(['c']);
    expect(names(dependentsOf(g, id('a')))).toEqual(['b', 'c']);
    expect(dependenciesOf(g, id('a'))).toEqual([]);
    const order = Array.from(topologicalOrder(g), (i) => g.keys[i]);
    for (const [k, deps] of [
      ['b', ['a']],
      ['c', ['a', 'b']],
      ['d', ['c']],
    ] as const) {
      for (const d of deps) expect(order.indexOf(d)).toBeLessThan(order.indexOf(k));
    }
  });

  it('does not look for refs inside quoted values', () => {
    const g = lowerGraph([['x', { op: '@tsdask/core-graph/ops#quote', args: [{ ref: 'nowhere' }] }]]);
    expect(g.size).toBe(1);
    expect(dependenciesOf(g, 0)).toEqual([]);
  });

  it('names the keys of a cycle', () => {
    const build = () =>
      lowerGraph([
        ['start', 1],
        ['a', task(op, ref('c'), ref('start'))],
        ['b', task(op, ref('a'))],
        ['c', task(op, ref('b'))],
        ['after', task(op, ref('c'))],
      ]);
    expect(build).toThrow(GraphCycleError);
    try {
      build();
    } catch (e) {
      const err = e as GraphCycleError;
      expect([...err.keys].sort()).toEqual(['a', 'b', 'c']);
      expect(err.code).toBe('TSDASK_GRAPH_CYCLE');
      expect(err.name).toBe('GraphCycleError');
      expect(err.message).toContain('a');
    }
  });

  it('rejects a self-reference as a cycle', () => {
    expect(() => lowerGraph([['a', task(op, ref('a'))]])).toThrow(GraphCycleError);
  });

  it('names a missing key and the task that wants it', () => {
    try {
      lowerGraph([['a', task(op, ref('ghost'))]]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MissingKeyError);
      expect((e as MissingKeyError).key).toBe('ghost');
      expect((e as MissingKeyError).dependent).toBe('a');
    }
  });
});
