import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { col, lit, readCSV, when } from '@tsdask/dataframe';

type Flight = { date: string; delay: number; distance: number; origin: string; destination: string };
const flights = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../node_modules/vega-datasets/data/flights-20k.json', import.meta.url)), 'utf8'),
) as Flight[];
const dir = mkdtempSync(join(tmpdir(), 'tsdask-flights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'flights-20k.csv');
writeFileSync(
  path,
  'date,delay,distance,origin,destination\n' + flights.map((f) => `${f.date},${f.delay},${f.distance},${f.origin},${f.destination}`).join('\n') + '\n',
);
// '2001/01/01 06:55' as UTC milliseconds, by hand.
const ms = (s: string): number => {
  const [d, t] = s.split(' ') as [string, string];
  const [y, m, dd] = d.split('/').map(Number) as [number, number, number];
  const [hh, mm] = t.split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, dd, hh, mm);
};

for (const scheduler of ['sync', 'threads'] as const) {
  describe(`vega flights-20k as CSV on '${scheduler}'`, () => {
    const df = readCSV(path, { parseDates: ['date'], blocksize: 100_000 });

    it('parses dates and derives date parts and flags like a plain loop', async () => {
      expect(df.dtypes).toEqual({ date: 'timestamp', delay: 'int64', distance: 'int64', origin: 'utf8', destination: 'utf8' });
      expect(df.npartitions).toBeGreaterThan(3);
      const got = await df
        .filter(col('date').ge('2001-02-01').and(col('origin').startsWith('S')))
        .withColumns({
          month: col('date').month(),
          hour: col('date').hour(),
          late: when(col('delay').gt(15)).then(lit('late')).otherwise('ok'),
          speedish: col('distance').cast('float64').div(col('delay').abs().add(1)),
          origin: col('origin').lower(),
        })
        .select('month', 'hour', 'late', col('speedish').alias('sp'), 'origin')
        .toRecords({ scheduler });
      const want = flights
        .filter((f) => ms(f.date) >= Date.UTC(2001, 1, 1) && f.origin.startsWith('S'))
        .map((f) => ({
          month: new Date(ms(f.date)).getUTCMonth() + 1,
          hour: new Date(ms(f.date)).getUTCHours(),
          late: f.delay > 15 ? 'late' : 'ok',
          sp: f.distance / (Math.abs(f.delay) + 1),
          origin: f.origin.toLowerCase(),
        }));
      expect(got).toEqual(want);
    });

    it('mean delay by origin and size by route equal plain loops', async () => {
      const got = await df
        .groupBy('origin')
        .agg({ delay: ['delay', 'mean'], n: ['delay', 'count'], sd: ['delay', 'var'] })
        .toRecords({ scheduler });
      const by = new Map<string, number[]>();
      for (const f of flights) by.set(f.origin, [...(by.get(f.origin) ?? []), f.delay]);
      const want = [...by.keys()].sort().map((o) => {
        const d = by.get(o) as number[];
        const mean = d.reduce((a, b) => a + b, 0) / d.length;
        return { origin: o, delay: mean, n: d.length, sd: d.length < 2 ? null : d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1) };
      });
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        const w = want[i] as { origin: string; delay: number; n: number; sd: number | null };
        expect(g['origin']).toBe(w.origin);
        expect(g['n']).toBe(w.n);
        expect(g['delay'] as number).toBeCloseTo(w.delay, 9);
        if (w.sd === null) expect(g['sd']).toBeNull();
        else expect(g['sd'] as number).toBeCloseTo(w.sd, 6);
      });
      const routes = await df.groupBy(['origin', 'destination']).size().len({ scheduler });
      expect(routes).toBe(new Set(flights.map((f) => `${f.origin}-${f.destination}`)).size);
    });

    it('persist keeps computed partitions and gives the same answers', async () => {
      const kept = await df.filter(col('delay').gt(0)).persist({ scheduler });
      expect(await kept.len({ scheduler })).toBe(flights.filter((f) => f.delay > 0).length);
      expect(await kept.col('distance').sum().compute({ scheduler })).toBe(flights.filter((f) => f.delay > 0).reduce((a, f) => a + f.distance, 0));
    });
  });
}

describe('plan rewrites', () => {
  it('projection pushdown: the CSV reader parses only the columns used downstream', () => {
    const df = readCSV(path, { blocksize: 100_000 })
      .filter(col('delay').gt(0))
      .groupBy('origin')
      .agg({ d: ['delay', 'mean'] });
    const reads = [...df.graph.layers.values()]
      .flatMap((l) => [...((l as unknown as { tasks?: Map<string, { op: string; args: unknown[] }> }).tasks?.values() ?? [])])
      .filter((t) => typeof t.op === 'string' && (t.op.endsWith('#readCsvRange') || t.op.endsWith('#readCsvAggregate')));
    expect(reads.length).toBeGreaterThan(3);
    for (const t of reads) {
      const spec = (t.args[0] as { args: [{ want: number[]; names: string[] }] }).args[0];
      expect(spec.want.map((i) => spec.names[i]).sort()).toEqual(['delay', 'origin']);
    }
  });
  it('header: false names columns by position', async () => {
    const p = join(dir, 'nohead.csv');
    writeFileSync(p, '1,a\n2,b\n');
    expect(await readCSV(p, { header: false }).toRecords({ scheduler: 'sync' })).toEqual([
      { '0': 1, '1': 'a' },
      { '0': 2, '1': 'b' },
    ]);
  });
});

describe('projection pushdown through merge', () => {
  it('each side of a join reads only its keys and the columns used after it', () => {
    const airports = fileURLToPath(new URL('../../../node_modules/vega-datasets/data/airports.csv', import.meta.url));
    const df = readCSV(path, { blocksize: 100_000 })
      .merge(readCSV(airports), { leftOn: 'origin', rightOn: 'iata' })
      .groupBy('state')
      .agg({ d: ['delay', 'mean'] });
    const reads = [...df.graph.layers.values()]
      .flatMap((l) => [...((l as unknown as { tasks?: Map<string, { op: string; args: unknown[] }> }).tasks?.values() ?? [])])
      .filter((t) => typeof t.op === 'string' && t.op.endsWith('#readCsvRange'))
      .map((t) => (t.args[0] as { args: [{ want: number[]; names: string[] }] }).args[0])
      .map((spec) =>
        spec.want
          .map((i) => spec.names[i])
          .sort()
          .join(','),
      );
    expect(new Set(reads)).toEqual(new Set(['delay,origin', 'iata,state']));
  });
});

describe('rename and drop with pushdown', () => {
  it('renamed and dropped columns read and answer like a plain loop', async () => {
    const df = readCSV(path, { blocksize: 100_000 })
      .rename({ delay: 'late', origin: 'from' })
      .drop('distance')
      .filter(col('late').gt(30))
      .select('from', col('late').mul(60).alias('seconds'));
    expect(df.columns).toEqual(['from', 'seconds']);
    const got = await df.toRecords({ scheduler: 'threads' });
    expect(got).toEqual(flights.filter((f) => f.delay > 30).map((f) => ({ from: f.origin, seconds: f.delay * 60 })));
  });
});
