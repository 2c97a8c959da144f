// The fused CSV scan and partial aggregate (optimize/scan-aggregate.ts), with and without
// row-wise steps between: the same tables as the unfused read + partialAgg path, and the
// values of a plain loop over the generated records.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from '@tsdask/core-graph';
import { CsvParseError, col, readCSV, type DataFrame } from '@tsdask/dataframe';
import { mulberry32 as rng } from '../../../test/support/seeded-random.js';
import { opsOf } from './graph-ops.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-scan-agg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Rec = { k1: string | null; k2: number | null; v: number | null; i: number | null; s: string | null; b: boolean | null };

// Keys with commas, newlines, escaped quotes, and a long one that ranges are likely to cut.
const KEYS = ['ATL', 'LAS', 'a,b', 'line one\nline two', 'say "hi"', 'x'.repeat(300) + '\n' + 'y'.repeat(300), 'ORD', 'é,ü'];

function generate(seed: number, n: number): Rec[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  return Array.from({ length: n }, () => ({
    k1: r() < 0.05 ? null : pick(KEYS),
    k2: r() < 0.05 ? null : Math.floor(r() * 4) - 1,
    v: r() < 0.1 ? null : Math.round((r() * 200 - 100) * 100) / 100,
    i: r() < 0.1 ? null : Math.floor(r() * 1000) - 500,
    s: r() < 0.1 ? null : pick(['p', 'q', 'r,s', 'long "quoted"\ntext', 'zz']),
    b: r() < 0.05 ? null : r() < 0.5,
  }));
}

const field = (x: string | number | boolean | null): string => {
  if (x === null) return '';
  const t = String(x);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

function writeCsv(name: string, recs: Rec[], eol: string): string {
  const p = join(dir, name);
  const lines = ['k1,k2,v,i,s,b', ...recs.map((x) => [x.k1, x.k2, x.v, x.i, x.s, x.b].map(field).join(','))];
  writeFileSync(p, lines.join(eol) + eol);
  return p;
}

/** True when some range of `blocksize` starts inside a quoted field (as readCSV cuts files). */
function cutsInsideQuotes(path: string, blocksize: number): boolean {
  const bytes = readFileSync(path);
  const n = Math.ceil(bytes.length / blocksize);
  const step = Math.ceil(bytes.length / n);
  let quotes = 0;
  let next = step;
  for (let i = 0; i < bytes.length; i++) {
    if (i === next) {
      if (quotes % 2 === 1) return true;
      next += step;
    }
    if (bytes[i] === 34) quotes++;
  }
  return false;
}

type AggOf = 'sum' | 'mean' | 'min' | 'max' | 'count' | 'size' | 'std' | 'var' | 'first' | 'last' | 'nunique';
const AGGS: Record<string, [keyof Rec, AggOf]> = {
  vSum: ['v', 'sum'],
  vMean: ['v', 'mean'],
  vMin: ['v', 'min'],
  vMax: ['v', 'max'],
  vCount: ['v', 'count'],
  n: ['v', 'size'],
  vStd: ['v', 'std'],
  vVar: ['v', 'var'],
  vFirst: ['v', 'first'],
  vLast: ['v', 'last'],
  iSum: ['i', 'sum'],
  iMin: ['i', 'min'],
  iNunique: ['i', 'nunique'],
  iVar: ['i', 'var'],
  sMin: ['s', 'min'],
  sMax: ['s', 'max'],
  sFirst: ['s', 'first'],
  sLast: ['s', 'last'],
  sNunique: ['s', 'nunique'],
  sCount: ['s', 'count'],
  bCount: ['b', 'count'],
};

/** The plain-loop reference: groups by `keys` (rows with a null key dropped unless dropna is false). */
function reference(recs: Rec[], keys: (keyof Rec)[], dropna = true): Map<string, Record<string, unknown>> {
  const groups = new Map<string, Rec[]>();
  for (const x of recs) {
    if (dropna && keys.some((k) => x[k] === null)) continue;
    const id = JSON.stringify(keys.map((k) => x[k]));
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = []));
    g.push(x);
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const [id, rows] of groups) {
    const o: Record<string, unknown> = {};
    keys.forEach((k) => (o[k] = rows[0]?.[k] ?? null));
    for (const [name, [c, fn]] of Object.entries(AGGS)) {
      const xs = rows.map((x) => x[c]).filter((x) => x !== null) as (number | string | boolean)[];
      const nums = xs as number[];
      const sum = nums.reduce((a, b) => a + b, 0);
      const mean = sum / nums.length;
      const v = nums.length < 2 ? null : nums.reduce((a, b) => a + (b - mean) ** 2, 0) / (nums.length - 1);
      o[name] =
        fn === 'size'
          ? rows.length
          : fn === 'count'
            ? xs.length
            : fn === 'nunique'
              ? new Set(xs).size
              : fn === 'sum'
                ? sum
                : fn === 'mean'
                  ? xs.length === 0
                    ? null
                    : mean
                  : fn === 'var'
                    ? v
                    : fn === 'std'
                      ? v === null
                        ? null
                        : Math.sqrt(v)
                      : xs.length === 0
                        ? null
                        : fn === 'first'
                          ? xs[0]
                          : fn === 'last'
                            ? xs[xs.length - 1]
                            : fn === 'min'
                              ? xs.reduce((a, b) => (b < a ? b : a))
                              : xs.reduce((a, b) => (b > a ? b : a));
    }
    out.set(id, o);
  }
  return out;
}

