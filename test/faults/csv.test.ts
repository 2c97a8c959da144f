/**
 * Faults of the CSV reader (issue 11), each against an independent reference: pandas' answers
 * on the same bytes (csv-pandas-ref.json, written by csv-pandas-ref.py), a hand-written splitter,
 * or values worked out from the generator.
 */
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CsvEncodingError,
  CsvParseError,
  CsvRecordTooLongError,
  EmptyDataError,
  FileChangedError,
  NotAFileError,
  col,
  readCSV,
  type DType,
} from '@tsdask/dataframe';
import '@tsdask/scheduler-local';
import { tempFiles } from '../../packages/dataframe/test/temp-files.js';

const tmp = tempFiles('tsdask-csv-faults-');
const file = (name: string, data: string | Uint8Array): string => {
  const p = join(tmp.dir(), name);
  writeFileSync(p, data);
  return p;
};

/** The error a compute failed with (a task error carries the reader's error as its cause). */
async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (e) {
    const err = e as Error & { cause?: unknown; code?: string };
    if (typeof err.code === 'string' && err.code.startsWith('TSDASK_DF')) return err;
    return err.cause instanceof Error ? err.cause : err;
  }
  throw new Error('expected the compute to fail');
}

/** Rows of a CSV text by the rule pandas follows: a quote opens a quoted field only at a field's start. */
function splitRef(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let atStart = true;
  let i = 0;
  const endRow = (): void => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    field = '';
    atStart = true;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), (i += 2));
      else if (c === '"') ((quoted = false), i++);
      else ((field += c), i++);
      continue;
    }
    if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
      i++;
      continue;
    }
    atStart = false;
    if (c === ',') (row.push(field), (field = ''), (atStart = true), i++);
    else if (c === '\r' && text[i + 1] === '\n') (endRow(), (i += 2));
    else if (c === '\n') (endRow(), i++);
    else ((field += c), i++);
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

function rand(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648), Math.floor(x / 65536) / 32768);
}

describe('range starts: a quote inside an unquoted field cannot shift where a range starts', () => {
  // The issue's 75 MB file at 64 MB ranges, scaled down: 4 MB at 64 KiB, so about 60 ranges,
  // with the one x"y field early (row 3), where it flipped the quote parity of every later range.
  const N = 120_000;
  const lines = ['id,name,v'];
  for (let i = 0; i < N; i++) lines.push(`${i},${i === 3 ? 'x"y' : `name${i % 97}_of_the_row`},${(i % 1000) / 4}`);
  const text = lines.join('\n') + '\n';
  let sumV = 0;
  for (let i = 0; i < N; i++) sumV += (i % 1000) / 4;

  it('every row, on both paths (columns built, and the fused scan-aggregate), on sync and threads', async () => {
    const p = file('x-quote-y.csv', text);
    expect(text.length).toBeGreaterThan(3_000_000);
    const df = readCSV(p, { blocksize: 64 << 10 });
    expect(df.npartitions).toBeGreaterThan(40);
    for (const scheduler of ['sync', 'threads'] as const) {
      expect(await df.len({ scheduler })).toBe(N);
      // The fused scan and partial aggregate (readCsvAggregate) reads the ranges its own way.
      const groups = await df
        .groupBy('name')
        .agg({ n: ['id', 'count'], s: ['id', 'sum'], sv: ['v', 'sum'] })
        .toRecords({ scheduler });
      expect(groups.length).toBe(98);
      expect(groups.reduce((a, g) => a + (g['n'] as number), 0)).toBe(N);
      expect(groups.reduce((a, g) => a + (g['s'] as number), 0)).toBe((N * (N - 1)) / 2);
      expect(groups.reduce((a, g) => a + (g['sv'] as number), 0)).toBeCloseTo(sumV, 6);
      expect(groups.find((g) => g['name'] === 'x"y')).toEqual({ name: 'x"y', n: 1, s: 3, sv: 0.75 });
    }
    const got = await df.filter(col('id').lt(6)).toRecords({ scheduler: 'sync' });
    expect(got.map((r) => r['name'])).toEqual(['name0_of_the_row', 'name1_of_the_row', 'name2_of_the_row', 'x"y', 'name4_of_the_row', 'name5_of_the_row']);
  });

  it('a generated corpus of mid-field quotes, escapes and quoted newlines: the reference rows, ranges cut anywhere', async () => {
    const unquoted = ['a', 'x"y', 'ab"', 'a""b', 'q"q"q', 'z"', 'plain text', ''];
    const quoted = ['a,b', 'x\ny', 'say "hi"', '', '"', 'r\r\ns', '"\n"', 'e,"f'];
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      const r = rand(seed);
      const nl = seed % 2 === 0 ? '\r\n' : '\n';
      const out = ['k,t,u'];
      for (let i = 0; i < 400; i++) {
        const field = (): string => {
          if (r() < 0.5) return unquoted[Math.floor(r() * unquoted.length)] as string;
          return `"${(quoted[Math.floor(r() * quoted.length)] as string).replace(/"/g, '""')}"`;
        };
        out.push(`${i},${field()},${field()}`);
      }
      const text2 = out.join(nl) + nl;
      const p = file(`corpus-${seed}.csv`, text2);
      const [, ...body] = splitRef(text2);
      const want = body.map((row) => ({ k: Number(row[0]), t: row[1] === '' ? null : row[1], u: row[2] === '' ? null : row[2] }));
      const dtypes = { k: 'int64', t: 'utf8', u: 'utf8' } as const;
      expect(await readCSV(p, { engine: 'papaparse', dtypes }).toRecords({ scheduler: 'sync' })).toEqual(want);
      for (const blocksize of [7, 61, 333, 2048, 1 << 20]) {
        const got = await readCSV(p, { blocksize, dtypes }).toRecords({ scheduler: 'sync' });
        expect(got.length).toBe(want.length);
        expect(got).toEqual(want);
      }
    }
  });
});

