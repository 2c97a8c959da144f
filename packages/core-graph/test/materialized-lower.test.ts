import { describe, expect, it } from 'vitest';
import {
  dependenciesOf,
  graphOf,
  GraphCycleError,
  KeyTable,
  lowerGraph,
  MaterializedLayer,
  MissingKeyError,
  ref,
  task,
  type Key,
  type Node,
} from '@tsdask/core-graph';
import { noPasses, Raw } from './raw-collection.js';

const op = 'm#f';
/** Each key's dependencies by key, sorted: a comparison that does not depend on id order. */
function shape(g: ReturnType<typeof lowerGraph>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < g.size; i++)
    out[g.keys[i] as string] = dependenciesOf(g, i)
      .map((d) => g.keys[d] as string)
      .sort();
  return out;
}

/** A tree sum over n leaves as raw tasks, and the keys of its levels. */
function treeTasks(n: number): Map<Key, Node> {
  const tasks = new Map<Key, Node>();
  let level: Key[] = [];
  for (let i = 0; i < n; i++) {
    tasks.set(`inc,${i}`, task(op, i));
    level.push(`inc,${i}`);
  }
  let c = 0;
  while (level.length > 1) {
    const next: Key[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) next.push(level[i] as Key);
      else {
        const k = `add,${c++}`;
        tasks.set(k, task(op, ref(level[i] as Key), ref(level[i + 1] as Key)));
        next.push(k);
      }
    }
    level = next;
  }
  return tasks;
}

describe('MaterializedLayer.lowerWhole (the raw-graph lowering graphOf uses when every task is needed)', () => {
  it('gives the graph that materializing and lowering give, when the outputs need every task', () => {
    const tasks = treeTasks(37);
    const layer = new MaterializedLayer('raw', tasks);
    const whole = layer.lowerWhole(['add,35']);
    expect(whole).toBeDefined();
    const reference = lowerGraph(new Map(tasks));
    expect(whole!.size).toBe(73);
    expect(shape(whole!)).toEqual(shape(reference));
    const { graph } = graphOf([new Raw(layer, ['add,35'])], noPasses);
    expect(shape(graph)).toEqual(shape(reference));
  });

  it('leaves a layer the outputs need only part of to materialize(): unneeded tasks are neither lowered nor checked', () => {
    const tasks = new Map<Key, Node>([
      ['a', 1],
      ['b', task(op, ref('a'))],
      // Not needed by 'b': a ref to an absent key, and a cycle.
      ['stray', task(op, ref('absent'))],
      ['x', task(op, ref('y'))],
      ['y', task(op, ref('x'))],
    ]);
    const layer = new MaterializedLayer('raw', tasks);
    expect(layer.lowerWhole(['b'])).toBeUndefined();
    const { graph } = graphOf([new Raw(layer, ['b'])], noPasses);
    expect(shape(graph)).toEqual({ a: [], b: ['a'] });
  });

  it('leaves errors in needed tasks to the materializing path, which names the keys', () => {
    const missing = new MaterializedLayer('raw', new Map<Key, Node>([['b', task(op, ref('absent'))]]));
    expect(missing.lowerWhole(['b'])).toBeUndefined();
    expect(() => graphOf([new Raw(missing, ['b'])], noPasses)).toThrow(MissingKeyError);
    const cycle = new MaterializedLayer(
      'raw',
      new Map<Key, Node>([
        ['x', task(op, ref('y'))],
        ['y', task(op, ref('x'))],
      ]),
    );
    expect(cycle.lowerWhole(['x'])).toBeUndefined();
    expect(() => graphOf([new Raw(cycle, ['x'])], noPasses)).toThrow(GraphCycleError);
    // An output the layer does not have.
    expect(new MaterializedLayer('raw', treeTasks(4)).lowerWhole(['nope'])).toBeUndefined();
  });
});

describe("graphOf's graph index", () => {
  it('keeps no key table (outputs known), and still finds every key and refuses an absent one', () => {
    const tasks = treeTasks(37);
    for (const opts of [noPasses, {}]) {
      const { graph } = graphOf([new Raw(new MaterializedLayer('raw', tasks), ['add,35', 'add,3'])], opts);
      // lowering's KeyTable (11 to 23 bytes per task) is not what the graph keeps
      expect(graph.index).not.toBeInstanceOf(KeyTable);
      // The reference: each key's position in the graph's own keys, by a plain loop.
      for (let i = 0; i < graph.size; i++) expect(graph.index.get(graph.keys[i]!)).toBe(i);
      expect(graph.index.get('absent')).toBeUndefined();
      expect(graph.index.size).toBe(73);
    }
  });
});
