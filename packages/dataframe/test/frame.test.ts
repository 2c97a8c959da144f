import { describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { ColumnNotFoundError, ExprTypeError, col, fromArrow, fromRecords, lit, when } from '@tsdask/dataframe';

type Row = { a: number; b: number | null; s: string | null; d: Date };
function rows(n: number): Row[] {
  const out: Row[] = [];
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const y = Math.floor(x / 65536);
    out.push({
      a: x % 1000,
      b: i % 9 === 0 ? null : (x % 977) / 4,
      s: i % 11 === 0 ? null : (['SEA', 'SFO', 'LAX', 'JFK'][y % 4] as string),
      d: new Date(Date.UTC(2001, x % 12, 1 + (x % 28), x % 24)),
    });
  }
  return out;
}
const data = rows(2000);

for (const scheduler of ['sync', 'threads'] as const) {
  describe(`dataframe on '${scheduler}'`, () => {
    const df = fromRecords(data, { npartitions: 5 });

    it('filters, derives and selects like a plain loop', async () => {
      const got = await df
        .filter(
          col('a')
            .gt(100)
            .and(col('s').isIn(['SEA', 'LAX']))
            .or(col('b').isNull()),
        )
        .withColumns({
          c: col('a').mul(2).sub(col('b')),
          m: col('d').month(),
          h: col('d').hour(),
          k: when(col('a').lt(300)).then(lit('lo')).when(col('a').lt(600)).then('mid').otherwise('hi'),
          l: col('s').lower().startsWith('s'),
          f: col('b').fillNull(-1),
          r: col('a').mod(7),
        })
        .select('a', 'c', 'm', 'h', 'k', 'l', 'f', 'r')
        .toRecords({ scheduler });
      const want = data
        .filter((r) => (r.a > 100 && (r.s === 'SEA' || r.s === 'LAX')) || r.b === null)
        .map((r) => ({
          a: r.a,
          c: r.b === null ? null : r.a * 2 - r.b,
          m: r.d.getUTCMonth() + 1,
          h: r.d.getUTCHours(),
          k: r.a < 300 ? 'lo' : r.a < 600 ? 'mid' : 'hi',
          l: r.s === null ? null : r.s.toLowerCase().startsWith('s'),
          f: r.b ?? -1,
          r: r.a % 7,
        }));
      expect(got).toEqual(want);
    });

    it('groups and aggregates like a plain loop (tree of partials)', async () => {
      const got = await df
        .groupBy('s', { splitEvery: 2 })
        .agg({
          n: ['a', 'size'],
          cnt: ['b', 'count'],
          sum: ['b', 'sum'],
          mean: ['b', 'mean'],
          sd: ['a', 'std'],
          mn: ['b', 'min'],
          mx: ['d', 'max'],
          nu: ['a', 'nunique'],
          first: ['b', 'first'],
          last: ['a', 'last'],
        })
        .toRecords({ scheduler });
      const groups = new Map<string, Row[]>();
      for (const r of data) if (r.s !== null) groups.set(r.s, [...(groups.get(r.s) ?? []), r]);
      const want = [...groups.keys()].sort().map((s) => {
        const g = groups.get(s) as Row[];
        const bs = g.map((r) => r.b).filter((b): b is number => b !== null);
        const as = g.map((r) => r.a);
        const mean = as.reduce((x, y) => x + y, 0) / as.length;
        const sd = Math.sqrt(as.reduce((x, y) => x + (y - mean) ** 2, 0) / (as.length - 1));
        return {
          s,
          n: g.length,
          cnt: bs.length,
          sum: bs.reduce((x, y) => x + y, 0),
          mean: bs.reduce((x, y) => x + y, 0) / bs.length,
          sd,
          mn: Math.min(...bs),
          mx: new Date(Math.max(...g.map((r) => r.d.getTime()))),
          nu: new Set(as).size,
          first: bs[0],
          last: as[as.length - 1],
        };
      });
      expect(got.length).toBe(want.length);
      got.forEach((r, i) => {
        const w = want[i] as Record<string, unknown>;
        for (const k of Object.keys(w)) {
          const got = (r as Record<string, unknown>)[k];
          if (typeof w[k] === 'number') expect(got as number).toBeCloseTo(w[k] as number, 8);
          else expect(got).toEqual(w[k]);
        }
      });
    });

    it('groupBy with splitOut hash-shuffles partials: every group once, same values', async () => {
      const spec = { n: ['a', 'size'], m: ['b', 'mean'], u: ['s', 'nunique'] } as const;
      const tree = await df
        .groupBy('a')
        .agg({ ...spec } as never)
        .toRecords({ scheduler });
      const shuffled = df.groupBy('a', { splitOut: 3 }).agg({ ...spec } as never);
      expect(shuffled.npartitions).toBe(3);
      const got = (await shuffled.toRecords({ scheduler })).sort((x, y) => (x['a'] as number) - (y['a'] as number));
      expect(got).toEqual(tree);
      const counts = new Map<number, number>();
      for (const r of data) counts.set(r.a, (counts.get(r.a) ?? 0) + 1);
      expect(got.map((r) => [r['a'], r['n']])).toEqual([...counts].sort((x, y) => x[0] - y[0]));
    });

    it('series reductions, len, head, valueCounts, nunique, dropDuplicates', async () => {
      const bs = data.map((r) => r.b).filter((b): b is number => b !== null);
      expect(await df.col('b').sum().compute({ scheduler })).toBeCloseTo(
        bs.reduce((x, y) => x + y, 0),
        6,
      );
      expect(await df.col('a').max().compute({ scheduler })).toBe(Math.max(...data.map((r) => r.a)));
      expect(await df.col('s').nunique().compute({ scheduler })).toBe(new Set(data.map((r) => r.s).filter((s) => s !== null)).size);
      expect(await df.filter(col('a').between(10, 20)).len({ scheduler })).toBe(data.filter((r) => r.a >= 10 && r.a <= 20).length);
      const h = await df.head(3, { scheduler });
      expect(h.numRows).toBe(3);
      expect(Number(h.getChild('a')?.get(2))).toBe(data[2]?.a);
      const vc = await df.valueCounts('s').toRecords({ scheduler });
      const counts = new Map<string, number>();
      for (const r of data) if (r.s !== null) counts.set(r.s, (counts.get(r.s) ?? 0) + 1);
      const want = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([s, count]) => ({ s, count }));
      expect(vc).toEqual(want);
      const nu = await df.nunique().compute({ scheduler });
      expect(nu['a']).toBe(new Set(data.map((r) => r.a)).size);
      const dd = await df.select('s').dropDuplicates().len({ scheduler });
      expect(dd).toBe(new Set(data.map((r) => r.s)).size);
      // Whole first rows per key, null keys kept, in the order the first rows came (pandas).
      const firsts = new Map<string | null, Row>();
      for (const r of data) if (!firsts.has(r.s)) firsts.set(r.s, r);
      const got = await df.dropDuplicates('s').toRecords({ scheduler });
      expect(got).toEqual([...firsts.values()]);
      // Two keys, and every column: a plain loop over JSON of the subset.
      const seen = new Set<string>();
      const firstAB = data.filter((r) => !seen.has(JSON.stringify([r.a % 3, r.s])) && seen.add(JSON.stringify([r.a % 3, r.s])));
      const gotAB = await df
        .withColumns({ a: col('a').mod(3) })
        .dropDuplicates(['a', 's'])
        .toRecords({ scheduler });
      expect(gotAB).toEqual(firstAB.map((r) => ({ ...r, a: r.a % 3 })));
      const seenRow = new Set<string>();
      const distinct = data.filter((r) => !seenRow.has(JSON.stringify(r)) && seenRow.add(JSON.stringify(r)));
      expect(distinct.length).toBeLessThan(data.length);
      expect(await df.dropDuplicates().toRecords({ scheduler })).toEqual(distinct);
      const byNull = await df
        .groupBy('s', { dropna: false })
        .agg({ n: ['a', 'size'] })
        .toRecords({ scheduler });
      expect(byNull[byNull.length - 1]).toEqual({ s: null, n: data.filter((r) => r.s === null).length });
    });

    it('compute() builds a Table of record batches with unicode strings, nulls and int64', async () => {
      const recs = [
        { s: 'Zürich', n: 1 },
        { s: null, n: 2 },
        { s: '東京', n: -3 },
        { s: 'a', n: 2 ** 40 },
      ];
      const t = await fromRecords(recs, { npartitions: 2 }).compute({ scheduler });
      expect(t.numRows).toBe(4);
      expect([...t.getChild('s')!]).toEqual(['Zürich', null, '東京', 'a']);
      expect([...t.getChild('n')!].map(Number)).toEqual([1, 2, -3, 2 ** 40]);
    });

    it('describe: exact moments and quartiles (exact when partitions are small) like pandas', async () => {
      const t = await df.describe().compute({ scheduler });
      expect([...t.getChild('statistic')!]).toEqual(['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max']);
      const bs = data
        .map((r) => r.b)
        .filter((b): b is number => b !== null)
        .sort((x, y) => x - y);
      const mean = bs.reduce((x, y) => x + y, 0) / bs.length;
      const q = (p: number): number => {
        const pos = p * (bs.length - 1);
        const lo = Math.floor(pos);
        return (bs[lo] as number) + ((bs[Math.min(bs.length - 1, lo + 1)] as number) - (bs[lo] as number)) * (pos - lo);
      };
      const want = [
        bs.length,
        mean,
        Math.sqrt(bs.reduce((x, y) => x + (y - mean) ** 2, 0) / (bs.length - 1)),
        bs[0],
        q(0.25),
        q(0.5),
        q(0.75),
        bs[bs.length - 1],
      ];
      const got = [...t.getChild('b')!] as number[];
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i] as number, 8));
      expect(t.schema.fields.map((f) => f.name)).toEqual(['statistic', 'a', 'b']);
    });

    it('round-trips Arrow tables', async () => {
      const t = tableFromArrays({ x: Float64Array.from([1, 2, 3, 4]), y: ['a', 'b', 'a', 'c'] });
      const out = await fromArrow(t, { npartitions: 2 })
        .withColumns({ z: col('x').mul(col('x')) })
        .compute({ scheduler });
      expect(out.toArray().map((r) => r.toJSON())).toEqual([
        { x: 1, y: 'a', z: 1 },
        { x: 2, y: 'b', z: 4 },
        { x: 3, y: 'a', z: 9 },
        { x: 4, y: 'c', z: 16 },
      ]);
    });
  });
}

