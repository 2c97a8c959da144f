/**
 * The schema sample's records (io/csv-sample.ts) split without papaparse when the text is plain
 * must be exactly papaparse's records, as readCSV asked papaparse for them before: plain texts
 * with LF and CRLF ends, blank lines, lines of separators only, missing last line end,
 * multi-character and tab separators, non-ASCII text; and the unusual texts (quotes, lone CRs,
 * mixed line ends) still go to papaparse. Also the dtypes readCSV infers from such samples.
 */
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { readCSV } from '@tsdask/dataframe';
import { mulberry32 } from '../../../test/support/seeded-random.js';
import { sampleRecords } from '../dist/io/csv-sample.js';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles('tsdask-csv-sample-');

/** What readCSV's sample parse was: papaparse, newline '\n' when the text holds no CR. */
function reference(text: string, sep: string): string[][] {
  const newline = text.includes('\r') ? {} : { newline: '\n' as const };
  return Papa.parse<string[]>(text, { delimiter: sep, quoteChar: '"', skipEmptyLines: true, ...newline }).data;
}

const CASES: [string, string][] = [
  ['', ','],
  ['a', ','],
  ['a,b\n1,2', ','],
  ['a,b\n1,2\n', ','],
  ['a,b\n\n1,2\n\n\n3,4\n', ','],
  ['a,b\r\n1,2\r\n\r\n3,4\r\n', ','],
  ['a,b\r\n1,2', ','],
  [',,\n,\n\n,,,\n', ','],
  ['x\ty\n1\t\n\t2\n', '\t'],
  ['a::b\n1::2::3\n4\n', '::'],
  ['名前;値\nÅngström;1\n€;-2\n', ';'],
  ['a, b \n 1 , 2 \n', ','],
  // The unusual: quotes, lone CRs, mixed and cut line ends (papaparse's path).
  ['a,b\n"x,y",2\n"multi\nline",3\n', ','],
  ['a,b\r1,2\r3,4\r', ','],
  ['a,b\n1,2\r\n3,4\n', ','],
  ['a,b\r\n1,2\r', ','],
  ['a,b\r\n1,2\n3,4\r\n', ','],
];

describe('sampleRecords: the sample split without papaparse when plain', () => {
  it.each(CASES)('gives papaparse records for %j', (text, sep) => {
    expect(sampleRecords(text, sep)).toEqual(reference(text, sep));
  });

  it('gives papaparse records on seeded random texts of plain and unusual bytes', () => {
    const rnd = mulberry32(16);
    const pieces = ['a', '1', '-2', 'é', '€', ' ', '', ',', ';', '\n', '\n', '\r\n', '\r', '"', '""', 'NA', '12.5'];
    for (let t = 0; t < 400; t++) {
      const lf = rnd() < 0.5 ? '\n' : '\r\n';
      const plain = rnd() < 0.7;
      let text = '';
      const n = Math.floor(rnd() * 60);
      for (let i = 0; i < n; i++) {
        const p = pieces[Math.floor(rnd() * pieces.length)] as string;
        // Plain texts keep one kind of line end and no quotes; the others take anything.
        text += plain ? (p === '"' || p === '""' || p === '\r' ? 'q' : p === '\n' || p === '\r\n' ? lf : p) : p;
      }
      const sep = rnd() < 0.8 ? ',' : ';';
      expect(sampleRecords(text, sep), JSON.stringify([text, sep])).toEqual(reference(text, sep));
    }
  });

  it('leaves the dtypes readCSV infers as papaparse did: integers, signs, floats, strings, nulls, CRLF', () => {
    const body = ['id,n,x,s', '1,+5,1.5,a', '2,-7,NA,b', '3,,2,€', '4,123456789012345678,3,'].join('\r\n') + '\r\n';
    const df = readCSV(tmp.file('crlf.csv', body));
    // The dtypes readCSV gave before the plain split (checked against the papaparse split):
    // n holds an integer past 2^53 but within int64, x a null marker, s a non-ASCII text.
    expect(df.dtypes).toEqual({ id: 'int64', n: 'int64', x: 'float64', s: 'utf8' });
    const past = readCSV(tmp.file('past.csv', 'a,b\n1,99999999999999999999\n2, 3 \n'));
    // Past uint64: a text column; ' 3 ' (spaces around the digits) still counts as an integer.
    expect(past.dtypes).toEqual({ a: 'int64', b: 'utf8' });
    const spaced = readCSV(tmp.file('spaced.csv', 'a\n 1\n-2 \n+3\n'));
    expect(spaced.dtypes).toEqual({ a: 'int64' });
  });
});
