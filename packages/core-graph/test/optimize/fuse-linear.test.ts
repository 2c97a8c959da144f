import { describe, expect, it } from 'vitest';
import { fuseLinear, isTask, lowerGraph, ref, task, type TaskGraph } from '@tsdask/core-graph';
import { evalKey, toDict } from './reference.js';

const keysOf = (g: TaskGraph) => [...g.keys].sort();

describe('fuse-linear', () => {
  it('fuses a chain into one nested task under the last key', () => {
    const dict = { a: task('m#double', 2), b: task('m#inc', ref('a')), c: task('m#neg', ref('b')) };
    const out = fuseLinear(lowerGraph(Object.entries(dict)), ['c']);
    expect(keysOf(out)).toEqual(['c']);
    expect(out.nodes[0]).toEqual(task('m#neg', task('m#inc', task('m#double', 2))));
    expect(evalKey('c', toDict(out))).toBe(evalKey('c', dict));
  });

  it('stops at tasks with several dependents or dependencies, and keeps outputs', () => {
    const dict = {
      a: task('m#double', 1),
      b: task('m#inc', ref('a')),
      shared: task('m#inc', ref('b')),
      l: task('m#neg', ref('shared')),
      r: task('m#double', ref('shared')),
      join: task('m#add', ref('l'), ref('r')),
      tail: task('m#inc', ref('join')),
      end: task('m#double', ref('tail')),
    };
    const out = fuseLinear(lowerGraph(Object.entries(dict)), ['end', 'tail']);
    // a->b->shared fuse into 'shared' (which has two dependents, so the chain ends there);
    // l and r feed a task of two dependencies, so they stay; join->tail is a chain, but 'tail'
    // is an output, so it cannot disappear into 'end'.
    expect(keysOf(out)).toEqual(['end', 'l', 'r', 'shared', 'tail']);
    const shared = out.nodes[out.index.get('shared')!];
    expect(isTask(shared) && isTask(shared.args[0])).toBe(true);
    for (const k of ['end', 'tail']) expect(evalKey(k, toDict(out))).toBe(evalKey(k, dict));
  });

  it('returns its input when nothing fuses', () => {
    const g = lowerGraph([
      ['a', 1],
      ['b', 2],
      ['c', task('m#add', ref('a'), ref('b'))],
    ]);
    expect(fuseLinear(g, ['c'])).toBe(g);
  });
});
