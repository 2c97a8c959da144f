/**
 * User functions are named in graphs by OpId and held only weakly by the function table; the
 * collection that uses one must keep it alive, or a garbage collection during a compute makes
 * its tasks fail with "the function is not registered in this thread" (seen with mapPartitions
 * on 'sync'). Here a forced GC runs between building and computing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { graphOf, isFunctionOp, lookupFunction, registerFunction, type Node } from '@tsdask/core-graph';
import { fromRecords } from '@tsdask/dataframe';
import { fromArray, mapBlocks, type NDArray } from '@tsdask/array';
import type { Table } from 'apache-arrow';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Function OpIds in a collection's graph. */
function functionOps(c: Parameters<typeof graphOf>[0][number]): string[] {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n !== null && typeof n === 'object' && 'op' in n && 'args' in n) {
      const op = (n as { op: string }).op;
      if (isFunctionOp(op)) out.add(op);
      walk((n as { args: unknown[] }).args);
    }
  };
  for (const n of graphOf([c]).graph.nodes as Node[]) walk(n);
  return [...out];
}

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('user functions live as long as the collections that use them', () => {
  it('a function registered with nothing holding it is forgotten (what the tests below guard against)', async () => {
    const op = ((): string => registerFunction((x: number) => x + 1))();
    for (let i = 0; i < 10 && lookupFunction(op) !== undefined; i++) await collect();
    expect(lookupFunction(op)).toBeUndefined();
  });

  it('mapPartitions', async () => {
    const df = fromRecords([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }], { npartitions: 2 }).mapPartitions((t: Table) => t.slice(0, 1));
    const [op] = functionOps(df);
    await collect();
    expect(lookupFunction(op as string)).toBeDefined();
    expect(await df.toRecords({ scheduler: 'sync' })).toEqual([{ a: 1 }, { a: 3 }]);
  });

  it('mapBlocks', async () => {
    const x = mapBlocks(
      (b: NDArray) => ({ data: (b.data as Float64Array).map((v) => v * 10), shape: b.shape, dtype: b.dtype }),
      fromArray([1, 2, 3, 4], { chunks: 2 }),
    );
    const [op] = functionOps(x);
    await collect();
    expect(lookupFunction(op as string)).toBeDefined();
    expect(Array.from(((await x.compute({ scheduler: 'sync' })) as NDArray).data as Float64Array)).toEqual([10, 20, 30, 40]);
  });
});
