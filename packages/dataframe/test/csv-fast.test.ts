/**
 * The scanner's fast path (plain records between quote characters, converted from bytes) must
 * give exactly what the general path and papaparse give: every dtype, null markers, empty and
 * missing fields, numbers that are not plain decimal, infinities, dates in their variants, CRLF, blank
 * lines, quoted records in between, and ranges cut anywhere.
 */
import { describe, expect, it } from 'vitest';
import { CsvParseError, readCSV, type DType } from '@tsdask/dataframe';
import { delimiterMasks, useDelimiterMasks } from '@tsdask/dataframe/io';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles('tsdask-csv-fast-');
const file = tmp.file;

function rand(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648), Math.floor(x / 65536) / 32768);
}

const VALUES: Record<string, string[]> = {
  i: ['0', '-0', '12', '-345', '123456789012345', '1234567890123456', '+7', '1e3', ' 5', 'NA', '', '-1', '007', '9007199254740991', '-9007199254740991'],
  f: [
    '1.5',
    '-0.25',
    '.5',
    '-.5',
    '1.',
    '3',
    '1e-3',
    'NaN',
    'nan',
    '12345678.1234567',
    '0.1234567890123456',
    '',
    'null',
    '-1',
    '2.50',
    'inf',
    '-Inf',
    '+INFINITY',
    'Infinity',
  ],
  s: ['a', 'NYC', 'N/A', 'None', 'Nx', '', 'ü', '#x', '<NA>', 'long'.repeat(50), 'x y', '-1', 'LAS'],
  t: [
    '2001-01-01 00:01:00.000',
    '2001-01-01T23:59:59',
    '2020-2-3 4:05',
    '1999/12/31 23:59:59.5',
    '2001-01-01 00:00:00.123456',
    '2001-01-01',
    '2001-01-01T00:00:00Z',
    '2001-01-01 10:00:00+02:00',
    '',
    '3/4/2021 13:45',
    '12/31/1999',
    '1/2/2024T01:02:03.5',
  ],
  d: ['2001-01-01', '1969-12-31', '2020-02-29', '2001-1-2', '', 'NA', '3/4/2021', '12/31/1999'],
  k: ['5', '-7', '2147483647', '', '0'],
  b: ['true', 'False', '', 'TRUE', 'false'],
};
const DTYPES: Record<string, DType> = { i: 'int64', f: 'float64', s: 'utf8', t: 'timestamp', d: 'date', k: 'int32', b: 'bool' };

/** Mostly plain rows, with a few short rows, blank lines and quoted records among them. */
function corpus(seed: number, crlf: boolean, quotes: boolean, rows = 400): string {
  const r = rand(seed);
  const cols = Object.keys(VALUES);
  const nl = crlf ? '\r\n' : '\n';
  const lines = [cols.join(',')];
  for (let row = 0; row < rows; row++) {
    const x = r();
    if (x < 0.02) {
      lines.push('');
      continue;
    }
    const fields = cols.map((c) => {
      const list = VALUES[c] as string[];
      // Plain values most of the time, so long runs take the fast path.
      return r() < 0.7 ? (list[0] as string) : (list[Math.floor(r() * list.length)] as string);
    });
    if (x < 0.05) fields.length = 3; // a short row: the rest are null
    if (quotes && x > 0.95) fields[2] = `"q,${row}"`;
    lines.push(fields.join(','));
  }
  return lines.join(nl) + nl;
}