describe("onBadLines: 'skip' drops exactly the rows it counts", () => {
  it('an opening quote never closed (row 100 of 20,000) is an error even with skip, on both engines, across ranges', async () => {
    const lines = ['id,name'];
    for (let i = 0; i < 20_000; i++) lines.push(i === 99 ? `${i},"never closed` : `${i},n${i}`);
    const p = file('unclosed.csv', lines.join('\n') + '\n');
    for (const engine of ['scanner', 'papaparse'] as const) {
      for (const blocksize of [16 << 10, 1 << 24]) {
        const err = await failure(() => readCSV(p, { engine, blocksize, onBadLines: 'skip' }).compute({ scheduler: 'sync' }));
        expect(err).toBeInstanceOf(CsvParseError);
        expect((err as CsvParseError).line).toBe(101);
        expect(err.message).toMatch(/unclosed\.csv:101: unterminated quoted field/);
        // The error holds the start of the record, not the rest of the file.
        expect((err as CsvParseError).text).toMatch(/^99,"?never closed\n100,n100\n/);
        expect((err as CsvParseError).text.length).toBeLessThanOrEqual(4096);
      }
    }
  });
  it('text after a closing quote: the scanner skips that one row; papaparse, which loses the rest of the file there, is an error', async () => {
    const p = file('after-quote.csv', 'a,b\n1,"a"b\n2,3\n4,5\n');
    const t = await readCSV(p, { onBadLines: 'skip', dtypes: { a: 'int64', b: 'utf8' } }).compute({ scheduler: 'sync' });
    expect(Array.from(t.getChild('a')!.toArray() as BigInt64Array, Number)).toEqual([2, 4]);
    expect(t.schema.metadata.get('tsdask.skippedRows')).toBe('1');
    const err = await failure(() => readCSV(p, { engine: 'papaparse', onBadLines: 'skip', dtypes: { a: 'int64', b: 'utf8' } }).compute({ scheduler: 'sync' }));
    expect(err).toBeInstanceOf(CsvParseError);
    expect(err.message).toMatch(/after-quote\.csv:2: text after a closing quote, after which the papaparse engine cannot tell where the row ends/);
  });
  it('malformed rows in many ranges: the rows kept are all the good ones, skippedRows the bad ones', async () => {
    const lines = ['a,b'];
    let bad = 0;
    let sum = 0;
    let good = 0;
    for (let i = 0; i < 5000; i++) {
      if (i % 37 === 5) {
        lines.push(`${i},1,extra`);
        bad++;
      } else {
        lines.push(`${i},${i % 7}`);
        sum += i;
        good++;
      }
    }
    const p = file('bad-rows.csv', lines.join('\n') + '\n');
    for (const engine of ['scanner', 'papaparse'] as const) {
      const t = await readCSV(p, { engine, blocksize: 4096, onBadLines: 'skip' }).compute({ scheduler: 'sync' });
      expect(t.numRows).toBe(good);
      expect(t.schema.metadata.get('tsdask.skippedRows')).toBe(String(bad));
      let s = 0;
      for (const v of t.getChild('a')!.toArray() as BigInt64Array) s += Number(v);
      expect(s).toBe(sum);
    }
  });
});

interface PandasCase {
  bytes: string;
  options: { encoding?: string };
  columns: string[];
  dtypes: string[];
  rows: unknown[][];
}
const ref = JSON.parse(readFileSync(fileURLToPath(new URL('./csv-pandas-ref.json', import.meta.url)), 'utf8')) as Record<string, PandasCase>;
const DTYPE_OF: Record<string, DType> = { int64: 'int64', float64: 'float64', object: 'utf8' };
/**
 * Our dtype for pandas' column j. pandas has no missing integers by default, so it reads integers
 * with a missing value as float64; our int64 columns hold nulls, so such a column stays int64.
 */
function dtypeOf(c: PandasCase, j: number): DType {
  const vals = c.rows.map((r) => r[j]);
  const intsWithNull = vals.some((v) => v === null) && vals.every((v) => v === null || Number.isInteger(v));
  return c.dtypes[j] === 'float64' && intsWithNull ? 'int64' : (DTYPE_OF[c.dtypes[j] as string] as DType);
}

/** A reference cell as a value: infinities come as { float: 'inf' | '-inf' } (JSON has none). */
function fromRef(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && 'float' in v) return (v as { float: string }).float === 'inf' ? Infinity : -Infinity;
  return v;
}

