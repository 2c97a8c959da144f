/**
 * Faults in the dataframe package (dates: dataframe-dates.test.ts): floats written as text,
 * rounding and NaN semantics that differed from pandas, schemas lost on empty input, casts
 * that took hex, and damaged Parquet files that gave a RangeError. References come from
 * pandas/NumPy (dataframe-ref.py, its output in dataframe-ref.json), plain loops, or values
 * worked out by hand in the test.
 */
import { readFileSync, writeFileSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFrameError, FileChangedError, ParquetFileError, col, fromArrow, fromRecords, readCSV, readParquet, type Expr } from '@tsdask/dataframe';
import { tableFromArrays } from 'apache-arrow';
import '@tsdask/scheduler-local';
import { failure, faultFiles, find } from './support.js';

const REF = JSON.parse(readFileSync(new URL('./dataframe-ref.json', import.meta.url), 'utf8')) as {
  round: Record<string, number[]>;
  roundX: number[];
  roundInt: Record<string, number[]>;
  texts: [string, number | 'inf' | '-inf' | null, number | null][];
  isinNaN: boolean[];
  unique: { drop_duplicates: (number | null)[]; value_counts: [number | null, number][]; nunique: number };
  floatText: [number | 'inf' | '-inf' | 'nan', string, string][];
  floatRandom: [number, string][];
};

const { dir, file } = faultFiles('tsdask-faults-df-');

describe('round, isIn and NaN as pandas', () => {
  for (const scheduler of ['sync', 'threads'] as const) {
    it(`round(decimals) rounds ties to even as NumPy (${scheduler})`, async () => {
      const df = fromRecords(
        REF.roundX.map((x) => ({ x })),
        { npartitions: 2 },
      );
      const exprs: Record<string, Expr> = {};
      for (const d of Object.keys(REF.round)) exprs[`r${d}`] = col('x').round(Number(d));
      const got = await df.withColumns(exprs).toRecords({ scheduler });
      for (const d of Object.keys(REF.round)) expect(got.map((r) => r[`r${d}`])).toEqual(REF.round[d]);
      const ints = fromRecords(
        [1250, 1350, -1250, 149, 150, 250].map((i) => ({ i })),
        { dtypes: { i: 'int64' } },
      );
      const gi = await ints.withColumns({ a: col('i').round(-1), b: col('i').round(-2), c: col('i').round(2) }).toRecords({ scheduler });
      expect(gi.map((r) => r.a)).toEqual(REF.roundInt['-1']);
      expect(gi.map((r) => r.b)).toEqual(REF.roundInt['-2']);
      expect(gi.map((r) => r.c)).toEqual([1250, 1350, -1250, 149, 150, 250]);
      expect(() => col('x').round(1.5)).toThrow(DataFrameError);
    });

    it(`isIn([NaN, 2]) matches missing values as pandas' isin (${scheduler})`, async () => {
      const p = file(`isin-${scheduler}.csv`, 'x\n1\nNaN\n2\n3\n');
      for (const df of [
        readCSV(p, { dtypes: { x: 'float64' } }),
        fromRecords([{ x: 1 }, { x: NaN }, { x: 2 }, { x: 3 }]),
        fromRecords([{ x: 1 }, { x: null }, { x: 2 }, { x: 3 }]),
      ]) {
        const got = await df.withColumns({ a: col('x').isIn([NaN, 2]), b: col('x').isIn([null, 2]), c: col('x').isIn([2]) }).toRecords({ scheduler });
        expect(got.map((r) => r.a)).toEqual(REF.isinNaN);
        expect(got.map((r) => r.b)).toEqual(REF.isinNaN);
        // Without NaN in the list the missing row is not a match (null in our Kleene logic, false in pandas).
        expect(got.map((r) => r.c === true)).toEqual([false, false, true, false]);
      }
    });
  }
});

describe('cast of text to numbers takes decimal only', () => {
  it('0x10, 0b11, 0o7, 1_000 are null under the non-strict cast; integers refuse fractions and exponents', async () => {
    const df = fromRecords(
      REF.texts.map(([s]) => ({ s })),
      { dtypes: { s: 'utf8' } },
    );
    const got = await df.withColumns({ f: col('s').cast('float64'), i: col('s').cast('int64'), j: col('s').cast('int32') }).toRecords({ scheduler: 'sync' });
    const num = (v: number | 'inf' | '-inf' | null) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
    expect(got.map((r) => r.f)).toEqual(REF.texts.map(([, f]) => num(f)));
    expect(got.map((r) => r.i)).toEqual(REF.texts.map(([, , i]) => i));
    expect(got.map((r) => r.j)).toEqual(REF.texts.map(([, , i]) => i));
  });
});

