/**
 * The WebAssembly record walk (io/csv-wasm-walk.ts, io/csv-wasm-scan.ts) against the JavaScript
 * walk it replaces (the compiled one, itself checked against papaparse in csv-compiled.test.ts),
 * on seeded random texts full of what makes a walk stop or hand a field on: integers of 1 to 17
 * digits, signs alone, '+', exponents, spaces, null markers and empty fields in integer columns
 * (fix-ups, more than one call's worth), floats, dates, short, long and multi-byte strings,
 * records with too many or too few fields, lone CRs, CRLF, blank lines, in many byte ranges and
 * projections; with bad lines skipped and as errors. And the walk's own module against a plain
 * loop over the bytes.
 */
import { describe, expect, it } from 'vitest';
import { readCSV, type DType } from '@tsdask/dataframe';
import { useWasmWalk } from '@tsdask/dataframe/io';
import { mulberry32 as rng } from '../../../test/support/seeded-random.js';
import { tempFiles } from './temp-files.js';
import { useWasmWalk as useWasmWalkHere, wasmScanFor } from '../src/io/csv-wasm-scan.js';
import { scanCsvRange } from '../src/io/csv-scan.js';
import type { CsvRangeSpec } from '../src/io/csv-range-spec.js';
import { delimiterMasks } from '../src/io/delimiter-masks.js';
import { F_DATE, F_FLOAT, F_GENERAL, F_INT, F_INT32, F_SKIP, F_TIMESTAMP, F_UTF8, type PlainPlan } from '../src/io/csv-fast.js';

const tmp = tempFiles('tsdask-csv-wasm-');
const NAMES = ['a', 's', 'f', 'b', 't', 'd'];
const DTYPES: Record<string, DType> = { a: 'int64', s: 'utf8', f: 'float64', b: 'int64', t: 'utf8', d: 'date' };

function digits(r: () => number, k: number): string {
  let out = String(1 + Math.floor(r() * 9));
  while (out.length < k) out += String(Math.floor(r() * 10));
  return out;
}

/** An integer field: mostly plain, sometimes anything the walk must hand on or stop at. */
function intField(r: () => number): string {
  const x = r();
  if (x < 0.96) return (r() < 0.3 ? '-' : '') + digits(r, 1 + Math.floor(r() * 6));
  const odd = [
    '',
    'NA',
    'N/A',
    'nan',
    '-nan',
    '-',
    '+5',
    '1e3',
    ' 7',
    '007',
    '-0',
    '1.5',
    'x',
    digits(r, 15),
    '-' + digits(r, 15),
    digits(r, 16),
    digits(r, 17),
  ];
  return odd[Math.floor(r() * odd.length)] as string;
}

