/** A Series is a collection: compute(df, series, scalar) computes them on one graph. */
import { describe, expect, it } from 'vitest';
import { compute, persist } from '@tsdask/core-graph';
import { col, fromRecords } from '@tsdask/dataframe';

const rows = Array.from({ length: 30 }, (_, i) => ({ x: (i * 5) % 7, y: i % 2 === 0 ? 'even' : 'odd' }));

describe('Series as a collection', () => {
  for (const scheduler of ['sync', 'threads'] as const) {
    it(`compute(df, df.col('x'), df.col('x').sum()) on '${scheduler}'`, async () => {
      const df = fromRecords(rows, { npartitions: 3 }).filter(col('x').gt(1));
      const [table, xs, total] = await compute(df, df.col('x'), df.col('x').sum(), { scheduler });
      const want = rows.filter((r) => r.x > 1);
      expect(table.numRows).toBe(want.length);
      expect([...xs].map(Number)).toEqual(want.map((r) => r.x));
      expect(total).toBe(want.reduce((a, r) => a + r.x, 0));
    });
  }

  it('persist() keeps a series computed, and compute() of it gives the same vector', async () => {
    const s = fromRecords(rows, { npartitions: 2 }).col('y');
    const [kept] = await persist(s, { scheduler: 'sync' });
    expect([...(await kept.compute({ scheduler: 'sync' }))]).toEqual(rows.map((r) => r.y));
    expect(await kept.toArray({ scheduler: 'sync' })).toEqual(rows.map((r) => r.y));
  });
});