describe('floats as text, as pandas writes them (astype(str), to_csv)', () => {
  const value = (v: number | 'inf' | '-inf' | 'nan'): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : v);
  const xs = REF.floatText.map(([v]) => value(v));

  it("cast('utf8') of float64 writes Python's repr: 1.0, 1e-05, 1e+16, inf, nan; null stays null", async () => {
    const df = fromRecords([...xs.map((x) => ({ x })), { x: null }], { dtypes: { x: 'float64' }, npartitions: 3 });
    const got = await df.withColumns({ s: col('x').cast('utf8') }).toRecords({ scheduler: 'threads' });
    expect(got.map((r) => r.s)).toEqual([...REF.floatText.map(([, t]) => t), null]);
  });

  it("cast('utf8') of 600 seeded random floats (any bits, short decimals at every scale) gives Python's repr", async () => {
    const df = fromRecords(
      REF.floatRandom.map(([x]) => ({ x })),
      { dtypes: { x: 'float64' } },
    );
    const got = await df.select(col('x').cast('utf8').alias('s')).toRecords({ scheduler: 'sync' });
    expect(got.map((r) => r.s)).toEqual(REF.floatRandom.map(([, t]) => t));
  });

  it("readParquet of a double column with dtypes 'utf8' gives the same text as cast('utf8')", async () => {
    const pdir = join(dir, 'floats-parquet');
    await fromRecords(
      xs.map((x) => ({ x })),
      { dtypes: { x: 'float64' } },
    ).toParquet(pdir, { scheduler: 'sync' });
    const got = await readParquet(join(pdir, '*.parquet'), { dtypes: { x: 'utf8' } }).toRecords({ scheduler: 'sync' });
    expect(got.map((r) => r.x)).toEqual(REF.floatText.map(([, t]) => t));
  });

  it('toCSV writes float fields as pandas to_csv does, and a float column of whole numbers reads back as float64', async () => {
    const out = join(dir, 'floats-out');
    const df = fromRecords(
      xs.map((x, i) => ({ i, x })),
      { dtypes: { i: 'int64', x: 'float64' }, npartitions: 2 },
    );
    const paths = await df.toCSV(out, { scheduler: 'sync' });
    const fields = paths.flatMap((p) =>
      readFileSync(p, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.slice(l.indexOf(',') + 1)),
    );
    // pandas writes NaN as an empty field (na_rep); we write NaN, which readers take as missing too.
    expect(fields).toEqual(REF.floatText.map(([v, , f]) => (v === 'nan' ? 'NaN' : f)));
    // Whole numbers only: before, written as 1 and 2, they came back as int64. One column: its
    // null is written "" (a blank line is skipped by readers), as pandas'
    // DataFrame({'x': [1.0, nan, 2.0, -0.0]}).to_csv(index=False) writes it.
    const whole = fromRecords([{ x: 1 }, { x: null }, { x: 2 }, { x: -0 }], { dtypes: { x: 'float64' } });
    const wdir = join(dir, 'floats-whole');
    const [wpath] = await whole.toCSV(wdir, { scheduler: 'sync' });
    expect(readFileSync(wpath as string, 'utf8')).toBe('x\n1.0\n""\n2.0\n-0.0\n');
    for (const engine of ['scanner', 'papaparse'] as const) {
      const back = readCSV(join(wdir, '*.csv'), { engine });
      expect(back.dtypes).toEqual({ x: 'float64' });
      expect((await back.toRecords({ scheduler: 'sync' })).map((r) => r.x)).toEqual([1, null, 2, -0]);
    }
    // Every value comes back (NaN as missing, as pandas).
    const all = await readCSV(join(out, '*.csv')).toRecords({ scheduler: 'sync' });
    expect(all.map((r) => r.x)).toEqual(xs.map((x) => (Number.isNaN(x) ? null : x)));
  });
});

