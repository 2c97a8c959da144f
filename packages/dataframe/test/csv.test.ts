import { describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvParseError, MissingFileError, ColumnNotFoundError, col, readCSV } from '@tsdask/dataframe';
import { tempFiles } from './temp-files.js';

const airports = fileURLToPath(new URL('../../../node_modules/vega-datasets/data/airports.csv', import.meta.url));
const tmp = tempFiles('tsdask-csv-');
const file = tmp.file;

/** Independent reference: a hand-written RFC 4180 splitter over the whole text. */
function splitCsv(text0: string, sep = ','): string[][] {
  const text = text0.replace(/^\ufeff/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), (i += 2));
      else if (c === '"') ((quoted = false), i++);
      else ((field += c), i++);
    } else if (c === '"' && field === '') ((quoted = true), i++);
    else if (c === sep) (row.push(field), (field = ''), i++);
    else if (c === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), (i += 2));
    else if (c === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else ((field += c), i++);
  }
  if (field !== '' || row.length > 0) (row.push(field), rows.push(row));
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

const NULLS = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A', '<NA>']);
function expected(text: string, types: Record<string, string>): Record<string, unknown>[] {
  const [head, ...body] = splitCsv(text);
  return body.map((r) => {
    const o: Record<string, unknown> = {};
    (head as string[]).forEach((h, j) => {
      const v = r[j];
      if (v === undefined || NULLS.has(v)) o[h] = null;
      else o[h] = types[h] === 'float64' || types[h] === 'int64' ? Number(v) : v;
    });
    return o;
  });
}

const CASES: Record<string, string> = {
  quotedCommasNewlines: 'id,name,score\n1,"Smith, J",1.5\n2,"line one\nline two",2\n3,"say ""hi""",-3.25\n',
  missing: 'id,name,score\n1,,\n2,x,NA\n,y,4\n3,z,\n',
  headerOnly: 'id,name,score\n',
  crlf: 'id,name,score\r\n1,a,1\r\n2,"b\r\nc",2\r\n3,c,3\r\n',
  bom: '\ufeffid,name,score\n1,a,0.5\n2,b,0.25\n',
  noTrailingNewline: 'id,name,score\n1,a,1\n2,b,2',
  blankLines: 'id,name,score\n1,a,1\n\n2,b,2\n\n',
  unicode: 'id,name,score\n1,Zürich,1\n2,東京,2\n3,"São, Paulo",3\n',
};
const TYPES = { id: 'int64', name: 'utf8', score: 'float64' } as const;

describe('readCSV edge cases: scanner = papaparse = reference', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, async () => {
      const p = file(`${name}.csv`, text);
      const want = expected(text, TYPES);
      for (const blocksize of [4, 9, 1 << 20]) {
        for (const engine of ['scanner', 'papaparse'] as const) {
          const df = readCSV(p, { engine, blocksize, dtypes: { ...TYPES } });
          expect(await df.toRecords({ scheduler: 'sync' })).toEqual(want);
        }
      }
    });
  }
});

