import { describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import { col, fromRecords } from '@tsdask/dataframe';

// sortValues against a plain JavaScript sort of the records: pandas' order (stable; null and
// NaN last whatever the direction, per key; -0 equal to 0).

type Rec = Record<string, unknown>;

function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e300, -1e300, 5e-324, -5e-324, 2 ** 53, -(2 ** 53)];

function gen(n: number, seed: number): Rec[] {
  const r = lcg(seed);
  const words = ['b', 'a', 'ä', 'Z', '', 'é', '日本', '😀', 'ab', 'a b'];
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    out.push({
      // floats: negatives, fractions, the special values, and nulls
      f: u < 0.05 ? null : u < 0.12 ? (SPECIAL[i % SPECIAL.length] as number) : (r() - 0.5) * 10 ** Math.floor(r() * 12 - 4),
      // small integers with ties (counting sort), wide int64 (radix over integers)
      k: Math.floor(r() * 40) - 20,
      w: u > 0.97 ? null : Math.floor((r() - 0.5) * 2 ** 44),
      s: u > 0.08 && u < 0.13 ? null : (words[Math.floor(r() * words.length)] as string),
      b: u < 0.3,
      // ASCII text with many distinct values (as timestamps read as text)
      t: `2001-0${1 + (i % 9)}-${String(Math.floor(r() * 28) + 1).padStart(2, '0')} ${Math.floor(r() * 24)}:00`,
      i: i,
    });
  }
  return out;
}

const isNA = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isNaN(v));
const cmp = (a: unknown, b: unknown): number => {
  const x = typeof a === 'boolean' ? Number(a) : (a as number | string);
  const y = typeof b === 'boolean' ? Number(b) : (b as number | string);
  return x < y ? -1 : x > y ? 1 : 0;
};

function reference(rows: Rec[], by: string[], asc: boolean[]): Rec[] {
  return rows
    .map((r, i) => [r, i] as const)
    .sort(([a, i], [b, j]) => {
      for (let k = 0; k < by.length; k++) {
        const name = by[k] as string;
        const na = isNA(a[name]);
        const nb = isNA(b[name]);
        if (na && nb) continue;
        if (na) return 1;
        if (nb) return -1;
        const c = cmp(a[name], b[name]);
        if (c !== 0) return asc[k] ? c : -c;
      }
      return i - j;
    })
    .map(([r]) => r);
}

const ROWS = gen(3000, 7);
const DTYPES = { k: 'int32', w: 'int64', b: 'bool' } as const;

/** Rows of an Arrow Table as records (strings through the dictionaries, int64 as numbers). */
function tableRows(t: Table): Rec[] {
  const names = t.schema.fields.map((f) => f.name);
  const cols = names.map((n) => t.getChild(n));
  const out: Rec[] = [];
  for (let i = 0; i < t.numRows; i++) {
    const r: Rec = {};
    names.forEach((n, j) => {
      const v = cols[j]?.get(i) as unknown;
      r[n] = typeof v === 'bigint' ? Number(v) : v;
    });
    out.push(r);
  }
  return out;
}