function expectMatches(got: Record<string, unknown>[], want: Map<string, Record<string, unknown>>, keys: (keyof Rec)[]): void {
  expect(got.length).toBe(want.size);
  for (const row of got) {
    const w = want.get(JSON.stringify(keys.map((k) => row[k])));
    expect(w, `group ${JSON.stringify(keys.map((k) => row[k]))}`).toBeDefined();
    for (const [name, x] of Object.entries(w as Record<string, unknown>)) {
      const y = row[name];
      if (typeof x === 'number' && typeof y === 'number') expect(Math.abs(x - y), name).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
      else expect(y, name).toEqual(x);
    }
  }
}

/** Runs `build()` with the fusion off, then on; returns both record lists. */
async function bothWays(build: () => DataFrame, scheduler: 'sync' | 'threads'): Promise<[Record<string, unknown>[], Record<string, unknown>[]]> {
  const prev = config.set({ 'dataframe.fuseScanAggregate': false });
  let plain: Record<string, unknown>[];
  try {
    const df = build();
    expect(opsOf(df).some((o) => o.endsWith('#readCsvAggregate'))).toBe(false);
    plain = await df.toRecords({ scheduler });
  } finally {
    config.set({ 'dataframe.fuseScanAggregate': prev['dataframe.fuseScanAggregate'] });
  }
  const df = build();
  expect(opsOf(df).some((o) => o.endsWith('#readCsvAggregate'))).toBe(true);
  return [plain, await df.toRecords({ scheduler })];
}

const recs = generate(7, 3000);
const lf = writeCsv('gen-lf.csv', recs, '\n');
const crlf = writeCsv('gen-crlf.csv', recs, '\r\n');
const BLOCK = 8000;
// More rows per range than a fused scan's batch (8192).
const bigRecs = generate(11, 20000);
const big = writeCsv('gen-big.csv', bigRecs, '\n');

it('the generated files are cut inside quoted fields', () => {
  expect(cutsInsideQuotes(lf, BLOCK)).toBe(true);
  expect(cutsInsideQuotes(crlf, BLOCK)).toBe(true);
});

