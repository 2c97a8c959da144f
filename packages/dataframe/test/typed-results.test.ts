/**
 * Typed results of dataframe reductions: each case says the static type with `expectTypeOf`
 * (checked by tsc in `npm run typecheck:tests`) and checks the computed value's `typeof` at
 * runtime (vitest). The VALUE table, written by hand, is checked both ways: its type must equal
 * the type-level rule for every dtype (tsc), and min / max / toArray of a column of each dtype
 * must give values of that kind (vitest). `refused` is type-checked, never run.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Delayed } from '@tsdask/core-graph';
import { DataFrame, Series, col, fromRecords, type DType, type ValueOf } from '@tsdask/dataframe';
import type { Table } from 'apache-arrow';

const sync = { scheduler: 'sync' } as const;

/** The `typeof` of a value type, with Date told apart from other objects. */
type KindName<T> = T extends number ? 'number' : T extends boolean ? 'boolean' : T extends string ? 'string' : T extends Date ? 'Date' : never;
const kindOf = (v: unknown): string => (v instanceof Date ? 'Date' : typeof v);

// The value of one element of each column dtype (int64 columns hold numbers within 2^53).
const VALUE: { [D in DType]: KindName<ValueOf<D>> } = {
  float64: 'number',
  int32: 'number',
  int64: 'number',
  bool: 'boolean',
  utf8: 'string',
  date: 'Date',
  timestamp: 'Date',
};
const SAMPLE: { [D in DType]: unknown[] } = {
  float64: [2.5, -1, null],
  int32: [7, 3, null],
  int64: [9, 4, null],
  bool: [true, false, null],
  utf8: ['b', 'a', null],
  date: [new Date(Date.UTC(2020, 0, 2)), new Date(Date.UTC(2020, 0, 1)), null],
  timestamp: [new Date(5000), new Date(1000), null],
};
const DTYPES = Object.keys(VALUE) as DType[];

const df = fromRecords(
  [
    { x: 1.5, n: 2, s: 'SEA' },
    { x: 2.5, n: 5, s: 'SFO' },
    { x: null, n: 8, s: 'SEA' },
  ],
  { dtypes: { n: 'int64' }, npartitions: 2 },
);

describe('the type-level value rule agrees with the runtime for every column dtype', () => {
  it('min, max and toArray give values of the kind the dtype says (or null)', async () => {
    for (const d of DTYPES) {
      const frame = fromRecords(
        SAMPLE[d].map((v) => ({ c: v })),
        { dtypes: { c: d }, npartitions: 2 },
      );
      const s = frame.col('c');
      expect(s.dtype).toBe(d);
      const [mn, mx] = [await s.min().compute(sync), await s.max().compute(sync)];
      expect([d, kindOf(mn), kindOf(mx)]).toEqual([d, VALUE[d], VALUE[d]]);
      const all = await s.toArray(sync);
      expect([d, all.slice(0, 2).map(kindOf), all[2]]).toEqual([d, [VALUE[d], VALUE[d]], null]);
    }
  });

  it('a Series whose dtype is known types min / max / toArray by it', () => {
    expectTypeOf<ReturnType<Series<DataFrame, 'utf8'>['min']>>().toEqualTypeOf<Delayed<string | null>>();
    expectTypeOf<ReturnType<Series<DataFrame, 'bool'>['max']>>().toEqualTypeOf<Delayed<boolean | null>>();
    expectTypeOf<ReturnType<Series<DataFrame, 'int64'>['max']>>().toEqualTypeOf<Delayed<number | null>>();
    expectTypeOf<ReturnType<Series<DataFrame, 'date'>['toArray']>>().toEqualTypeOf<Promise<(Date | null)[]>>();
  });
});

describe('Series reductions', () => {
  it('sum and count are numbers (an int64 sum too), also of an empty selection', async () => {
    const s = await df.col('n').sum().compute(sync);
    expectTypeOf(s).toEqualTypeOf<number>();
    expect(s).toBe(15);
    const none = df.filter(col('n').gt(100));
    const [s0, c0] = [await none.col('n').sum().compute(sync), await none.col('n').count().compute(sync)];
    expectTypeOf(c0).toEqualTypeOf<number>();
    expect([s0, c0]).toEqual([0, 0]);
  });

  it('mean, std and var are numbers, or null when there are too few values', async () => {
    const m = await df.col('x').mean().compute(sync);
    expectTypeOf(m).toEqualTypeOf<number | null>();
    expect(m).toBe(2);
    const sd = await df.col('n').std().compute(sync);
    expectTypeOf(sd).toEqualTypeOf<number | null>();
    expect(sd).toBe(3);
    const one = fromRecords([{ x: 1 }]);
    expect(await one.col('x').var().compute(sync)).toBeNull();
  });

  it('min / max of a column whose dtype is not known statically: any value, or null', async () => {
    const wide: DataFrame = df;
    const mn = await wide.col('s').min().compute(sync);
    expectTypeOf(mn).toEqualTypeOf<number | boolean | string | Date | null>();
    expect(mn).toBe('SEA');
    // Where fromRecords' rows say it, the dtype is known: a utf8 column's minimum is a string.
    const known = await df.col('s').min().compute(sync);
    expectTypeOf(known).toEqualTypeOf<string | null>();
    expect(known).toBe('SEA');
  });

  it('nunique and len are numbers', async () => {
    const u = await df.col('s').nunique().compute(sync);
    expectTypeOf(u).toEqualTypeOf<number>();
    expect(u).toBe(2);
    const n = await df.col('x').len(sync);
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(n).toBe(3);
  });
});

describe('DataFrame reductions', () => {
  it('len() is a number; nunique() a record of numbers; describe() a Table', async () => {
    const n = await df.len(sync);
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(n).toBe(3);
    const u = await df.nunique().compute(sync);
    expectTypeOf(u).toEqualTypeOf<{ x: number; n: number; s: number }>();
    expect(u).toEqual({ x: 2, n: 3, s: 2 });
    const wide: DataFrame = df;
    expectTypeOf(await wide.nunique().compute(sync)).toEqualTypeOf<Record<string, number>>();
    const t = await df.describe().compute(sync);
    expectTypeOf(t).toEqualTypeOf<Table>();
    expect(t.numRows).toBe(8);
  });
});

/** Calls the types must refuse. Type-checked by tsc, never run. */
export function refused(s: Series<DataFrame, 'utf8'>, any: Series): void {
  void (async () => {
    // @ts-expect-error a mean may be null (no values): check before toFixed
    (await any.mean().compute()).toFixed(2);
    // @ts-expect-error the minimum of a utf8 column is a string (or null), not a number
    const n: number | null = await s.min().compute();
    // @ts-expect-error a column of unknown dtype may hold strings, dates or booleans
    const m: number | null = await any.max().compute();
    void [n, m];
  })();
}
