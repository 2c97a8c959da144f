/**
 * Persisted arrays and dataframes are backed by results their scheduler keeps (not by values
 * copied into the graph): later computes read them by key, and releasing the persisted
 * collections empties the scheduler's store. Expected values are worked out by plain loops.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { getScheduler, release } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { fromArray } from '@tsdask/array';
import { col, fromRecords } from '@tsdask/dataframe';

afterAll(async () => {
  await closePool();
});

describe.each(['sync', 'threads'])('persisted collections on %s', (scheduler) => {
  it('an array and a dataframe: computed from the held partitions, then released', async () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i);
    const a = fromArray(xs, { chunks: 10 }).add(1);
    const rows = Array.from({ length: 40 }, (_, i) => ({ k: i % 4, v: i }));
    const df = fromRecords(rows, { npartitions: 4 }).filter(col('v').gt(9));
    const pa = await a.persist({ scheduler });
    const pdf = await df.persist({ scheduler });
    const store = (await getScheduler(scheduler)).heldKeys();
    expect(store.size).toBe(a.outputKeys.length + df.outputKeys.length);
    let total = 0;
    for (let i = 0; i < 100; i++) total += i + 1;
    expect(await pa.sum().compute({ scheduler })).toBe(total);
    expect(await pa.sum().compute({ scheduler })).toBe(total);
    const want = rows.filter((r) => r.v > 9);
    expect(await pdf.toRecords({ scheduler })).toEqual(want);
    expect((await getScheduler(scheduler)).heldKeys().size).toBe(store.size);
    release(pa, pdf);
    expect((await getScheduler(scheduler)).heldKeys().size).toBe(0);
  });
});
