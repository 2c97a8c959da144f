/**
 * Schemas checked at compile time. Each case states the schema the types give (`expectTypeOf`,
 * checked by tsc in `npm run typecheck:tests`) and checks the frame's runtime dtypes against
 * the same hand-written schema (vitest), so the type-level rules (schema-types.ts,
 * expr-static.ts) and the runtime's (typeOf, aggType, mergeNode...) are held to one answer.
 * `refused` holds calls the types must reject (`@ts-expect-error`: tsc fails if one is
 * accepted); the last block shows a frame whose schema is not known taking any name, as before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { Delayed } from '@tsdask/core-graph';
import {
  ColumnNotFoundError,
  DataFrame,
  col,
  fromArrow,
  fromRecords,
  lit,
  readCSV,
  readParquet,
  when,
  type AnySchema,
  type DType,
  type Expr,
  type Row,
} from '@tsdask/dataframe';
import { tableFromArrays } from 'apache-arrow';

const sync = { scheduler: 'sync' } as const;
const dir = mkdtempSync(join(tmpdir(), 'tsdask-typed-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The schema the types know of a frame. */
type SchemaOf<F> = F extends DataFrame<infer S> ? S : never;

const flights = fromRecords(
  [
    { delay: 5, origin: 'SEA', dest: 'SFO', dist: 679.5 },
    { delay: -3, origin: 'SFO', dest: 'SEA', dist: 679.5 },
    { delay: null, origin: 'SEA', dest: 'LAX', dist: 954 },
    { delay: 12, origin: 'LAX', dest: 'SEA', dist: 954 },
  ],
  { dtypes: { delay: 'int32', dist: 'float64' }, npartitions: 2 },
);
type Flights = { origin: 'utf8'; dest: 'utf8'; delay: 'int32'; dist: 'float64' };
const airports = fromRecords([
  { origin: 'SEA', name: 'Seattle', dist: 1 },
  { origin: 'SFO', name: 'San Francisco', dist: 2 },
]);

describe('schemas known from the source', () => {
  it('fromRecords: from the rows (numbers int64 or float64 by value) and dtypes', () => {
    expectTypeOf<SchemaOf<typeof flights>>().toEqualTypeOf<Flights>();
    expect(flights.dtypes).toEqual({ delay: 'int32', origin: 'utf8', dest: 'utf8', dist: 'float64' });
    expectTypeOf<SchemaOf<typeof airports>>().toEqualTypeOf<{ origin: 'utf8'; name: 'utf8'; dist: 'int64' | 'float64' }>();
    expect(airports.dtypes).toEqual({ origin: 'utf8', name: 'utf8', dist: 'int64' });
    const mixed = fromRecords([{ b: true, t: new Date(0), n: null }]);
    expectTypeOf<SchemaOf<typeof mixed>>().toEqualTypeOf<{ b: 'bool'; t: 'timestamp'; n: 'float64' }>();
    expect(mixed.dtypes).toEqual({ b: 'bool', t: 'timestamp', n: 'float64' });
  });

  it('readCSV: the columns named in dtypes, or those of `columns`', () => {
    const path = join(dir, 'f.csv');
    writeFileSync(path, 'delay,origin,dest\n5,SEA,SFO\n-3,SFO,SEA\n');
    const df = readCSV(path, { dtypes: { delay: 'int32', origin: 'utf8' } });
    expectTypeOf<SchemaOf<typeof df>>().toEqualTypeOf<{ delay: 'int32'; origin: 'utf8' }>();
    expect(df.dtypes).toEqual({ delay: 'int32', origin: 'utf8', dest: 'utf8' });
    const some = readCSV(path, { columns: ['origin', 'delay'], dtypes: { delay: 'int32' } });
    expectTypeOf<SchemaOf<typeof some>>().toEqualTypeOf<{ origin: DType; delay: 'int32' }>();
    expect(some.dtypes).toEqual({ origin: 'utf8', delay: 'int32' });
    const plain = readCSV(path);
    expectTypeOf<SchemaOf<typeof plain>>().toEqualTypeOf<AnySchema>();
    expect(plain.dtypes).toEqual({ delay: 'int64', origin: 'utf8', dest: 'utf8' });
  });

  it('fromArrow of a typed Table, and readParquet<S>()', async () => {
    const t = tableFromArrays({ x: Float64Array.from([1.5, 2]), n: Int32Array.from([1, 2]), s: ['a', 'b'] });
    const df = fromArrow(t);
    expectTypeOf<SchemaOf<typeof df>>().toEqualTypeOf<{ x: 'float64'; n: 'int32'; s: 'utf8' }>();
    expect(df.dtypes).toEqual({ x: 'float64', n: 'int32', s: 'utf8' });
    const [file] = await df.toParquet(join(dir, 'pq'), sync);
    const back = readParquet<{ x: 'float64'; n: 'int32'; s: 'utf8' }>(file as string);
    expect(back.dtypes).toEqual({ x: 'float64', n: 'int32', s: 'utf8' });
    const rows = await back.toRecords(sync);
    expectTypeOf(rows).toEqualTypeOf<{ x: number | null; n: number | null; s: string | null }[]>();
    expect(rows).toEqual([
      { x: 1.5, n: 1, s: 'a' },
      { x: 2, n: 2, s: 'b' },
    ]);
  });
});

