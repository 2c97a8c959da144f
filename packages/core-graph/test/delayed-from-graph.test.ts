/** Delayed.fromGraph: a Delayed of one key of any graph, alone, as an argument, in compute(a, b), persisted. */
import { afterAll, describe, expect, it } from 'vitest';
import { compute, delayed, Delayed, HighLevelGraph, MaterializedLayer, type Key, type Node } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';

afterAll(async () => {
  await closePool();
});

/** A graph whose key 'base-1' holds 20 and 'base-2' holds base-1 through an identity task. */
function graph(): HighLevelGraph {
  const tasks = new Map<Key, Node>([
    ['base-1', 20],
    ['base-2', { op: '@tsdask/core-graph/ops#identity', args: [{ ref: 'base-1' }] }],
  ]);
  return new HighLevelGraph([new MaterializedLayer('base', tasks)]);
}

describe.each(['sync', 'threads'] as const)('Delayed.fromGraph (%s)', (scheduler) => {
  it('computes the key, through finalize when given', async () => {
    expect(await Delayed.fromGraph<number>(graph(), 'base-2').compute({ scheduler })).toBe(20);
    const plusOne = Delayed.fromGraph(graph(), 'base-1', (v: number) => v + 1);
    expect(plusOne).toBeInstanceOf(Delayed);
    expect(await plusOne.compute({ scheduler })).toBe(21);
  });

  it('is an argument of delayed calls, whose graph then holds the other graph too', async () => {
    const a = Delayed.fromGraph(graph(), 'base-1', (v: number) => v + 1);
    const b = Delayed.fromGraph<number>(graph(), 'base-2');
    const sum = delayed((x: number, y: number, z: number) => x * 100 + y + z)(a, b, 3);
    // 21 * 100 + 20 + 3, worked by hand
    expect(await sum.compute({ scheduler })).toBe(2123);
    expect([...sum.graph.layers.keys()]).toContain('base');
  });

  it('computes with other collections in one compute(a, b, ...) and persists', async () => {
    const a = Delayed.fromGraph(graph(), 'base-1', (v: number) => v * 3);
    const plain = delayed((x: number) => x - 1)(5);
    expect(await compute(a, plain, 'passes', { scheduler })).toEqual([60, 4, 'passes']);
    const kept = await a.persist({ scheduler });
    expect(kept.key).toBe(a.key);
    expect(await delayed((x: number) => x + 1)(kept).compute({ scheduler })).toBe(61);
  });
});

describe('Delayed.fromGraph keys', () => {
  it('are the graph key without finalize, deterministic with it', () => {
    expect(Delayed.fromGraph(graph(), 'base-1').key).toBe('base-1');
    const f = (v: number): number => v + 1;
    expect(Delayed.fromGraph(graph(), 'base-1', f).key).toBe(Delayed.fromGraph(graph(), 'base-1', f).key);
  });
});