describe('pandas on the same bytes (csv-pandas-ref.json)', () => {
  for (const [name, c] of Object.entries(ref)) {
    it(name, async () => {
      const p = file(`pandas-${name}.csv`, Buffer.from(c.bytes, 'base64'));
      const want = c.rows.map((r) => Object.fromEntries(c.columns.map((h, j) => [h, fromRef(r[j])])));
      for (const engine of ['scanner', 'papaparse'] as const) {
        for (const blocksize of [16, 1 << 20]) {
          const df = readCSV(p, { engine, blocksize, ...c.options });
          expect(df.dtypes).toEqual(Object.fromEntries(c.columns.map((h, j) => [h, dtypeOf(c, j)])));
          expect(await df.toRecords({ scheduler: 'sync' })).toEqual(want);
        }
      }
    });
  }
});

describe('infinities', () => {
  it("cast of the text to float64 agrees with the reader on pandas' infinity spellings", async () => {
    const c = ref['inf-spellings'] as PandasCase;
    const p = file('inf-cast.csv', Buffer.from(c.bytes, 'base64'));
    for (const engine of ['scanner', 'papaparse'] as const) {
      const read = await readCSV(p, { engine }).toRecords({ scheduler: 'sync' });
      const cast = await readCSV(p, { engine, dtypes: { f: 'utf8' } })
        .withColumns({ f: col('f').cast('float64') })
        .toRecords({ scheduler: 'sync' });
      expect(cast.map((r) => r.f)).toEqual(read.map((r) => r.f));
      expect(read.map((r) => r.f)).toEqual(c.rows.map((r) => fromRef(r[0])));
    }
  });
  it("with dtypes float64, a text that is not one of pandas' spellings is an error naming it", async () => {
    const p = file('inf-bad.csv', 'f\n1.5\ninf\ninfin\n');
    for (const engine of ['scanner', 'papaparse'] as const) {
      const err = await failure(() => readCSV(p, { engine, dtypes: { f: 'float64' } }).toRecords({ scheduler: 'sync' }));
      expect(err).toBeInstanceOf(CsvParseError);
      expect((err as CsvParseError).line).toBe(4);
      expect(err.message).toContain('"infin"');
    }
  });
});