describe('each verb gives the next schema', () => {
  it('withColumns: each expression dtype by the runtime rules (typeOf)', () => {
    const df = flights.withColumns({
      perMile: col('delay').div(col('dist')),
      twice: col('delay').mul(2),
      next: col('delay').add(1),
      same32: col('delay').sub(col('delay')),
      late: col('delay').gt(0).and(col('origin').eq('SEA')),
      low: col('origin').lower(),
      n: col('dest').len(),
      filled: col('delay').fillNull(0),
      back: col('delay').neg().abs(),
      rounded: col('dist').round(1),
      band: when(col('delay').gt(10)).then(col('dist')).when(col('delay').gt(0)).then(1).otherwise(null),
      delay: col('delay').cast('float64'),
    });
    expectTypeOf<SchemaOf<typeof df>>().toEqualTypeOf<{
      origin: 'utf8';
      dest: 'utf8';
      dist: 'float64';
      perMile: 'float64';
      twice: 'int64';
      next: 'int64';
      same32: 'int32';
      late: 'bool';
      low: 'utf8';
      n: 'int32';
      filled: 'int64';
      back: 'int32';
      rounded: 'float64';
      band: 'float64';
      delay: 'float64';
    }>();
    expect(df.dtypes).toEqual({
      delay: 'float64',
      origin: 'utf8',
      dest: 'utf8',
      dist: 'float64',
      perMile: 'float64',
      twice: 'int64',
      next: 'int64',
      same32: 'int32',
      late: 'bool',
      low: 'utf8',
      n: 'int32',
      filled: 'int64',
      back: 'int32',
      rounded: 'float64',
      band: 'float64',
    });
  });

  it('select, rename and drop', () => {
    const s = flights.select('origin', col('delay').add(1).alias('d1'), [col('dist'), lit(true).alias('yes')]);
    expectTypeOf<SchemaOf<typeof s>>().toEqualTypeOf<{ origin: 'utf8'; d1: 'int64'; dist: 'float64'; yes: 'bool' }>();
    expect(s.dtypes).toEqual({ origin: 'utf8', d1: 'int64', dist: 'float64', yes: 'bool' });
    const r = flights.rename({ delay: 'lateness' }).drop('dest');
    expectTypeOf<SchemaOf<typeof r>>().toEqualTypeOf<{ origin: 'utf8'; lateness: 'int32'; dist: 'float64' }>();
    expect(r.dtypes).toEqual({ lateness: 'int32', origin: 'utf8', dist: 'float64' });
  });

  it('groupBy: agg by aggType, and the shortcuts over the other columns', async () => {
    const g = flights
      .groupBy('origin')
      .agg({ mean: ['delay', 'mean'], n: ['delay', 'size'], far: ['dist', 'max'], total: ['delay', 'sum'], k: ['dest', 'nunique'] });
    expectTypeOf<SchemaOf<typeof g>>().toEqualTypeOf<{ origin: 'utf8'; mean: 'float64'; n: 'int64'; far: 'float64'; total: 'int64'; k: 'int64' }>();
    expect(g.dtypes).toEqual({ origin: 'utf8', mean: 'float64', n: 'int64', far: 'float64', total: 'int64', k: 'int64' });
    const rows = await g.sortValues('origin').toRecords(sync);
    expectTypeOf(rows[0]?.mean).toEqualTypeOf<number | null>();
    // By hand: LAX [12] -> 12; SEA [5, null] -> 5; SFO [-3] -> -3.
    expect(rows.map((r) => [r.origin, r.mean, r.n, r.total])).toEqual([
      ['LAX', 12, 1, 12],
      ['SEA', 5, 2, 5],
      ['SFO', -3, 1, -3],
    ]);
    const sums = flights.groupBy(['origin', 'dest']).sum();
    expectTypeOf<SchemaOf<typeof sums>>().toEqualTypeOf<{ origin: 'utf8'; dest: 'utf8'; delay: 'int64'; dist: 'float64' }>();
    expect(sums.dtypes).toEqual({ origin: 'utf8', dest: 'utf8', delay: 'int64', dist: 'float64' });
    const sizes = flights.groupBy('dest').size();
    expectTypeOf<SchemaOf<typeof sizes>>().toEqualTypeOf<{ dest: 'utf8'; size: 'int64' }>();
    expect(sizes.dtypes).toEqual({ dest: 'utf8', size: 'int64' });
    const vc = flights.valueCounts('origin');
    expectTypeOf<SchemaOf<typeof vc>>().toEqualTypeOf<{ origin: 'utf8'; count: 'int64' }>();
    expect(vc.dtypes).toEqual({ origin: 'utf8', count: 'int64' });
  });

  it('merge: shared keys once, other common names with the suffixes', async () => {
    const m = flights.merge(airports, { on: 'origin' });
    expectTypeOf<SchemaOf<typeof m>>().toEqualTypeOf<{
      origin: 'utf8';
      dest: 'utf8';
      delay: 'int32';
      dist_x: 'float64';
      name: 'utf8';
      dist_y: 'int64' | 'float64';
    }>();
    expect(m.dtypes).toEqual({ delay: 'int32', origin: 'utf8', dest: 'utf8', dist_x: 'float64', name: 'utf8', dist_y: 'int64' });
    const ports = airports.rename({ origin: 'code' });
    const byCode = flights.merge(ports, { leftOn: 'origin', rightOn: 'code', suffixes: ['', '_port'], how: 'left' });
    expectTypeOf<SchemaOf<typeof byCode>>().toEqualTypeOf<{
      origin: 'utf8';
      dest: 'utf8';
      delay: 'int32';
      dist: 'float64';
      code: 'utf8';
      name: 'utf8';
      dist_port: 'int64' | 'float64';
    }>();
    expect(byCode.dtypes).toEqual({ delay: 'int32', origin: 'utf8', dest: 'utf8', dist: 'float64', code: 'utf8', name: 'utf8', dist_port: 'int64' });
    const rows = await byCode.sortValues(['origin', 'dest']).toRecords(sync);
    expectTypeOf(rows).toEqualTypeOf<Row<SchemaOf<typeof byCode>>[]>();
    expect(rows.map((r) => [r.origin, r.dest, r.name])).toEqual([
      ['LAX', 'SEA', null],
      ['SEA', 'LAX', 'Seattle'],
      ['SEA', 'SFO', 'Seattle'],
      ['SFO', 'SEA', 'San Francisco'],
    ]);
  });

  it('toRecords and Series: values typed by dtype', async () => {
    const rows = await flights.filter(col('delay').gt(0)).toRecords(sync);
    expectTypeOf(rows).toEqualTypeOf<{ origin: string | null; dest: string | null; delay: number | null; dist: number | null }[]>();
    expect(rows).toEqual([
      { delay: 5, origin: 'SEA', dest: 'SFO', dist: 679.5 },
      { delay: 12, origin: 'LAX', dest: 'SEA', dist: 954 },
    ]);
    const first = await flights.col('origin').min().compute(sync);
    expectTypeOf(first).toEqualTypeOf<string | null>();
    expect(first).toBe('LAX');
    expectTypeOf(flights.col('delay').max()).toEqualTypeOf<Delayed<number | null>>();
    const n = await flights.len(sync);
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(n).toBe(4);
  });
});