function pick<T>(r: () => number, xs: T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** Mostly `plain()`, one time in 25 a pick of `odd`. */
function field(r: () => number, plain: () => string, odd: string[]): string {
  return r() < 0.96 ? plain() : pick(r, odd);
}

/** One record (its fields joined, sometimes too many or too few) and its line end. */
function record(r: () => number, crlf: number, loneCr: boolean): string {
  const fields = [
    intField(r),
    field(r, () => pick(r, ['ATL', 'x', 'abcd', 'abcde', 'é', 'ü€', 'a much longer text value', '12']), loneCr ? ['', 'NA', 'lone\rcr'] : ['', 'NA']),
    field(r, () => String(Math.round((r() * 2000 - 1000) * 1000) / 1000), ['', 'NA', '1e5', 'inf', '3.', '.5']),
    intField(r),
    field(r, () => pick(r, ['ab', 'abc', 'zzzzzzzzzz']), ['', 'n/a']),
    field(
      r,
      () => `200${Math.floor(r() * 10)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 10)}`,
      loneCr ? ['', 'NA', '2001-13-01', '2001-02-30', 'x\ry'] : ['', 'NA', '2001-13-01', '2001-02-30'],
    ),
  ];
  const eol = r() < crlf ? '\r\n' : '\n';
  const y = r();
  if (y < 0.003) fields.push(pick(r, ['extra', '']));
  else if (y < 0.006) return fields.slice(0, 1 + Math.floor(r() * 5)).join(',') + eol + fields.slice(0, 1 + Math.floor(r() * 5)).join(',') + eol;
  else if (y < 0.008) return eol;
  return fields.join(',') + eol;
}

function text(seed: number, rows: number, crlf: number): string {
  const r = rng(seed);
  let out = NAMES.join(',') + '\n';
  // No lone CR in the first 256 KB: the schema sample would send the file to papaparse.
  for (let k = 0; k < rows; k++) out += record(r, crlf, out.length > 300_000);
  return out;
}

const PROJECTIONS: (string[] | undefined)[] = [undefined, ['a'], ['b', 's'], ['f', 'a'], ['d', 't', 'b'], ['s']];

/** The records (or the error's name, line and message) of one reading. */
async function outcome(path: string, wasm: boolean, opts: Record<string, unknown>): Promise<unknown> {
  useWasmWalk(wasm);
  try {
    return await readCSV(path, { dtypes: DTYPES, ...opts }).toRecords({ scheduler: 'sync' });
  } catch (e) {
    const err = ((e as { cause?: unknown }).cause ?? e) as Error & { line?: number };
    return { error: err.name, line: err.line, message: err.message };
  } finally {
    useWasmWalk(true);
  }
}

describe('WebAssembly record walk = JavaScript walk', () => {
  for (const [seed, crlf] of [
    [1, 0],
    [2, 1],
    [3, 0.5],
  ] as const) {
    it(`seed ${seed}, ${crlf === 0 ? 'LF' : crlf === 1 ? 'CRLF' : 'mixed line ends'}: every projection, bad lines skipped and as errors, one range and many`, async () => {
      const p = tmp.file(`w-${seed}.csv`, text(seed, 12_000, crlf));
      for (const columns of PROJECTIONS) {
        for (const onBadLines of ['skip', 'error'] as const) {
          for (const blocksize of [20_000, 1 << 22]) {
            const opts = { blocksize, onBadLines, ...(columns === undefined ? {} : { columns }) };
            const want = await outcome(p, false, opts);
            const got = await outcome(p, true, opts);
            expect(got, JSON.stringify(opts)).toEqual(want);
          }
        }
      }
    });
  }

  it('many fix-ups and records per read buffer (more than one call of the walk takes): empty and NA integers', async () => {
    const r = rng(9);
    const lines = ['a,b'];
    for (let k = 0; k < 50_000; k++) lines.push(`${pick(r, ['', 'NA', String(k)])},${pick(r, ['', String(k % 7)])}`);
    const p = tmp.file('fixups.csv', lines.join('\n') + '\n');
    const want = lines.slice(1).map((l) => {
      const [a, b] = l.split(',') as [string, string];
      return { a: a === '' || a === 'NA' ? null : Number(a), b: b === '' ? null : Number(b) };
    });
    expect(await outcome(p, true, { dtypes: { a: 'int64', b: 'int64' } })).toEqual(want);
  });

  it('plain integers of 1 to 15 digits, signed, at every offset of the 64-byte masks, equal Number() of their text', async () => {
    const r = rng(13);
    const lines = ['x,y,z'];
    const want: { x: number; y: string; z: number }[] = [];
    for (let k = 0; k < 30_000; k++) {
      const x = (r() < 0.5 ? '-' : '') + digits(r, 1 + (k % 15));
      const y = 'p'.repeat(k % 70);
      const z = digits(r, 1 + ((k * 7) % 15));
      lines.push(`${x},${y},${z}`);
      want.push({ x: Number(x), y, z: Number(z) });
    }
    const p = tmp.file('digits.csv', lines.join('\n') + '\n');
    const got = await outcome(p, true, { dtypes: { x: 'int64', y: 'utf8', z: 'int64' }, nullValues: [] });
    expect(got).toEqual(want.map((o) => ({ ...o, y: o.y })));
  });

  it('is made for layouts of every kind and separator (a module that failed to compile would leave the JavaScript walk running, unseen)', () => {
    const masks = delimiterMasks();
    expect(masks).toBeDefined();
    const kinds = [F_SKIP, F_INT, F_UTF8, F_FLOAT, F_INT32, F_DATE, F_TIMESTAMP, F_GENERAL];
    for (const sep of [44, 9, 59, 124]) {
      for (let ncols = 1; ncols <= 9; ncols++) {
        const kind = Uint8Array.from({ length: ncols }, (_, c) => kinds[(c * 3 + sep + ncols) % kinds.length] as number);
        if (kind.every((k) => k === F_SKIP)) kind[0] = F_INT;
        let q = 0;
        const slot = Int32Array.from(kind, (k) => (k === F_SKIP ? -1 : q++));
        const plan: PlainPlan = { sep, ncols, kind, slot, markers: [], nullFirst: new Int32Array(256), emptyIsNull: true, interners: [], dayFirst: false };
        expect(wasmScanFor(plan, masks!), `${sep} ${kind.join(',')}`).toBeTypeOf('function');
      }
    }
  });

  it('batches handed to a sink write every row whole: a null is value 0 and valid 0 in each batch, though the arrays are reused unzeroed', () => {
    // Nulls fall on rows of a batch that held values in the batch before (batches of 16: the
    // builders' least capacity). In the second text every string is quoted: past 256 records
    // the scanner leaves the fast path, and the general path pushes the nulls.
    const texts = [false, true].map((quoted) => {
      const lines = ['a,s,f'];
      for (let k = 0; k < 400; k++) {
        const nul = Math.floor(k / 16) % 2 === 1 && k % 5 !== 0;
        const str = quoted ? `"s${k % 5}"` : `s${k % 5}`;
        lines.push(nul ? (k % 2 === 0 || quoted ? ',"NA",NA' : ',,NA') : `${k + 1},${str},${k + 0.5}`);
      }
      return new TextEncoder().encode(lines.join('\n') + '\n');
    });
    const spec: CsvRangeSpec = {
      file: 'mem.csv',
      start: 0,
      end: 0,
      size: 0,
      header: true,
      sep: ',',
      names: ['a', 's', 'f'],
      types: ['int64', 'utf8', 'float64'],
      want: [0, 1, 2],
      nullValues: ['', 'NA'],
      onBadLines: 'error',
      estRows: 7,
      mtime: 0,
      maxRecord: 1 << 20,
      encoding: 'utf-8',
    };
    for (const [text, wasm] of texts.flatMap((t) => [true, false].map((w) => [t, w] as const))) {
      const read = (b: Uint8Array, o: number, l: number, at: number): number => {
        const part = text.subarray(at, at + l);
        b.set(part, o);
        return part.length;
      };
      useWasmWalkHere(wasm);
      try {
        let row = 0;
        let batches = 0;
        scanCsvRange({ ...spec, end: text.length, size: text.length }, read, 0, text.length, {
          rows: 7,
          take: (batch) => {
            batches++;
            for (let i = 0; i < batch.length; i++, row++) {
              const nul = Math.floor(row / 16) % 2 === 1 && row % 5 !== 0;
              for (const c of batch.columns) {
                expect(c.valid?.[i] ?? 1, `row ${row}`).toBe(nul ? 0 : 1);
                if (nul) expect(c.values[i], `row ${row}`).toBe(0);
              }
              if (!nul) expect(batch.columns[0]?.values[i]).toBe(row + 1);
            }
          },
        });
        expect(row).toBe(400);
        expect(batches).toBeGreaterThan(20);
      } finally {
        useWasmWalkHere(true);
      }
    }
  });
});