describe('encodings', () => {
  it('Latin-1 bytes read as UTF-8 are an error naming the file and line, never U+FFFD', async () => {
    const lines = ['id,name'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},${i === 2500 ? 'Jos\u00e9' : 'ascii'}`);
    const bytes = Buffer.from(lines.join('\n') + '\n', 'latin1');
    const p = file('latin1-late.csv', bytes);
    // Past the sample, in a later range: the scanner finds it, on both schedulers.
    for (const scheduler of ['sync', 'threads'] as const) {
      const err = await failure(() => readCSV(p, { blocksize: 4096, sampleSize: 1024 }).compute({ scheduler }));
      expect(err).toBeInstanceOf(CsvEncodingError);
      expect((err as CsvEncodingError).line).toBe(2502);
      expect(err.message).toMatch(/latin1-late\.csv:2502: .*not valid UTF-8.*encoding: 'latin1'/);
    }
    // In the sample: readCSV itself says so. Through papaparse: the same error.
    expect(() => readCSV(p)).toThrow(CsvEncodingError);
    const err = await failure(() => readCSV(p, { engine: 'papaparse', sampleSize: 1024 }).compute({ scheduler: 'sync' }));
    expect(err).toBeInstanceOf(CsvEncodingError);
    expect((err as CsvEncodingError).line).toBe(2502);
    // With the encoding given: the text as written.
    const t = await readCSV(p, { encoding: 'latin1' }).filter(col('id').eq(2500)).toRecords({ scheduler: 'sync' });
    expect(t).toEqual([{ id: 2500, name: 'Jos\u00e9' }]);
  });
  it('an unknown encoding is a typed error', () => {
    const p = file('enc.csv', 'a\n1\n');
    expect(() => readCSV(p, { encoding: 'no-such-encoding' })).toThrow(/unknown encoding 'no-such-encoding'/);
  });
});

describe('files that change between readCSV() and compute()', () => {
  it('a rewritten file (columns swapped, rows dropped) is a FileChangedError, not the old schema', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 2000; i++) lines.push(`${i},x${i}`);
    const p = file('changing.csv', lines.join('\n') + '\n');
    const df = readCSV(p, { blocksize: 4096 });
    expect(await df.len({ scheduler: 'sync' })).toBe(2000);
    writeFileSync(p, 'b,a\nx1,1\n');
    for (const scheduler of ['sync', 'threads'] as const) {
      const err = await failure(() => df.compute({ scheduler }));
      expect(err).toBeInstanceOf(FileChangedError);
      expect((err as FileChangedError).code).toBe('TSDASK_DF_FILE_CHANGED');
      expect(err.message).toMatch(/changing\.csv' changed after it was planned/);
    }
    expect(await readCSV(p).toRecords({ scheduler: 'sync' })).toEqual([{ b: 'x1', a: 1 }]);
  });
  it('the same size with a new modification time is a change too', async () => {
    const p = file('touched.csv', 'a,b\n1,2\n');
    const df = readCSV(p, { engine: 'papaparse' });
    const st = statSync(p);
    writeFileSync(p, 'a,b\n3,4\n');
    utimesSync(p, st.atime, new Date(st.mtimeMs + 5000));
    expect(await failure(() => df.compute({ scheduler: 'sync' }))).toBeInstanceOf(FileChangedError);
  });
});

describe('integers', () => {
  it('an inferred int64 column does not take 0x10 past its sample: an error naming file, line and column', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 400; i++) lines.push(`${i === 300 ? '0x10' : i},${i}`);
    const p = file('hex-late.csv', lines.join('\n') + '\n');
    const df = readCSV(p, { sampleSize: 256 });
    expect(df.dtypes['a']).toBe('int64');
    const err = await failure(() => df.compute({ scheduler: 'sync' }));
    expect(err).toBeInstanceOf(CsvParseError);
    expect(err.message).toMatch(/hex-late\.csv:302: value "0x10" in column 'a' is not int64/);
  });
  it('dtypes int64, int32 and float64 refuse 0x10, 0b11 and 0o7 (pandas: invalid literal), on both engines', async () => {
    for (const v of ['0x10', '0b11', '0o7', '-0x1']) {
      const p = file('hex-typed.csv', `a,b\n1,2\n${v},3\n`);
      for (const engine of ['scanner', 'papaparse'] as const) {
        for (const t of ['int64', 'int32', 'float64'] as const) {
          const err = await failure(() => readCSV(p, { engine, dtypes: { a: t } }).compute({ scheduler: 'sync' }));
          expect(err).toBeInstanceOf(CsvParseError);
          expect(err.message).toContain(`hex-typed.csv:3: value ${JSON.stringify(v)} in column 'a' is not ${t}`);
        }
      }
    }
  });
  it('an integer past 2^53 in the schema sample is an error naming file, line and column, never rounded', async () => {
    const p = file('big-sample.csv', 'id,v\n1,2\n9007199254740993,3\n');
    expect(readCSV(p).dtypes['id']).toBe('int64');
    const err = await failure(() => readCSV(p).compute({ scheduler: 'sync' }));
    expect(err.message).toMatch(/big-sample\.csv:3: value "9007199254740993" in column 'id' is an integer beyond 2\^53/);
    // Past uint64 pandas reads strings; so do we.
    const q = file('huge-sample.csv', 'id\n1\n100000000000000000000\n');
    expect(await readCSV(q).toRecords({ scheduler: 'sync' })).toEqual([{ id: '1' }, { id: '100000000000000000000' }]);
  });
});

describe('damaged inputs', () => {
  it('a 0-byte file is an EmptyDataError naming it; a directory is a NotAFileError', () => {
    const p = file('empty.csv', '');
    expect(() => readCSV(p)).toThrow(EmptyDataError);
    expect(() => readCSV(p)).toThrow(/No columns to parse from file '.*empty\.csv'/);
    // Only blank lines, a BOM, spaces: pandas says the same (EmptyDataError).
    for (const [name, text] of [
      ['blank.csv', '\n\n'],
      ['bom-only.csv', '\ufeff'],
      ['spaces.csv', '  \n'],
    ]) {
      expect(() => readCSV(file(name as string, text as string))).toThrow(EmptyDataError);
    }
    const d = join(tmp.dir(), 'a-dir.csv');
    mkdirSync(d);
    expect(() => readCSV(d)).toThrow(NotAFileError);
    expect(() => readCSV(d)).toThrow(/a-dir\.csv' is a directory, not a file/);
  });
  it('a record longer than maxRecordSize is a typed error naming the file and line (the 2 GiB line, scaled down)', async () => {
    const long = 'y'.repeat(300_000);
    const lines = ['a,b'];
    for (let i = 0; i < 100; i++) lines.push(`${i},${i === 60 ? long : 'x'}`);
    const p = file('long-line.csv', lines.join('\n') + '\n');
    for (const blocksize of [1 << 12, 1 << 24]) {
      const err = await failure(() => readCSV(p, { maxRecordSize: 200_000, blocksize }).compute({ scheduler: 'sync' }));
      expect(err).toBeInstanceOf(CsvRecordTooLongError);
      expect((err as CsvRecordTooLongError).line).toBe(62);
      expect(err.message).toMatch(/long-line\.csv:62: a record there is longer than 200000 bytes/);
    }
    // Under the limit it is read.
    expect(await readCSV(p, { maxRecordSize: 400_000 }).len({ scheduler: 'sync' })).toBe(100);
    // A first line (the header) longer than the limit: readCSV says so.
    const q = file('long-header.csv', `${'h'.repeat(300_000)},b\n1,2\n`);
    expect(() => readCSV(q, { maxRecordSize: 200_000 })).toThrow(CsvRecordTooLongError);
    // A header longer than the sample is read whole.
    expect(readCSV(q, { sampleSize: 1024 }).dtypes).toEqual({ ['h'.repeat(300_000)]: 'int64', b: 'int64' });
  });
});