describe('empty input keeps its schema', () => {
  it('fromRecords([], { dtypes }) has the columns, and len() is 0', async () => {
    const df = fromRecords([], { dtypes: { a: 'int64', s: 'utf8', d: 'date' } });
    expect(df.dtypes).toEqual({ a: 'int64', s: 'utf8', d: 'date' });
    expect(await df.len({ scheduler: 'sync' })).toBe(0);
    const t = await df.compute({ scheduler: 'sync' });
    expect(t.schema.fields.map((f) => f.name)).toEqual(['a', 's', 'd']);
    expect(t.numRows).toBe(0);
    expect(() => fromRecords([{ a: 1 }], { dtypes: { b: 'int64' } })).toThrow(/'b', which no row has/);
  });

  it('a filter that leaves no row, and a merge, groupBy and sort of empty frames, keep names and types', async () => {
    const df = fromRecords(
      [
        { a: 1, s: 'x', d: new Date(0) },
        { a: 2, s: 'y', d: new Date(86_400_000) },
      ],
      { npartitions: 2, dtypes: { a: 'int64', s: 'utf8', d: 'date' } },
    );
    const none = df.filter(col('a').gt(5));
    // Each empty result against the same operation on the rows (its Arrow types are the reference).
    for (const [f, full, names] of [
      [none, df, ['a', 's', 'd']],
      [none.merge(none, { on: 's' }), df.merge(df, { on: 's' }), ['a_x', 's', 'd_x', 'a_y', 'd_y']],
      [none.groupBy('s').agg({ n: ['a', 'sum'] }), df.groupBy('s').agg({ n: ['a', 'sum'] }), ['s', 'n']],
      [none.sortValues('a'), df.sortValues('a'), ['a', 's', 'd']],
    ] as const) {
      const ref = (await full.compute({ scheduler: 'sync' })).schema.fields.map((x) => `${x.name}:${String(x.type)}`);
      for (const scheduler of ['sync', 'threads'] as const) {
        const t = await f.compute({ scheduler });
        expect(t.numRows).toBe(0);
        expect(t.schema.fields.map((x) => x.name)).toEqual(names);
        expect(t.schema.fields.map((x) => `${x.name}:${String(x.type)}`)).toEqual(ref);
        expect(await f.len({ scheduler })).toBe(0);
      }
    }
  });

  it('len() of a frame with rows but no columns counts the rows', async () => {
    expect(await fromRecords([{}, {}, {}], { npartitions: 2 }).len({ scheduler: 'sync' })).toBe(3);
  });
});

describe('damaged Parquet files are a ParquetFileError naming the file', () => {
  it('0 bytes, a CSV named .parquet, a truncated file, a footer length past the file, garbled pages', async () => {
    const out = join(dir, 'pq');
    await fromRecords(Array.from({ length: 50 }, (_, i) => ({ i, s: `row ${i}` }))).toParquet(out, { scheduler: 'sync' });
    const good = join(out, readdirSync(out).find((f) => f.endsWith('.parquet')) as string);
    const bytes = new Uint8Array(readFileSync(good));
    expect((await readParquet(good).toRecords({ scheduler: 'sync' })).length).toBe(50);

    const footerLen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
    const longFooter = bytes.slice();
    new DataView(longFooter.buffer).setUint32(bytes.length - 8, bytes.length + 100, true);
    const badFooter = bytes.slice();
    badFooter.fill(0xff, bytes.length - 8 - footerLen, bytes.length - 8);
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['bad-footer.parquet', badFooter, /footer cannot be decoded/],
      ['empty.parquet', new Uint8Array(0), /0 bytes, too short/],
      ['csv.parquet', 'a,b\n1,2\n3,4\n5,6\n', /does not begin with PAR1/],
      ['truncated.parquet', bytes.slice(0, bytes.length - 20), /does not end with PAR1/],
      ['cut-middle.parquet', bytes.slice(0, Math.floor(bytes.length / 2)), /does not end with PAR1/],
      ['long-footer.parquet', longFooter, /footer length/],
    ];
    for (const [name, body, why] of cases) {
      const p = file(name, body);
      let err: unknown;
      try {
        readParquet(p);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(ParquetFileError);
      expect((err as ParquetFileError).file).toBe(p);
      expect((err as Error).message).toContain(p);
      expect((err as Error).message).toMatch(why);
    }

    // A file whose footer is intact but whose column data is garbage: found when read, named with the column.
    const garbled = bytes.slice();
    const dataEnd = bytes.length - 8 - footerLen;
    for (let k = 4; k < dataEnd; k++) garbled[k] = 0xff;
    const p = file('garbled.parquet', garbled);
    const df = readParquet(p);
    for (const scheduler of ['sync', 'threads'] as const) {
      const err = find(await failure(df.toRecords({ scheduler })), ParquetFileError);
      expect(err.file).toBe(p);
      expect(err.column).toBe('i');
      expect(err.message).toContain("column 'i'");
    }
  });
});

