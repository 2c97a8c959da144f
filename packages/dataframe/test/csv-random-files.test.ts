/**
 * Generated CSV files read end to end with inferred dtypes: the scanner, its schema sample's
 * fast inference (io/csv-infer-fast.ts) and its byte ranges (small blocksizes: many ranges,
 * each finding its own end) against the papaparse engine, which reads each file whole, and the
 * fused row count against the papaparse engine's row count. Columns of integers, signed
 * integers, decimals, short and multi-byte strings, mixed texts and quoted fields (separators,
 * line ends and escaped quotes inside), null markers and blank fields, LF or CRLF, with or
 * without a last line end.
 */
import { expect, it } from 'vitest';
import { readCSV } from '@tsdask/dataframe';
import { mulberry32 } from '../../../test/support/seeded-random.js';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles('tsdask-csv-random-');

const KINDS = ['int', 'sint', 'float', 'str', 'short', 'mixed', 'quoted'] as const;
type Kind = (typeof KINDS)[number];

function field(k: Kind, r: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const x = r();
  if (x < 0.05) return '';
  if (x < 0.07) return pick(['NA', 'null', 'NaN', 'n/a']);
  switch (k) {
    case 'int':
      return String(Math.floor(r() * 10 ** Math.floor(r() * 7)));
    case 'sint':
      return String(Math.floor((r() - 0.5) * 10 ** Math.floor(r() * 6)));
    case 'float':
      return ((r() - 0.5) * 10 ** Math.floor(r() * 5)).toFixed(Math.floor(r() * 4));
    case 'str':
      return pick(['ATL', 'LAX', 'SFO', 'x', 'ab', 'abcd', 'abcde', 'héllo', 'ü', '日本', 'a b']);
    case 'short':
      return pick(['a', 'b', 'cc', 'ddd', 'eeee', 'ff']);
    case 'mixed':
      return pick(['1', '2.5', 'x', '-3', '7']);
    case 'quoted':
      return pick(['"a,b"', '"line\nbreak"', '"q""q"', 'plain', '"x"', '"\r\n"']);
  }
}

/** BigInts (int64 columns) as text, so two readings compare as JSON. */
const json = (x: unknown): string => JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

it('reads 60 generated files in many byte ranges as the papaparse engine reads them whole', async () => {
  const r = mulberry32(20261203);
  for (let f = 0; f < 60; f++) {
    const cols = Array.from({ length: 1 + Math.floor(r() * 6) }, () => KINDS[Math.floor(r() * (r() < 0.8 ? 6 : 7))] as Kind);
    const nl = r() < 0.2 ? '\r\n' : '\n';
    const lines = [cols.map((c, i) => `${c}${i}`).join(',')];
    const rows = 50 + Math.floor(r() * 1500);
    for (let i = 0; i < rows; i++) lines.push(cols.map((c) => field(c, r)).join(','));
    const path = tmp.file(`f${f}.csv`, lines.join(nl) + (r() < 0.7 ? nl : ''));
    const blocksize = 200 + Math.floor(r() * 4000);
    const what = `file ${f} (${cols.join(',')}, blocksize ${blocksize}, ${JSON.stringify(nl)})`;
    const want = (await readCSV(path, { engine: 'papaparse' }).compute({ scheduler: 'sync' })).toArray();
    const got = (await readCSV(path, { blocksize }).compute({ scheduler: 'sync' })).toArray();
    expect(json(got), what).toBe(json(want));
    expect(await readCSV(path, { blocksize }).len({ scheduler: 'sync' }), what).toBe(want.length);
  }
}, 120_000);