/** Calls the types must refuse (a typo'd or missing column). Type-checked by tsc, never run. */
export function refused(): void {
  // @ts-expect-error 'dleay' is not a column
  flights.filter(col('dleay').gt(0));
  // @ts-expect-error 'orgin' is not a column
  flights.groupBy('orgin');
  // @ts-expect-error a column read by a new column's expression must exist
  flights.withColumns({ x: col('delay').add(col('dleay')) });
  // @ts-expect-error select of a missing column
  flights.select('nope');
  // @ts-expect-error an expression in select reads a missing column
  flights.select(col('nope').alias('x'));
  // @ts-expect-error agg of a missing column
  flights.groupBy('origin').agg({ m: ['dleay', 'mean'] });
  // @ts-expect-error merge on a name the right side lacks
  flights.merge(airports, { on: 'dest' });
  // @ts-expect-error rename of a missing column
  flights.rename({ nope: 'x' });
  // @ts-expect-error after rename the old name is gone
  flights.rename({ delay: 'lateness' }).col('delay');
  // @ts-expect-error after select only the selected columns remain
  flights.select('origin').sortValues('delay');
  const counted = flights.groupBy('origin').agg({ n: ['delay', 'size'] });
  // @ts-expect-error after groupBy().agg only the keys and aggregations remain
  counted.col('dest');
  // @ts-expect-error drop of a missing column
  flights.drop('nope');
  void (async () => {
    const rows = await flights.toRecords();
    // @ts-expect-error a utf8 column holds strings
    const x: number | null = rows[0]?.origin ?? null;
    void x;
  })();
}

describe('a schema not known at compile time: any name, checked at run time as before', () => {
  it('string names and untyped expressions are accepted, and a wrong one is still a runtime error', async () => {
    const path = join(dir, 'g.csv');
    writeFileSync(path, 'a,b\n1,x\n2,y\n');
    const df = readCSV(path);
    const name: string = 'a';
    const g = df.groupBy(name).agg({ n: [name, 'size'] });
    expectTypeOf(g).toEqualTypeOf<DataFrame>();
    expect(() => df.col('zzz')).toThrow(ColumnNotFoundError);
    const rows = await df.toRecords(sync);
    expectTypeOf(rows).toEqualTypeOf<Record<string, number | boolean | string | Date | null>[]>();
    expect(rows).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    // A typed frame serves where any frame is asked, and takes expressions not known statically.
    const wide: DataFrame = flights;
    expect(() => wide.col('zzz')).toThrow(ColumnNotFoundError);
    const dynamic: Expr = col(['de', 'lay'].join(''));
    const filtered = flights.filter(dynamic.gt(0));
    expect(await filtered.len(sync)).toBe(2); // delays 5 and 12
    expect(() => flights.filter(col(name.repeat(3) as string).gt(0))).toThrow(ColumnNotFoundError);
  });
});
