/**
 * readCSV's schema sample decided without a string per field (io/csv-infer-fast.ts) and the
 * delimiter guessed without papaparse's parser (io/csv-papa.ts, quote-free text) must give
 * exactly what readCSV gave before: the reference here is the code they replace, kept in this
 * file: papaparse's records (the sample split), the cut last record dropped, pandas' names,
 * and the dtype rules over each column's present texts (integer by regular expression and
 * BigInt, then float, bool, utf8), and papaparse's delimiter guess. Seeded generated samples:
 * plain integers, integers past 2^53 and 2^64, signs, decimals, exponents, NaN and infinity
 * spellings, booleans, dates, null markers and blank fields, hex, spaces, ragged records,
 * quotes, CRLF, lone CRs, blank lines, a cut last record.
 */
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { readCSV } from '@tsdask/dataframe';
import { mulberry32 } from '../../../test/support/seeded-random.js';
import { fastSample } from '../dist/io/csv-infer-fast.js';
import { sniffDelimiter } from '../dist/io/csv-papa.js';
import { convertText, DEFAULT_NULLS } from '../dist/io/csv-columns.js';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles('tsdask-csv-infer-');

/** The dtype rules as readCSV applied them to a column's present texts before (csv.ts, branch point). */
function referenceType(values: string[]): string {
  if (values.length === 0) return 'float64';
  let int: string | undefined = 'int64';
  for (const v of values) {
    if (!/^\s*[-+]?\d+\s*$/.test(v)) {
      int = undefined;
      break;
    }
    if (Math.abs(Number(v)) > Number.MAX_SAFE_INTEGER) {
      const b = BigInt(v.trim());
      if (b < -(2n ** 63n) || b >= 2n ** 64n) int = 'utf8';
    }
  }
  if (int !== undefined) return int;
  if (values.every((v) => !Number.isNaN(convertText('float64', v)))) return 'float64';
  if (values.every((v) => !Number.isNaN(convertText('bool', v)))) return 'bool';
  return 'utf8';
}

interface Reference {
  names: string[];
  types: string[];
  columns: (string | undefined)[][];
}

/** The sample as readCSV analysed it before: papaparse's records, cut record dropped, header names, rules per column. */
function reference(text: string, sep: string, truncated: boolean, nulls: readonly string[]): Reference {
  const newline = text.includes('\r') ? {} : { newline: '\n' as const };
  const rows = Papa.parse<string[]>(text, { delimiter: sep, quoteChar: '"', skipEmptyLines: true, ...newline }).data;
  if (truncated && rows.length > 1) rows.pop();
  const seen = new Map<string, number>();
  const names = (rows[0] ?? []).map((n, i) => {
    const name = n === '' ? `Unnamed: ${i}` : n;
    const k = seen.get(name);
    seen.set(name, (k ?? 0) + 1);
    return k === undefined ? name : `${name}.${k}`;
  });
  const body = rows.slice(1);
  const nullSet = new Set(nulls);
  const columns = names.map((_, j) => body.map((r) => r[j]));
  const types = columns.map((c) =>
    body.length === 0 && !truncated ? 'utf8' : referenceType(c.filter((v): v is string => v !== undefined && !nullSet.has(v))),
  );
  return { names, types, columns };
}

/** Field texts by kind; a column mostly keeps its kind, with a few others mixed in. */
const KINDS: Record<string, string[]> = {
  int: ['0', '7', '-13', '+5', '2176', '007', '123456789012345', '-999999999999999'],
  bigint: ['9007199254740993', '1234567890123456', '-9223372036854775808', '18446744073709551615', '18446744073709551616', '99999999999999999999'],
  decimal: ['1.5', '-0.25', '.5', '5.', '+3.0', '1e5', '2.5E-3', '-1e+300', '1e400', '0.0'],
  special: ['inf', '-inf', 'Infinity', '-Infinity', 'INF', 'nan', 'NaN', '1e', 'e5', '.', '-', '+', '0x10', ' 3 ', ' 1.5', '1_000', '１'],
  bool: ['true', 'false', 'True', 'FALSE', ' true'],
  date: ['2001-01-01 00:01:00.000', '2024-02-29', '3/4/2020', '2001-01-01T00:00:00Z'],
  text: ['LAS', 'PHL', 'a b', 'é', '€uro', 'N', 'n/a x', '\u2028', 'NAN'],
  null: ['', 'NA', 'N/A', 'null', 'NULL', 'None', '#N/A', '<NA>', '-nan', '1.#IND', '-1.#QNAN'],
};
const KIND_NAMES = Object.keys(KINDS);

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