function rand(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648), Math.floor(x / 65536) / 32768);
}
function awkward(seed: number): string {
  const r = rand(seed);
  const pieces = ['a', 'b,c', 'q"q', 'x\ny', 'r\r\ns', '', ' sp ', 'ü', 'long'.repeat(200)];
  const lines = ['k,t,v'];
  for (let i = 0; i < 300; i++) {
    const t = pieces[Math.floor(r() * pieces.length)] as string;
    const needs = /[",\n\r]/.test(t) || r() < 0.3;
    const field = needs ? `"${t.replace(/"/g, '""')}"` : t;
    const v = r() < 0.1 ? '' : (Math.floor(r() * 2e6) / 100 - 1e4).toString();
    lines.push(`${i},${field},${v}`);
  }
  const nl = r() < 0.5 ? '\n' : '\r\n';
  return lines.join(nl) + nl;
}

describe('generated corpus of awkward files', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: scanner = papaparse = reference, ranges split anywhere`, async () => {
      const text = awkward(seed);
      const p = file(`awk-${seed}.csv`, text);
      const want = expected(text, { k: 'int64', t: 'utf8', v: 'float64' });
      const dtypes = { k: 'int64', t: 'utf8', v: 'float64' } as const;
      const ref = await readCSV(p, { engine: 'papaparse', dtypes }).toRecords({ scheduler: 'sync' });
      expect(ref).toEqual(want);
      for (const blocksize of [37, 501, 4096]) {
        const df = readCSV(p, { blocksize, dtypes });
        expect(df.npartitions).toBeGreaterThan(1);
        expect(await df.toRecords({ scheduler: seed % 2 === 0 ? 'threads' : 'sync' })).toEqual(want);
      }
    });
  }
});

for (const scheduler of ['sync', 'threads'] as const) {
  describe(`real data (vega-datasets airports.csv) on '${scheduler}'`, () => {
    it('counts, filters and groups like a plain loop over the file', async () => {
      const rows = expected(readFileSync(airports, 'utf8'), { latitude: 'float64', longitude: 'float64' } as never);
      const df = readCSV(airports, { blocksize: 40_000 });
      expect(df.npartitions).toBeGreaterThan(3);
      expect(await df.len({ scheduler })).toBe(rows.length);
      const north = await df
        .filter(col('latitude').gt(45).and(col('country').eq('USA')))
        .select('iata')
        .toRecords({ scheduler });
      expect(north.map((r) => r['iata'])).toEqual(rows.filter((r) => (r['latitude'] as number) > 45 && r['country'] === 'USA').map((r) => r['iata']));
      const byState = await df
        .groupBy('state')
        .agg({ n: ['iata', 'size'], lat: ['latitude', 'mean'] })
        .toRecords({ scheduler });
      const m = new Map<string, number[]>();
      for (const r of rows) if (r['state'] !== null) m.set(r['state'] as string, [...(m.get(r['state'] as string) ?? []), r['latitude'] as number]);
      expect(byState.length).toBe(m.size);
      for (const g of byState) {
        const lats = m.get(g['state'] as string) as number[];
        expect(g['n']).toBe(lats.length);
        expect(g['lat'] as number).toBeCloseTo(lats.reduce((a, b) => a + b, 0) / lats.length, 9);
      }
    });
  });
}

describe('readCSV errors', () => {
  it('a malformed row names the file, line and text; skip reports the count', async () => {
    const p = file('bad.csv', 'a,b\n1,2\n3,4,5\n6,x\n7,8\n');
    await expect(readCSV(p, { dtypes: { a: 'int64', b: 'int64' } }).toRecords({ scheduler: 'sync' })).rejects.toThrow(
      /bad\.csv:3: expected 2 fields, saw 3: "3,4,5"/,
    );
    try {
      await readCSV(p, { dtypes: { a: 'int64', b: 'int64' }, blocksize: 6 }).compute({ scheduler: 'threads' });
      expect.unreachable();
    } catch (e) {
      const err = (e as Error & { cause?: unknown }).cause ?? e;
      expect(err).toBeInstanceOf(CsvParseError);
      // Ranges run in parallel: either bad row may be the one reported, with its own line.
      const { line, text } = err as CsvParseError;
      expect([3, 4]).toContain(line);
      expect(text).toBe(line === 3 ? '3,4,5' : '6,x');
    }
    for (const engine of ['scanner', 'papaparse'] as const) {
      const t = await readCSV(p, { engine, dtypes: { a: 'int64', b: 'int64' }, onBadLines: 'skip' }).compute({ scheduler: 'sync' });
      expect(t.getChild('a')?.toArray()).toEqual(BigInt64Array.from([1n, 7n]));
      expect(t.schema.metadata.get('tsdask.skippedRows')).toBe('2');
    }
  });
  it('an integer an int64 (or int32) column cannot hold exactly is an error naming it, never a rounded value', async () => {
    // 2^53 + 1 would read back as 2^53 through a float64.
    const p = file('big-int.csv', 'id,v\n1,2\n9007199254740993,3\n');
    for (const engine of ['scanner', 'papaparse'] as const) {
      await expect(readCSV(p, { engine, dtypes: { id: 'int64', v: 'int64' } }).toRecords({ scheduler: 'sync' })).rejects.toThrow(
        /big-int\.csv:3: value "9007199254740993" in column 'id' is an integer beyond 2\^53/,
      );
      await expect(readCSV(p, { engine, dtypes: { id: 'int32', v: 'int32' } }).toRecords({ scheduler: 'sync' })).rejects.toThrow(/is outside int32/);
      // As utf8 it is kept as written; the inferred type from the sample is not int64 either.
      const t = await readCSV(p, { engine, dtypes: { id: 'utf8', v: 'int64' } }).compute({ scheduler: 'sync' });
      expect(Array.from(t.getChild('id')!.toArray() as ArrayLike<string>, String)).toEqual(['1', '9007199254740993']);
    }
    // Inferred from the sample, the column is int64 too (as pandas infers it), and reading it is the same error.
    expect(readCSV(p).dtypes['id']).toBe('int64');
    await expect(readCSV(p).toRecords({ scheduler: 'sync' })).rejects.toThrow(
      /big-int\.csv:3: value "9007199254740993" in column 'id' is an integer beyond 2\^53/,
    );
  });
  it('a missing file and an unknown column are typed errors', () => {
    expect(() => readCSV(join(tmp.dir(), 'nope.csv'))).toThrow(MissingFileError);
    expect(() => readCSV(join(tmp.dir(), 'nope-*.csv'))).toThrow(MissingFileError);
    expect(() => readCSV(airports, { columns: ['iata', 'lat'] })).toThrow(ColumnNotFoundError);
  });
  it('reads only the requested columns, and sniffs the delimiter', async () => {
    const p = file('semi.csv', 'x;y;z\n1;a;2\n3;b;4\n');
    const df = readCSV(p, { columns: ['z', 'x'] });
    expect(await df.toRecords({ scheduler: 'sync' })).toEqual([
      { z: 2, x: 1 },
      { z: 4, x: 3 },
    ]);
  });
});

describe('groupBy chooses splitOut from the sample', () => {
  it('many groups: hash-shuffled output partitions; few groups: one partition; same answers', async () => {
    const lines = ['id,g,v'];
    for (let i = 0; i < 4000; i++) lines.push(`${(i * 7919) % 4000},${i % 3},${i}`);
    const p = file('many-groups.csv', lines.join('\n') + '\n');
    const df = readCSV(p, { blocksize: 8_000 });
    expect(df.npartitions).toBeGreaterThanOrEqual(4);
    const many = df.groupBy('id').agg({ s: ['v', 'sum'] });
    expect(many.npartitions).toBeGreaterThan(1);
    const got = (await many.toRecords({ scheduler: 'threads' })).sort((a, b) => (a['id'] as number) - (b['id'] as number));
    const want = new Map<number, number>();
    for (let i = 0; i < 4000; i++) want.set((i * 7919) % 4000, (want.get((i * 7919) % 4000) ?? 0) + i);
    expect(got).toEqual([...want].sort((a, b) => a[0] - b[0]).map(([id, s]) => ({ id, s })));
    expect(df.groupBy('g').agg({ s: ['v', 'sum'] }).npartitions).toBe(1);
  });
});

describe('the sample analysis is kept per unchanged file', () => {
  it('a second readCSV reuses it; a rewritten file is sampled again', async () => {
    const p = file('resample.csv', 'a,b\n1,x\n2,y\n');
    const first = readCSV(p);
    expect(first.dtypes).toEqual({ a: 'int64', b: 'utf8' });
    expect(readCSV(p).dtypes).toEqual(first.dtypes);
    // Different options are a different analysis.
    expect(readCSV(p, { dtypes: { a: 'float64' } }).dtypes).toEqual({ a: 'float64', b: 'utf8' });
    writeFileSync(p, 'a,b,c\n1.5,x,true\n2.25,y,false\n');
    const again = readCSV(p);
    expect(again.dtypes).toEqual({ a: 'float64', b: 'utf8', c: 'bool' });
    expect(await again.toRecords({ scheduler: 'sync' })).toEqual([
      { a: 1.5, b: 'x', c: true },
      { a: 2.25, b: 'y', c: false },
    ]);
  });
});
