import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { col, fromRecords, readCSV, readParquet } from '@tsdask/dataframe';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-shuffle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gen(n: number, seed: number, keys: number): { k: number; s: string; v: number | null }[] {
  let x = seed;
  const out = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const y = Math.floor(x / 65536);
    out.push({ k: y % keys, s: `s${y % 7}`, v: y % 13 === 0 ? null : (y % 1000) / 10 });
  }
  return out;
}
const L = gen(600, 3, 50);
const R = gen(200, 11, 70).map((r) => ({ k: r.k, w: r.v, s: r.s }));

type Rec = Record<string, unknown>;
const canon = (rows: Rec[]): string[] =>
  rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => [k, r[k]]),
      ),
    )
    .sort();

function referenceJoin(how: 'inner' | 'left' | 'right' | 'outer'): Rec[] {
  const out: Rec[] = [];
  const matched = new Set<number>();
  for (const l of L) {
    const hits = R.map((r, j) => [r, j] as const).filter(([r]) => r.k === l.k);
    if (hits.length === 0 && (how === 'left' || how === 'outer')) out.push({ k: l.k, s_x: l.s, v: l.v, w: null, s_y: null });
    for (const [r, j] of hits) {
      matched.add(j);
      out.push({ k: l.k, s_x: l.s, v: l.v, w: r.w, s_y: r.s });
    }
  }
  if (how === 'right' || how === 'outer') R.forEach((r, j) => matched.has(j) || out.push({ k: r.k, s_x: null, v: null, w: r.w, s_y: r.s }));
  return out;
}