/** A generated sample: header, records, and the odd ragged record, blank line, quote or CR. */
function generate(rnd: () => number): { text: string; sep: string; truncated: boolean } {
  const sep = pick(rnd, [',', ',', ',', '\t', ';', '|']);
  const width = 1 + Math.floor(rnd() * 5);
  const kinds = Array.from({ length: width }, () => pick(rnd, ['int', 'int', 'decimal', 'text', 'date', ...KIND_NAMES]));
  const mix = rnd() < 0.5 ? 0 : rnd() * 0.2;
  const odd = rnd() < 0.6 ? 0 : rnd() * 0.1;
  const crlf = rnd() < 0.25;
  const nl = crlf ? '\r\n' : '\n';
  const header = Array.from({ length: width }, (_, j) => pick(rnd, [`c${j}`, `c${j}`, 'x', '']));
  // Some columns open with null markers (a few records, or all of them).
  const lead = Array.from({ length: width }, () => (rnd() < 0.3 ? Math.floor(rnd() * 6) : rnd() < 0.05 ? 1000 : 0));
  const lines = [header.join(sep)];
  const n = Math.floor(rnd() * 40);
  for (let r = 0; r < n; r++) {
    let w = width;
    if (rnd() < odd) w += pick(rnd, [-1, 1, 2]);
    const fields = Array.from({ length: Math.max(1, w) }, (_, j) => {
      const k = r < (lead[j % width] as number) ? 'null' : rnd() < mix ? pick(rnd, KIND_NAMES) : (kinds[j % width] as string);
      return pick(rnd, KINDS[k] as string[]);
    });
    if (rnd() < odd) fields[0] = `"${fields[0]}"`;
    lines.push(fields.join(sep));
    if (rnd() < odd) lines.push('');
  }
  let text = lines.join(nl) + (rnd() < 0.7 ? nl : '');
  if (rnd() < odd) text = text.replace('\n', '\r');
  const truncated = rnd() < 0.4;
  if (truncated) text = text.slice(0, Math.floor(text.length * (0.6 + 0.4 * rnd())));
  return { text, sep, truncated };
}