describe('scanner fast path = papaparse', () => {
  for (const [seed, crlf, quotes] of [
    [1, false, false],
    [2, true, false],
    [3, false, true],
    [4, true, true],
  ] as const) {
    it(`seed ${seed}${crlf ? ', CRLF' : ''}${quotes ? ', quoted records among plain ones' : ''}`, async () => {
      const p = file(`fast-${seed}.csv`, corpus(seed, crlf, quotes));
      const ref = await readCSV(p, { engine: 'papaparse', dtypes: DTYPES }).toRecords({ scheduler: 'sync' });
      expect(ref.length).toBeGreaterThan(300);
      for (const blocksize of [97, 1000, 1 << 20]) {
        const scheduler = seed % 2 === 0 ? 'threads' : 'sync';
        expect(await readCSV(p, { blocksize, dtypes: DTYPES }).toRecords({ scheduler })).toEqual(ref);
        // Only some columns (the others are skipped by bytes).
        const some = await readCSV(p, { blocksize, dtypes: DTYPES, columns: ['t', 's'] }).toRecords({ scheduler });
        expect(some).toEqual(ref.map((o) => ({ t: o['t'], s: o['s'] })));
      }
    });
  }

  it('plain values read as a hand-written reference says', async () => {
    const text =
      'i,f,s,t,d,k\n-345,-0.25,LAS,2001-01-01 00:01:00.000,2020-02-29,-7\n12,.5,Nx,1999/12/31 23:59:59.5,1969-12-31,2147483647\n0,2.50,,2001-01-01T23:59:59,,5\n';
    const p = file('hand.csv', text);
    const dtypes = { i: 'int64', f: 'float64', s: 'utf8', t: 'timestamp', d: 'date', k: 'int32' } as const;
    const got = await readCSV(p, { dtypes }).toRecords({ scheduler: 'sync' });
    expect(got).toEqual([
      { i: -345, f: -0.25, s: 'LAS', t: new Date(Date.UTC(2001, 0, 1, 0, 1)), d: new Date(Date.UTC(2020, 1, 29)), k: -7 },
      { i: 12, f: 0.5, s: 'Nx', t: new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 500)), d: new Date(Date.UTC(1969, 11, 31)), k: 2147483647 },
      { i: 0, f: 2.5, s: null, t: new Date(Date.UTC(2001, 0, 1, 23, 59, 59)), d: null, k: 5 },
    ]);
  });

  it('custom null markers that look like numbers, and empty fields that are not null', async () => {
    const p = file('nulls.csv', 'i,s\n-1,x\n3,\n-1,-1\n4,y\n');
    const dtypes = { i: 'int64', s: 'utf8' } as const;
    const opts = { dtypes, nullValues: ['-1'] };
    const got = await readCSV(p, opts).toRecords({ scheduler: 'sync' });
    expect(got).toEqual([
      { i: null, s: 'x' },
      { i: 3, s: '' },
      { i: null, s: null },
      { i: 4, s: 'y' },
    ]);
    expect(await readCSV(p, { ...opts, engine: 'papaparse' }).toRecords({ scheduler: 'sync' })).toEqual(got);
  });

  it('a row with too many fields among plain ones is an error naming its line', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 50; i++) lines.push(`${i},${i * 2}`);
    lines.splice(31, 0, '7,8,9');
    const p = file('wide.csv', lines.join('\n') + '\n');
    const dtypes = { a: 'int64', b: 'int64' } as const;
    const e = await readCSV(p, { dtypes })
      .toRecords({ scheduler: 'sync' })
      .catch((x: unknown) => x);
    const err = (e as Error & { cause?: unknown }).cause ?? e;
    expect(err).toBeInstanceOf(CsvParseError);
    expect((err as CsvParseError).line).toBe(32);
    expect((err as CsvParseError).text).toBe('7,8,9');
    const skipped = await readCSV(p, { dtypes, onBadLines: 'skip', blocksize: 64 }).toRecords({ scheduler: 'sync' });
    expect(skipped).toEqual(Array.from({ length: 50 }, (_, i) => ({ a: i, b: i * 2 })));
  });
});

describe('delimiter masks (WebAssembly SIMD) and the JavaScript flags they replace', () => {
  it('masks mark exactly the separator, LF and CR bytes', () => {
    const m = delimiterMasks();
    expect(m).toBeDefined(); // Node 20 has WebAssembly SIMD
    const dm = m as NonNullable<typeof m>;
    const r = rand(9);
    const pool = [44, 59, 10, 13, 34, 97, 48, 0, 255, 128, 172];
    for (const [sep, n] of [
      [44, 65536],
      [59, 1000],
      [9, 33],
    ] as const) {
      for (let i = 0; i < n; i++) dm.buf[i] = pool[Math.floor(r() * pool.length)] as number;
      dm.compute(n, sep);
      for (let i = 0; i < n; i++) {
        const want = dm.buf[i] === sep || dm.buf[i] === 10 || dm.buf[i] === 13 ? 1 : 0;
        if ((((dm.masks[i >> 5] as number) >>> (i & 31)) & 1) !== want) throw new Error(`byte ${i} (sep ${sep}): mask ${1 - want}, want ${want}`);
      }
    }
  });

  it('many distinct short strings (the short-string cache of the interner, its collisions and replacements) as papaparse reads them', async () => {
    const r = rand(21);
    const chars = ['a', 'b', 'Z', '0', '-', 'é', ' ', 'ü'];
    const lines = ['k,s'];
    for (let i = 0; i < 30000; i++) {
      const n = 1 + Math.floor(r() * 4);
      let t = '';
      for (let k = 0; k < n; k++) t += chars[Math.floor(r() * chars.length)];
      lines.push(`${i},${t}`);
    }
    const p = file('short-strings.csv', lines.join('\n') + '\n');
    const dtypes = { k: 'int64', s: 'utf8' } as const;
    const ref = await readCSV(p, { engine: 'papaparse', dtypes }).toRecords({ scheduler: 'sync' });
    expect(ref).toHaveLength(30000);
    expect(await readCSV(p, { dtypes, blocksize: 100_000 }).toRecords({ scheduler: 'sync' })).toEqual(ref);
  });

  // Files of several read buffers (64 KiB), so records cross refills; with the masks and without.
  for (const masks of [true, false]) {
    it(`scanner = papaparse on files of several buffers, masks ${masks ? 'on' : 'off'} ('sync')`, async () => {
      useDelimiterMasks(masks);
      try {
        for (const [seed, crlf, quotes] of [
          [5, false, false],
          [6, true, true],
        ] as const) {
          const p = file(`big-${seed}-${masks}.csv`, corpus(seed, crlf, quotes, 3000));
          const ref = await readCSV(p, { engine: 'papaparse', dtypes: DTYPES }).toRecords({ scheduler: 'sync' });
          for (const blocksize of [50_000, 1 << 20]) {
            expect(await readCSV(p, { blocksize, dtypes: DTYPES }).toRecords({ scheduler: 'sync' })).toEqual(ref);
            const some = await readCSV(p, { blocksize, dtypes: DTYPES, columns: ['t', 's'] }).toRecords({ scheduler: 'sync' });
            expect(some).toEqual(ref.map((o) => ({ t: o['t'], s: o['s'] })));
          }
        }
      } finally {
        useDelimiterMasks(true);
      }
    });
  }
});