for (const scheduler of ['sync', 'threads'] as const) {
  describe(`fused scan + aggregate on '${scheduler}'`, () => {
    for (const [name, path] of [
      ['LF', lf],
      ['CRLF', crlf],
    ] as const) {
      it(`${name}: every aggregation by a quoted utf8 key and an int key, as unfused and as a plain loop`, async () => {
        const keys: (keyof Rec)[] = ['k1', 'k2'];
        const [plain, fused] = await bothWays(() => readCSV(path, { blocksize: BLOCK }).groupBy(keys).agg(AGGS), scheduler);
        expect(fused).toEqual(plain);
        expectMatches(fused, reference(recs, keys), keys);
      });
    }

    it('ranges of many batches (a whole file of 20000 rows as one range and as four)', async () => {
      const keys: (keyof Rec)[] = ['k1', 'k2'];
      for (const blocksize of [undefined, Math.ceil(readFileSync(big).length / 4)]) {
        const [plain, fused] = await bothWays(
          () =>
            readCSV(big, blocksize === undefined ? {} : { blocksize })
              .groupBy(keys)
              .agg(AGGS),
          scheduler,
        );
        expect(fused).toEqual(plain);
        expectMatches(fused, reference(bigRecs, keys), keys);
      }
    });

    it('one key, dropna false: null keys form a group, as unfused and as a plain loop', async () => {
      const [plain, fused] = await bothWays(() => readCSV(lf, { blocksize: BLOCK }).groupBy('k1', { dropna: false }).agg(AGGS), scheduler);
      expect(fused).toEqual(plain);
      expect(fused.some((r) => r['k1'] === null)).toBe(true);
      expectMatches(fused, reference(recs, ['k1'], false), ['k1']);
    });

    it('a bool key and three keys together', async () => {
      for (const keys of [['b'], ['b', 'k2', 'k1']] as (keyof Rec)[][]) {
        const [plain, fused] = await bothWays(() => readCSV(crlf, { blocksize: BLOCK }).groupBy(keys).agg(AGGS), scheduler);
        expect(fused).toEqual(plain);
        expectMatches(fused, reference(recs, keys), keys);
      }
    });

    it('a filter, derived and renamed columns, and a derived key between the read and the groupBy', async () => {
      // Each row-wise step runs on the scanner's batches inside the fused task.
      const [plain, fused] = await bothWays(
        () =>
          readCSV(big, { blocksize: Math.ceil(readFileSync(big).length / 3) })
            .filter(col('v').gt(-50).and(col('k1').ne('ORD')))
            .withColumns({ w: col('v').mul(2).add(col('i')), neg: col('i').lt(0) })
            .rename({ k2: 'kk' })
            .groupBy(['kk', 'neg'])
            .agg({ ws: ['w', 'sum'], wm: ['w', 'mean'], n: ['w', 'size'], s1: ['k1', 'nunique'] }),
        scheduler,
      );
      expect(fused).toEqual(plain);
      // The plain loop: the same rows, the same derived values, grouped by hand.
      const groups = new Map<string, { ws: number; nw: number; n: number; k1: Set<string> }>();
      for (const x of bigRecs) {
        if (x.v === null || !(x.v > -50) || x.k1 === null || x.k1 === 'ORD') continue;
        const neg = x.i === null ? null : x.i < 0;
        if (x.k2 === null || neg === null) continue;
        const id = JSON.stringify([x.k2, neg]);
        let g = groups.get(id);
        if (g === undefined) groups.set(id, (g = { ws: 0, nw: 0, n: 0, k1: new Set() }));
        g.n++;
        g.k1.add(x.k1);
        if (x.i !== null) {
          g.ws += x.v * 2 + x.i;
          g.nw++;
        }
      }
      expect(fused).toHaveLength(groups.size);
      for (const r of fused) {
        const g = groups.get(JSON.stringify([r['kk'], r['neg']]));
        expect(g, JSON.stringify(r)).toBeDefined();
        expect(r['n']).toBe(g?.n);
        expect(r['s1']).toBe(g?.k1.size);
        expect(r['ws'] as number).toBeCloseTo(g?.ws as number, 6);
        expect(r['wm'] as number).toBeCloseTo((g?.ws as number) / (g?.nw as number), 9);
      }
    });

    it('a filter then a whole-frame count, as in the bench', async () => {
      const [plain, fused] = await bothWays(
        () =>
          readCSV(lf, { blocksize: BLOCK })
            .filter(col('i').gt(250))
            .groupBy([])
            .agg({ n: ['i', 'size'] }),
        scheduler,
      );
      expect(fused).toEqual(plain);
      expect(fused).toEqual([{ n: recs.filter((x) => x.i !== null && x.i > 250).length }]);
    });

    it('whole-frame reductions (no keys) and a column selection before the groupBy', async () => {
      const [plain, fused] = await bothWays(
        () =>
          readCSV(lf, { blocksize: BLOCK, columns: ['k1', 'v', 's'] })
            .drop('s')
            .groupBy([])
            .agg({ n: ['v', 'size'], m: ['v', 'mean'], c: ['k1', 'count'] }),
        scheduler,
      );
      expect(fused).toEqual(plain);
      const vs = recs.map((x) => x.v).filter((x): x is number => x !== null);
      expect(fused).toHaveLength(1);
      expect(fused[0]?.['n']).toBe(recs.length);
      expect(fused[0]?.['c']).toBe(recs.filter((x) => x.k1 !== null).length);
      expect(fused[0]?.['m'] as number).toBeCloseTo(vs.reduce((a, b) => a + b, 0) / vs.length, 9);
    });
  });
}