describe('fastSample: the schema sample without a string per field', () => {
  it('gives the names, dtypes and records of the field-by-field rules, or declines', () => {
    const rnd = mulberry32(21);
    let decided = 0;
    const decidedTypes = new Set<string>();
    for (let t = 0; t < 3000; t++) {
      const { text, sep, truncated } = generate(rnd);
      const nulls = rnd() < 0.8 ? DEFAULT_NULLS : ['NA', '-1', 'x'];
      const fast = fastSample(text, sep, truncated, nulls, () => false);
      if (fast === undefined) continue;
      decided++;
      const ref = reference(text, sep, truncated, nulls);
      const what = JSON.stringify({ text, sep, truncated, nulls });
      expect(fast.names, what).toEqual(ref.names);
      expect(fast.types, what).toEqual(ref.types);
      expect(fast.body.rows, what).toBe(ref.columns[0]?.length ?? 0);
      const js = ref.columns.map((_, j) => j);
      expect(fast.body.columns(js), what).toEqual(ref.columns);
      // Some columns, in any order, repeated, or not there (all undefined).
      const some = [js.length - 1, 0, js.length - 1, -1, js.length];
      expect(fast.body.columns(some), what).toEqual(some.map((j) => ref.columns[j] ?? ref.columns[0]?.map(() => undefined)));
      for (const ty of fast.types) decidedTypes.add(ty as string);
    }
    // The fast path decides a good share of the generated samples, and all three of its dtypes.
    expect(decided).toBeGreaterThan(300);
    expect([...decidedTypes].sort()).toEqual(['float64', 'int64', 'utf8']);
  });

  it('decides the flights-like sample and declines what only the rules can decide', () => {
    const flights = 'date,delay,distance,origin,destination\n2001-01-01 00:01:00.000,33,2176,LAS,PHL\n2001-01-01 00:01:00.000,-13,NA,ANC,LAX\n';
    expect(fastSample(flights, ',', false, DEFAULT_NULLS, () => false)?.types).toEqual(['utf8', 'int64', 'int64', 'utf8', 'utf8']);
    expect(fastSample(flights.replace(/\n/g, '\r\n'), ',', false, DEFAULT_NULLS, () => false)?.types).toEqual(['utf8', 'int64', 'int64', 'utf8', 'utf8']);
    const declined: [string, string][] = [
      ['a,b\nNA,1\n2,3\n4\n', 'a null marker first, then a ragged record'],
      ['a,b,c,d,e\nNA,NA,NA,NA,NA\n1,2,3,4,5\n', 'null markers first in more than 4 columns'],
      ['a\ntrue\nfalse\n', 'a possible bool'],
      ['a\n1234567890123456\n', 'an integer past 15 digits'],
      ['a\n 3 \n', 'an integer with spaces'],
      ['a\ninf\n', 'an infinity spelling'],
      ['a,b\n1,2\n3\n', 'a ragged record'],
      ['a,b\n1,2\n\n3,4\n', 'a blank line'],
      ['a,b\n"1",2\n', 'a quote'],
      ['a,b\n1,2\r3,4\n', 'a lone CR'],
      ['a,b\n1,2\n', 'not cut, but one record is too few to be left with a record when cut'],
      ['a,b\n1,x\n2.5,y\n', 'a later value that breaks its column'],
    ];
    for (const [text, why] of declined) {
      const truncated = why.startsWith('not cut');
      expect(
        fastSample(text, ',', truncated, DEFAULT_NULLS, () => false),
        why,
      ).toBeUndefined();
    }
    // A long field that breaks its column late is declined after linear work, not backtracking.
    const digits = '1'.repeat(20000);
    expect(fastSample(`a,b\n1.5,x\n${digits}.${digits}e${digits}x,y\n`, ',', false, DEFAULT_NULLS, () => false)).toBeUndefined();
    expect(fastSample(`a,b\n1.5,x\n${digits}.${digits},y\n`, ',', false, DEFAULT_NULLS, () => false)?.types).toEqual(['float64', 'utf8']);
    // Columns that open with null markers: typed by their first present value, float64 when none is kept.
    const leading = 'a,b,c,d\nNA,,x,\n,1.5,y,\nNA,2,,\n3,,z,\n';
    expect(fastSample(leading, ',', false, DEFAULT_NULLS, () => false)?.types).toEqual(['int64', 'float64', 'utf8', 'float64']);
    expect(fastSample(leading, ',', false, DEFAULT_NULLS, () => false)?.types).toEqual(reference(leading, ',', false, DEFAULT_NULLS).types);
    // The first present value of a is in the cut last record: none kept, float64.
    const cut = 'a,b\n,1\n,2\n7,3\n';
    expect(fastSample(cut, ',', true, DEFAULT_NULLS, () => false)?.types).toEqual(['float64', 'int64']);
    expect(reference(cut, ',', true, DEFAULT_NULLS).types).toEqual(['float64', 'int64']);
    // More records than one match call takes (4,096), up to the last: the count and the texts.
    const many = `a,b\n${Array.from({ length: 10_001 }, (_, i) => `${i === 0 ? '0.5' : i % 7 === 0 ? 'NA' : i},k${i % 13}`).join('\n')}\n`;
    const ref = reference(many, ',', false, DEFAULT_NULLS);
    const got = fastSample(many, ',', false, DEFAULT_NULLS, () => false);
    expect(got?.types).toEqual(ref.types);
    expect(got?.types).toEqual(['float64', 'utf8']);
    expect(got?.body.rows).toBe(10_001);
    expect(got?.body.columns([0, 1])).toEqual(ref.columns);
    // A header too wide for one expression: declined, not an error.
    const wide = Array.from({ length: 5000 }, (_, i) => `c${i}`);
    expect(fastSample(`${wide.join(',')}\n${wide.map((_, i) => i).join(',')}\n`, ',', false, DEFAULT_NULLS, () => false)).toBeUndefined();
    // A separator a number can hold: declined (the expression could match across it).
    expect(fastSample('a.b\n1.5\n', '.', false, DEFAULT_NULLS, () => false)).toBeUndefined();
    // Columns with a dtype given accept any field, and are left to the caller.
    expect(fastSample('a,b\ntrue,1\nx,2\n', ',', false, DEFAULT_NULLS, (n) => n === 'a')?.types).toEqual([undefined, 'int64']);
  });

  it('gives readCSV the dtypes the field-by-field rules give, on files (sampled heads and whole)', () => {
    const rnd = mulberry32(7);
    for (let t = 0; t < 60; t++) {
      const { text, sep } = generate(rnd);
      if (text.trim() === '') continue;
      const path = tmp.file(`g${t}.csv`, text);
      const bytes = Buffer.from(text);
      const sampleSize = rnd() < 0.5 ? undefined : Math.max(8, Math.floor(bytes.length * 0.7));
      // readCSV's sample: the first sampleSize bytes, more (doubling) until a line end is in it.
      let n = Math.min(sampleSize ?? bytes.length, bytes.length);
      while (n < bytes.length && !bytes.subarray(0, n).includes(10)) n = Math.min(n * 2, bytes.length);
      const head = new TextDecoder().decode(bytes.subarray(0, n), { stream: true });
      const ref = reference(head, sep, n < bytes.length, DEFAULT_NULLS);
      const dtypes = readCSV(path, { sep, sampleSize }).dtypes;
      expect(dtypes, JSON.stringify({ text, sep, sampleSize })).toEqual(Object.fromEntries(ref.names.map((name, j) => [name, ref.types[j]])));
    }
  });
});