for (const scheduler of ['sync', 'threads'] as const) {
  describe(`sortValues on '${scheduler}'`, () => {
    const df = fromRecords(ROWS, { npartitions: 4, dtypes: DTYPES });
    const cases: [string[], boolean[]][] = [
      [['f'], [true]],
      [['f'], [false]],
      [['w'], [true]],
      [['k'], [false]],
      [['s'], [true]],
      [['s'], [false]],
      [
        ['b', 'f'],
        [false, true],
      ],
      [
        ['k', 's', 'f'],
        [true, false, false],
      ],
      [
        ['t', 'w'],
        [false, true],
      ],
    ];
    for (const [by, asc] of cases) {
      it(`by ${by.join(', ')} ascending ${asc.join(', ')}: the reference order`, async () => {
        const got = await df.sortValues(by, { ascending: asc }).toRecords({ scheduler });
        expect(got).toEqual(reference(ROWS, by, asc));
      });
    }

    it('compute() gives the same rows as an Arrow Table (dictionaries encoded by the workers)', async () => {
      const t = await df.sortValues(['s', 'i'], { ascending: [false, true] }).compute({ scheduler });
      expect(t.numRows).toBe(ROWS.length);
      expect(tableRows(t)).toEqual(reference(ROWS, ['s', 'i'], [false, true]));
      // Each batch's dictionaries hold distinct strings.
      for (const name of ['s', 't']) {
        for (const data of t.getChild(name)?.data ?? []) {
          const dict = [...(data.dictionary?.toArray() ?? [])] as string[];
          expect(new Set(dict).size).toBe(dict.length);
        }
      }
    });

    it('persisted, and read by later steps (filter, groupBy, head) in the workers', async () => {
      const want = reference(ROWS, ['t', 'i'], [true, true]);
      const sorted = df.sortValues(['t', 'i']);
      const kept = await sorted.persist({ scheduler });
      expect(await kept.toRecords({ scheduler })).toEqual(want);
      expect(tableRows(await kept.compute({ scheduler }))).toEqual(want);
      const later = kept.filter(col('k').gt(0)).select('s', 't', 'k');
      const wantLater = want.filter((r) => (r['k'] as number) > 0).map((r) => ({ s: r['s'], t: r['t'], k: r['k'] }));
      expect(await later.toRecords({ scheduler })).toEqual(wantLater);
      expect(tableRows(await sorted.filter(col('k').gt(0)).select('s', 't', 'k').compute({ scheduler }))).toEqual(wantLater);
      const sizes = await sorted.groupBy('s').size().toRecords({ scheduler });
      const counts = new Map<unknown, number>();
      for (const r of ROWS) if (r['s'] !== null) counts.set(r['s'], (counts.get(r['s']) ?? 0) + 1);
      expect(new Map(sizes.map((r) => [r['s'], r['size']]))).toEqual(counts);
      expect(tableRows(await sorted.head(5, { scheduler }))).toEqual(want.slice(0, 5));
    });

    it('more or fewer output partitions, one input partition, and empty partitions', async () => {
      const want = reference(ROWS, ['f', 'k'], [true, true]);
      for (const [np, out] of [
        [4, 7],
        [4, 1],
        [1, 1],
        [1, 3],
      ] as const) {
        const sorted = fromRecords(ROWS, { npartitions: np, dtypes: DTYPES }).sortValues(['f', 'k'], { npartitions: out });
        expect(sorted.npartitions).toBe(out);
        expect(await sorted.toRecords({ scheduler })).toEqual(want);
      }
      // No rows left at all.
      const none = await df.filter(col('i').lt(0)).sortValues('s').compute({ scheduler });
      expect(none.numRows).toBe(0);
      expect(none.schema.fields.map((f) => f.name)).toEqual(df.columns);
      // No string column at all (no dictionaries to unify).
      const nums = fromRecords(ROWS, { npartitions: 3, dtypes: DTYPES }).select('w', 'f', 'i');
      const wantNums = reference(ROWS, ['w', 'f'], [false, true]).map((r) => ({ w: r['w'], f: r['f'], i: r['i'] }));
      expect(await nums.sortValues(['w', 'f'], { ascending: [false, true] }).toRecords({ scheduler })).toEqual(wantNums);
      expect(tableRows(await nums.sortValues(['w', 'f'], { ascending: [false, true] }).compute({ scheduler }))).toEqual(wantNums);
      // Filtering leaves partitions 0 and 2 with no rows at all.
      const part = fromRecords(ROWS, { npartitions: 4, dtypes: DTYPES }).filter(
        col('i')
          .ge(750)
          .and(col('i').lt(1500).or(col('i').ge(2250))),
      );
      const kept = ROWS.filter((r) => ((r['i'] as number) >= 750 && (r['i'] as number) < 1500) || (r['i'] as number) >= 2250);
      expect(await part.sortValues('w', { ascending: false }).toRecords({ scheduler })).toEqual(reference(kept, ['w'], [false]));
    });

    it('a key column that is all null keeps the input order; partitions hold key ranges in order', async () => {
      const rows = ROWS.slice(0, 500).map((r) => ({ ...r, f: null }));
      const d = fromRecords(rows, { npartitions: 3, dtypes: { ...DTYPES, f: 'float64' } });
      expect(await d.sortValues('f').toRecords({ scheduler })).toEqual(rows);
      // setIndex on floats with NaN: each partition's keys lie between its divisions, NaN last.
      const indexed = df.setIndex('f');
      const div = (await indexed.divisions()?.compute({ scheduler })) as number[];
      expect(div.length).toBe(3);
      for (let p = 0; p < 4; p++) {
        const keys = (await indexed.getPartition(p).toRecords({ scheduler })).map((r) => r['f'] as number | null);
        for (const x of keys) {
          if (x === null || Number.isNaN(x)) {
            expect(p).toBe(3);
            continue;
          }
          if (p > 0) expect(x).toBeGreaterThanOrEqual(div[p - 1] as number);
          if (p < 3) expect(x).toBeLessThanOrEqual(div[p] as number);
        }
      }
    });
  });
}