describe('cast to integers', () => {
  it('truncates toward zero, and gives null (never a wrapped number) where the type has no such value', async () => {
    const xs = [3e9, -3e9, 2147483647.9, -2147483648.5, -2.7, 2.7, Infinity, NaN, 0];
    const texts = ['4000000000', '-12.9', ' 7 ', 'x', ''];
    const ref = (x: number, bits: 32 | 64): number | null => {
      if (!Number.isFinite(x)) return null;
      const t = Math.trunc(x);
      return bits === 32 && (t < -(2 ** 31) || t >= 2 ** 31) ? null : t;
    };
    const nums = await fromRecords(xs.map((x) => ({ x })))
      .select(col('x').cast('int32').alias('i32'), col('x').cast('int64').alias('i64'))
      .toRecords({ scheduler: 'sync' });
    expect(nums).toEqual(xs.map((x) => ({ i32: ref(x, 32), i64: ref(x, 64) })));
    const strs = await fromRecords(texts.map((s) => ({ s })))
      .select(col('s').cast('int32').alias('i32'))
      .toRecords({ scheduler: 'sync' });
    // Text must be a decimal integer ('-12.9' has no integer value, as pandas' int() and Polars' cast refuse it).
    expect(strs).toEqual(texts.map((s) => ({ i32: /^\s*[-+]?\d+\s*$/.test(s) ? ref(Number(s), 32) : null })));
  });
});