describe('a Parquet file replaced after planning', () => {
  it('is a FileChangedError naming the file (size and mtime are recorded at planning, as for CSV)', async () => {
    const a = join(dir, 'pq-a');
    const b = join(dir, 'pq-b');
    await fromRecords([{ i: 1, s: 'x' }]).toParquet(a, { scheduler: 'sync' });
    await fromRecords([{ i: 1, t: 'y' }]).toParquet(b, { scheduler: 'sync' });
    const name = readdirSync(a).find((f) => f.endsWith('.parquet')) as string;
    const p = join(a, name);
    const df = readParquet(p);
    writeFileSync(p, readFileSync(join(b, readdirSync(b).find((f) => f.endsWith('.parquet')) as string)));
    for (const scheduler of ['sync', 'threads'] as const) {
      const err = find(await failure(df.toRecords({ scheduler })), FileChangedError);
      expect(err.file).toBe(p);
      expect(err.message).toContain('changed after it was planned');
    }
  });

  it('a column chunk missing from a file that kept its size and mtime is a ParquetFileError naming file and column', async () => {
    const a = join(dir, 'pq-c');
    const b = join(dir, 'pq-d');
    await fromRecords([{ i: 1, s: 'x' }]).toParquet(a, { scheduler: 'sync' });
    await fromRecords([{ i: 1, t: 'y' }]).toParquet(b, { scheduler: 'sync' });
    const name = readdirSync(a).find((f) => f.endsWith('.parquet')) as string;
    const p = join(a, name);
    utimesSync(p, 1e9, 1e9); // whole seconds, so the same times can be set again exactly
    const before = statSync(p);
    const df = readParquet(p);
    const other = readFileSync(join(b, readdirSync(b).find((f) => f.endsWith('.parquet')) as string));
    expect(other.length).toBe(before.size); // same schema shape, one-letter names: same size
    writeFileSync(p, other);
    utimesSync(p, 1e9, 1e9); // as a copy that keeps times would leave it
    const err = find(await failure(df.toRecords({ scheduler: 'sync' })), ParquetFileError);
    expect(err.file).toBe(p);
    expect(err.column).toBe('s');
    expect(err.message).toMatch(/no such column chunk.*readParquet again/);
  });
});

describe('fromArrow of an empty table keeps its schema', () => {
  it('columns and types survive zero rows', async () => {
    const t = tableFromArrays({ a: new Float64Array(0), b: new Int32Array(0) });
    const df = fromArrow(t);
    expect(df.dtypes).toEqual({ a: 'float64', b: 'int32' });
    expect(await df.len({ scheduler: 'sync' })).toBe(0);
  });
});

describe('NaN and null as keys, as pandas', () => {
  for (const scheduler of ['sync', 'threads'] as const) {
    it(`dropDuplicates keeps one missing row; valueCounts and nunique leave missing out (${scheduler})`, async () => {
      // pandas' Series([1, nan, 2, nan, 1]); our NaN and null are both missing here.
      for (const miss of [NaN, null]) {
        const df = fromRecords(
          [1, miss, 2, miss, 1].map((x) => ({ x })),
          { dtypes: { x: 'float64' }, npartitions: 3 },
        );
        const dd = await df.dropDuplicates().toRecords({ scheduler });
        expect(dd.map((r) => (r.x === null || Number.isNaN(r.x) ? null : r.x))).toEqual(REF.unique.drop_duplicates);
        const vc = await df.valueCounts('x').toRecords({ scheduler });
        expect(vc.map((r) => [r.x, r.count]).sort((p, q) => (p[0] as number) - (q[0] as number))).toEqual(REF.unique.value_counts);
        expect((await df.nunique().compute({ scheduler })).x).toBe(REF.unique.nunique);
      }
    });
  }
});

describe('int32 results outside int32 are errors, never wrapped', () => {
  it('neg, abs, add, sub and round(-1) at the edges of int32', async () => {
    const df = fromRecords([{ a: 2147483647, b: -2147483648, c: 1 }], { dtypes: { a: 'int32', b: 'int32', c: 'int32' } });
    for (const e of [col('b').neg(), col('b').abs(), col('a').add(col('c')), col('b').sub(col('c')), col('a').round(-1)]) {
      await expect(df.withColumns({ r: e }).toRecords({ scheduler: 'sync' })).rejects.toThrow(/outside int32.*Cast to int64 first/);
    }
    // Within range they are exact, and cast to int64 first gives the value: worked out by hand.
    const ok = await df
      .withColumns({ n: col('a').neg(), s: col('a').sub(col('c')), w: col('b').cast('int64').neg(), r: col('c').round(-1) })
      .toRecords({ scheduler: 'sync' });
    expect(ok[0]).toMatchObject({ n: -2147483647, s: 2147483646, w: 2147483648, r: 0 });
  });
});