describe('readCSV dtypes option', () => {
  it("takes only its own keys: a column named 'constructor' or 'toString' is inferred, not read as Object's", () => {
    const p = tmp.file('ctor.csv', 'constructor,toString,b\n1,x,2\n');
    // Before: "unknown dtype 'function Object() { [native code] }' for column 'constructor'".
    expect(readCSV(p, { dtypes: { b: 'float64' } }).dtypes).toEqual({ constructor: 'int64', toString: 'utf8', b: 'float64' });
    expect(readCSV(p, { dtypes: { constructor: 'float64' } }).dtypes).toEqual({ constructor: 'float64', toString: 'utf8', b: 'int64' });
  });
});

/** sniffDelimiter as it was: papaparse's guess over the same first lines. */
function referenceSniff(sample: string): string {
  let k = -1;
  for (let lines = 0; lines < 64 && k + 1 < sample.length; lines++) {
    k = sample.indexOf('\n', k + 1);
    if (k < 0) break;
  }
  const cut = k < 0 ? sample.length : Math.max(k + 1, Math.min(sample.length, 16 << 10));
  const res = Papa.parse<string[]>(sample.slice(0, cut), { preview: 20, delimitersToGuess: [',', '\t', ';', '|'] });
  return res.meta.delimiter || ',';
}

describe('sniffDelimiter without papaparse on quote-free text', () => {
  it('guesses what papaparse guesses', () => {
    const cases = ['', 'a', 'a,b', 'a;b\n1;2', 'a\tb|c\n1\t2|3\n', '\n\n\n', 'a,b\r\nc;d\r\n', 'a|b\r1|2\r', 'a,b,c\n1;2;3\n4;5;6\n', ';;;\n,,,\n'];
    for (const c of cases) expect(sniffDelimiter(c), JSON.stringify(c)).toBe(referenceSniff(c));
    const rnd = mulberry32(3);
    const pieces = ['a', '1', ',', ',', ';', ';', '\t', '|', '\n', '\n', '\r\n', '\r', ' ', '', 'xyz'];
    for (let t = 0; t < 2000; t++) {
      let text = '';
      const n = Math.floor(rnd() * 80);
      for (let i = 0; i < n; i++) text += pick(rnd, pieces);
      expect(sniffDelimiter(text), JSON.stringify(text)).toBe(referenceSniff(text));
    }
    // Longer than the 16 KiB and 64 lines the guess reads, and generated samples.
    const long = Array.from({ length: 3000 }, (_, i) => (i < 40 ? 'a;b;c' : 'a,b,c,d')).join('\n');
    expect(sniffDelimiter(long)).toBe(referenceSniff(long));
    for (let t = 0; t < 300; t++) {
      const { text } = generate(rnd);
      expect(sniffDelimiter(text), JSON.stringify(text)).toBe(referenceSniff(text));
    }
  });
});