describe('int64 results past 2^53', () => {
  it('sums and arithmetic that leave the exact range are errors, never rounded numbers; within it they are exact', async () => {
    // 2^52 + 1 times 3 is 13510798882111491, which a float64 rounds to ...492.
    const e = fromRecords([{ a: 2 ** 52 + 1, b: 3 }], { npartitions: 1 });
    await expect(e.withColumns({ m: col('a').mul(col('b')) }).toRecords({ scheduler: 'sync' })).rejects.toThrow(
      /'mul' of int64 values \(row 0\) gives about 1\.35108e\+16, beyond 2\^53/,
    );
    const f = await e.withColumns({ m: col('a').cast('float64').mul(col('b')) }).toRecords({ scheduler: 'sync' });
    expect(f[0]?.['m']).toBe((2 ** 52 + 1) * 3);
    // Ten values of 2^50: two groups of five stay exact (5 * 2^50 < 2^53), all ten do not.
    const rows = Array.from({ length: 10 }, (_, i) => ({ g: i % 2, v: 2 ** 50 + i }));
    const big = fromRecords(rows, { npartitions: 3 });
    for (const scheduler of ['sync', 'threads'] as const) {
      await expect(big.col('v').sum().compute({ scheduler })).rejects.toThrow(/sum of 'v' gives about 1\.12590e\+16, beyond 2\^53/);
      const groups = await big
        .groupBy('g')
        .agg({ s: ['v', 'sum'] })
        .toRecords({ scheduler });
      expect(groups).toEqual([0, 1].map((g) => ({ g, s: rows.filter((r) => r.g === g).reduce((x, r) => x + r.v, 0) })));
    }
  });
});