for (const scheduler of ['sync', 'threads'] as const) {
  describe(`shuffles on '${scheduler}'`, () => {
    const left = fromRecords(L, { npartitions: 4 });
    for (const how of ['inner', 'left', 'right', 'outer'] as const) {
      it(`merge how=${how}: hash shuffle and broadcast give the reference rows`, async () => {
        const want = canon(referenceJoin(how));
        const shuffled = left.merge(fromRecords(R, { npartitions: 3 }), { on: 'k', how });
        expect(shuffled.columns).toEqual(['k', 's_x', 'v', 'w', 's_y']);
        expect(canon(await shuffled.toRecords({ scheduler }))).toEqual(want);
        const bcast = left.merge(fromRecords(R, { npartitions: 1 }), { on: 'k', how });
        expect(canon(await bcast.toRecords({ scheduler }))).toEqual(want);
      });
    }

    it('merge with null keys: nulls match nulls by default (pandas), and nothing with nullsEqual false (SQL)', async () => {
      // One numeric key with nulls and NaN, one string key with nulls, and two keys together.
      type Row = { a: number | null; b: string | null; x: number };
      const mk = (n: number, seed: number): Row[] =>
        Array.from({ length: n }, (_, i) => {
          const h = (i * 2654435761 + seed * 97) >>> 0;
          return { a: h % 5 === 0 ? null : h % 11 === 0 ? NaN : h % 4, b: h % 7 === 0 ? null : `b${h % 3}`, x: seed * 1000 + i };
        });
      const ls = mk(90, 1);
      const rs = mk(40, 2).map((r) => ({ a: r.a, b: r.b, y: r.x }));
      const isNull = (v: unknown) => v === null || Number.isNaN(v);
      const eq = (u: unknown, v: unknown, nullsEqual: boolean) => (isNull(u) || isNull(v) ? nullsEqual && isNull(u) && isNull(v) : u === v);
      const reference = (on: ('a' | 'b')[], how: 'inner' | 'left' | 'right' | 'outer', nullsEqual: boolean): Rec[] => {
        const out: Rec[] = [];
        const matched = new Set<number>();
        const other = (['a', 'b'] as const).filter((c) => !on.includes(c));
        const row = (l: Row | undefined, r: (typeof rs)[number] | undefined): Rec => {
          const o: Rec = {};
          // Shared key columns take the left value, or the right one where the left row is missing.
          for (const c of on) o[c] = (l ?? r)?.[c] ?? null;
          for (const c of other) ((o[`${c}_x`] = l?.[c] ?? null), (o[`${c}_y`] = r?.[c] ?? null));
          o['x'] = l?.x ?? null;
          o['y'] = r?.y ?? null;
          return o;
        };
        for (const l of ls) {
          let hit = false;
          rs.forEach((r, j) => {
            if (!on.every((c) => eq(l[c], r[c], nullsEqual))) return;
            hit = true;
            matched.add(j);
            out.push(row(l, r));
          });
          if (!hit && (how === 'left' || how === 'outer')) out.push(row(l, undefined));
        }
        if (how === 'right' || how === 'outer') rs.forEach((r, j) => matched.has(j) || out.push(row(undefined, r)));
        // NaN comes back as null from a numeric key column (Arrow has no NaN-as-null).
        return out.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number.isNaN(v) ? null : v])));
      };
      const lf = fromRecords(ls, { npartitions: 3 });
      for (const on of [['a'], ['b'], ['a', 'b']] as ('a' | 'b')[][]) {
        for (const how of ['inner', 'left', 'right', 'outer'] as const) {
          for (const nullsEqual of [true, false]) {
            const want = canon(reference(on, how, nullsEqual));
            for (const rparts of [2, 1]) {
              const got = await lf.merge(fromRecords(rs, { npartitions: rparts }), { on, how, ...(nullsEqual ? {} : { nullsEqual }) }).toRecords({ scheduler });
              const norm = got.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number.isNaN(v) ? null : v])));
              expect(canon(norm), `on ${on} how ${how} nullsEqual ${nullsEqual} right partitions ${rparts}`).toEqual(want);
            }
          }
        }
      }
    });

    it('sortValues: range-partitioned, globally sorted, stable, nulls last', async () => {
      const df = fromRecords(L, { npartitions: 5 });
      const asc = await df.sortValues('v').toRecords({ scheduler });
      const idx = L.map((r, i) => [r, i] as const);
      const want = [...idx].sort(([a, i], [b, j]) => (a.v === null ? (b.v === null ? i - j : 1) : b.v === null ? -1 : a.v - b.v || i - j)).map(([r]) => r);
      expect(asc).toEqual(want);
      const desc = await df.sortValues(['s', 'k'], { ascending: [false, true] }).toRecords({ scheduler });
      const want2 = [...idx].sort(([a, i], [b, j]) => (a.s < b.s ? 1 : a.s > b.s ? -1 : a.k - b.k || i - j)).map(([r]) => r);
      expect(desc).toEqual(want2);
      expect(df.sortValues('v').npartitions).toBe(5);
      // setIndex: known divisions, and each partition's keys lie between its boundaries.
      const indexed = df.setIndex('k');
      const div = (await indexed.divisions()?.compute({ scheduler })) as number[];
      expect(div.length).toBe(4);
      for (let i = 0; i < 5; i++) {
        const keys = (await indexed.getPartition(i).toRecords({ scheduler })).map((r) => r['k'] as number);
        for (const k of keys) {
          if (i > 0) expect(k).toBeGreaterThanOrEqual(div[i - 1] as number);
          if (i < 4) expect(k).toBeLessThanOrEqual(div[i] as number);
        }
      }
      const rows = await indexed.toRecords({ scheduler });
      expect(rows.map((r) => r['k'])).toEqual([...L.map((r) => r.k)].sort((a, b) => a - b));
    });

    it('repartition keeps rows in order', async () => {
      const df = fromRecords(L, { npartitions: 3 });
      expect(await df.repartition({ npartitions: 7 }).toRecords({ scheduler })).toEqual(L);
      expect(await df.repartition({ npartitions: 2 }).toRecords({ scheduler })).toEqual(L);
      expect(df.repartition({ npartitions: 7 }).npartitions).toBe(7);
    });

    it('mapPartitions runs a self-contained function on Arrow tables', async () => {
      const df = fromRecords(L, { npartitions: 3 });
      const out = df.mapPartitions((t: Table) => t.select(['k', 's']).slice(0, 2));
      expect(out.columns).toEqual(['k', 's']);
      const got = await out.toRecords({ scheduler });
      const want = [0, 200, 400].flatMap((s) => L.slice(s, s + 2).map((r) => ({ k: r.k, s: r.s })));
      expect(got).toEqual(want);
    });

    it('toCSV and toParquet write a file per partition that reads back the same', async () => {
      const df = fromRecords(L, { npartitions: 3 }).withColumns({ t: col('s').startsWith('s1') });
      const csv = await df.toCSV(join(dir, `csv-${scheduler}`), { scheduler });
      expect(csv.length).toBe(3);
      const back = await readCSV(join(dir, `csv-${scheduler}`, '*.csv')).toRecords({ scheduler });
      expect(back).toEqual(L.map((r) => ({ ...r, t: r.s.startsWith('s1') })));
      const pq = await df.toParquet(join(dir, `pq-${scheduler}`), { scheduler });
      expect(pq.length).toBe(3);
      const back2 = await readParquet(join(dir, `pq-${scheduler}`, '*.parquet')).toRecords({ scheduler });
      expect(back2).toEqual(L.map((r) => ({ ...r, t: r.s.startsWith('s1') })));
    });
  });
}

describe('merge on real data', () => {
  it('flights-airport.csv joined with airports.csv matches a plain loop', async () => {
    const data = fileURLToPath(new URL('../../../node_modules/vega-datasets/data/', import.meta.url));
    const routes = readCSV(join(data, 'flights-airport.csv'), { blocksize: 20_000 });
    const airports = readCSV(join(data, 'airports.csv'), { blocksize: 50_000 }).select('iata', 'state');
    const joined = routes.merge(airports, { leftOn: 'origin', rightOn: 'iata', how: 'left' });
    const got = await joined
      .groupBy('state')
      .agg({ flights: ['count', 'sum'] })
      .toRecords({ scheduler: 'threads' });
    const r = await routes.toRecords({ scheduler: 'sync' });
    const a = await airports.toRecords({ scheduler: 'sync' });
    const stateOf = new Map(a.map((x) => [x['iata'], x['state']]));
    const sums = new Map<string, number>();
    for (const x of r) {
      const s = stateOf.get(x['origin']);
      if (typeof s === 'string') sums.set(s, (sums.get(s) ?? 0) + (x['count'] as number));
    }
    expect(got).toEqual([...sums.keys()].sort().map((s) => ({ state: s, flights: sums.get(s) })));
  });
});