describe('vega flights-20k as CSV', () => {
  type Flight = { date: string; delay: number; distance: number; origin: string; destination: string };
  const flights = JSON.parse(
    readFileSync(fileURLToPath(new URL('../../../node_modules/vega-datasets/data/flights-20k.json', import.meta.url)), 'utf8'),
  ) as Flight[];
  const path = join(dir, 'flights-20k.csv');
  writeFileSync(
    path,
    'date,delay,distance,origin,destination\n' + flights.map((f) => `${f.date},${f.delay},${f.distance},${f.origin},${f.destination}`).join('\n') + '\n',
  );
  for (const scheduler of ['sync', 'threads'] as const) {
    it(`mean, var and size of delay by origin and by route on '${scheduler}', as unfused and as a plain loop`, async () => {
      const aggs = { m: ['delay', 'mean'], v: ['delay', 'var'], n: ['delay', 'size'], d: ['distance', 'max'], u: ['destination', 'nunique'] } as const;
      const [plain, fused] = await bothWays(
        () =>
          readCSV(path, { blocksize: 100_000 })
            .groupBy('origin')
            .agg({ ...aggs } as never),
        scheduler,
      );
      expect(fused).toEqual(plain);
      const byOrigin = new Map<string, Flight[]>();
      for (const f of flights) byOrigin.set(f.origin, [...(byOrigin.get(f.origin) ?? []), f]);
      expect(fused.map((r) => r['origin'])).toEqual([...byOrigin.keys()].sort());
      for (const r of fused) {
        const fs = byOrigin.get(r['origin'] as string) as Flight[];
        const mean = fs.reduce((a, f) => a + f.delay, 0) / fs.length;
        expect(r['n']).toBe(fs.length);
        expect(r['m'] as number).toBeCloseTo(mean, 9);
        if (fs.length > 1) expect(r['v'] as number).toBeCloseTo(fs.reduce((a, f) => a + (f.delay - mean) ** 2, 0) / (fs.length - 1), 6);
        expect(r['d']).toBe(Math.max(...fs.map((f) => f.distance)));
        expect(r['u']).toBe(new Set(fs.map((f) => f.destination)).size);
      }
      const [p2, f2] = await bothWays(() => readCSV(path, { blocksize: 100_000 }).groupBy(['origin', 'destination']).size(), scheduler);
      expect(f2).toEqual(p2);
      expect(f2).toHaveLength(new Set(flights.map((f) => `${f.origin} ${f.destination}`)).size);
    });
  }
});

describe('where the rewrite applies', () => {
  it('one task per range reads and aggregates: no read task, no partialAgg task', () => {
    const df = readCSV(lf, { blocksize: BLOCK })
      .groupBy('k1')
      .agg({ m: ['v', 'mean'] });
    const ranges = readCSV(lf, { blocksize: BLOCK }).npartitions;
    expect(ranges).toBeGreaterThan(3);
    const ops = opsOf(df);
    expect(ops.filter((o) => o.endsWith('#readCsvAggregate'))).toHaveLength(ranges);
    expect(ops.filter((o) => o.endsWith('#readCsvRange') || o.endsWith('#partialAgg'))).toHaveLength(0);
  });

  it('the papaparse engine keeps the unfused path, with the same answers', async () => {
    const df = readCSV(lf, { engine: 'papaparse' })
      .groupBy('k1')
      .agg({ m: ['v', 'mean'] });
    const ops = opsOf(df);
    expect(ops.some((o) => o.endsWith('#readCsvAggregate'))).toBe(false);
    expect(ops.some((o) => o.endsWith('#partialAgg'))).toBe(true);
    const got = await df.toRecords({ scheduler: 'sync' });
    const want = reference(recs, ['k1']);
    expect(got).toHaveLength(want.size);
    for (const r of got) expect(r['m'] as number).toBeCloseTo(want.get(JSON.stringify([r['k1']]))?.['vMean'] as number, 9);
  });

  it('a malformed row fails the fused read with CsvParseError naming the line', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'g,v\na,1\nb,2\nc,3,4\n');
    const df = readCSV(bad)
      .groupBy('g')
      .agg({ s: ['v', 'sum'] });
    expect(opsOf(df).some((o) => o.endsWith('#readCsvAggregate'))).toBe(true);
    const e = await df.compute({ scheduler: 'sync' }).catch((x: unknown) => x);
    const err = (e as Error & { cause?: unknown }).cause ?? e;
    expect(err).toBeInstanceOf(CsvParseError);
    expect((err as CsvParseError).line).toBe(4);
    expect((err as CsvParseError).text).toBe('c,3,4');
    const skipped = await readCSV(bad, { onBadLines: 'skip' })
      .groupBy('g')
      .agg({ s: ['v', 'sum'] })
      .toRecords({ scheduler: 'sync' });
    expect(skipped).toEqual([
      { g: 'a', s: 1 },
      { g: 'b', s: 2 },
    ]);
  });
});