describe('int64 past 2^53 from memory', () => {
  it('fromArrow and fromRecords refuse it naming the row and column (never a rounded number), and keep it as text when asked', async () => {
    const big = 2n ** 60n + 1n; // as a float64 it would read back as 2^60
    const ok = [1n, -9007199254740991n, 9007199254740991n];
    const back = await fromArrow(tableFromArrays({ id: BigInt64Array.from(ok) })).toRecords({ scheduler: 'sync' });
    expect(back.map((r) => r['id'])).toEqual(ok.map(Number));
    expect(() => fromArrow(tableFromArrays({ id: BigInt64Array.from([1n, big]) }))).toThrow(
      /fromArrow\(\): row 1, column 'id' holds 1152921504606846977, an integer beyond 2\^53/,
    );
    expect(() => fromArrow(tableFromArrays({ u: BigUint64Array.from([2n ** 63n + 1n]) }))).toThrow(/row 0, column 'u' holds 9223372036854775809/);
    expect(() => fromRecords([{ id: 1n }, { id: big }])).toThrow(/fromRecords\(\): row 1, column 'id' holds 1152921504606846977/);
    const text = await fromRecords([{ id: big }, { id: 7n }], { dtypes: { id: 'utf8' } }).toRecords({ scheduler: 'sync' });
    expect(text).toEqual([{ id: '1152921504606846977' }, { id: '7' }]);
  });
});

describe('errors and plans', () => {
  const df = fromRecords(data, { npartitions: 3 });
  it('names an unknown column and lists the columns there are', () => {
    // The schema is known here, so the types refuse these too (typed-schema.test.ts); the runtime check stays for untyped callers.
    // @ts-expect-error 'dleay' is not a column
    expect(() => df.filter(col('dleay').gt(0))).toThrow(ColumnNotFoundError);
    // @ts-expect-error 'dleay' is not a column
    expect(() => df.filter(col('dleay').gt(0))).toThrow(/'dleay' not found.*'a', 'b', 's', 'd'/);
    // @ts-expect-error 'nope' is not a column
    expect(() => df.groupBy('nope')).toThrow(ColumnNotFoundError);
  });
  it('rejects type mismatches in expressions', () => {
    expect(() => df.withColumns({ x: col('s').add(1) })).toThrow(ExprTypeError);
    expect(() => df.filter(col('a').add(1))).toThrow(ExprTypeError);
    expect(() => df.withColumns({ x: col('a').lower() })).toThrow(/lower/);
  });
  it('fuses consecutive row-wise steps into one task per partition', () => {
    const out = df
      .filter(col('a').gt(1))
      .withColumns({ c: col('a').add(1) })
      .select('c');
    expect(out.plan.kind).toBe('map');
    const layers = [...out.graph.layers.keys()];
    expect(layers.length).toBe(2);
    expect(out.outputKeys.length).toBe(3);
  });
});
