/**
 * The fast path compiled per column layout (io/csv-fast-compiled.ts) against papaparse, and
 * against the generic walk it unrolls, on seeded random texts: quoted fields with separators,
 * newlines and "" inside, empty fields, CRLF, a last line without a newline, records of the
 * wrong length, and files built so that the first 64 KiB read buffer ends inside a quoted
 * field, and between the CR and the LF of a line end. Every projection of the columns (the
 * others are skipped by the compiled code without being converted). And the seed run of a new
 * walk (its rare branches taken once, for V8's type feedback) leaves the real plan untouched.
 */
import { describe, expect, it } from 'vitest';
import { readCSV, type DType } from '@tsdask/dataframe';
import { useCompiledScan } from '@tsdask/dataframe/io';
import { mulberry32 as rng } from '../../../test/support/seeded-random.js';
import { tempFiles } from './temp-files.js';
import { plainScanFor } from '../src/io/csv-fast-compiled.js';
import { F_DATE, F_FLOAT, F_INT, F_INT32, F_SKIP, F_UTF8, scanPlain, type PlainPlan } from '../src/io/csv-fast.js';
import { ByteInterner } from '../src/io/byte-interner.js';

const tmp = tempFiles('tsdask-csv-compiled-');
const BUFFER = 64 << 10;
const NAMES = ['i', 'q', 'f', 's', 'k'];
const DTYPES: Record<string, DType> = { i: 'int64', q: 'utf8', f: 'float64', s: 'utf8', k: 'int32' };

/** One random record's fields (quoted where a field needs it). */
function record(r: () => number, row: number): string[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const quoted = pick(['plain', 'a,b', 'two\nlines', 'cr\r\nlf', 'say ""hi""', '', ',', 'x'.repeat(1 + Math.floor(r() * 80))]);
  return [
    r() < 0.05 ? '' : String(Math.floor(r() * 2000) - 1000),
    r() < 0.3 ? `"${quoted}"` : pick(['ATL', 'LAS', '', 'NA', 'long text value']),
    r() < 0.05 ? '' : String(Math.round((r() * 200 - 100) * 100) / 100),
    pick(['a', 'bb', 'ccc', 'dddd', 'eeeee', '', 'ü', 'N/A']),
    String(row % 97),
  ];
}

/**
 * A random CSV text of `rows` records (eol between them; none after the last when `noLastEol`),
 * with a record crafted at byte BUFFER - 1 so that the first read buffer ends inside a quoted
 * field ('quote') or between a CR and its LF ('crlf'), when `cut` says so.
 */
function text(seed: number, rows: number, eol: string, noLastEol: boolean, cut?: 'quote' | 'crlf'): string {
  const r = rng(seed);
  let out = NAMES.join(',') + eol;
  for (let row = 0; row < rows; row++) {
    if (cut !== undefined && out.length > BUFFER - 400 && out.length < BUFFER) {
      // Pad a quoted field so that the cut falls where asked.
      const head = `${row},"`;
      if (cut === 'quote') {
        const pad = 'p'.repeat(BUFFER - out.length - head.length - 5);
        out += `${head}${pad},x,y\nz",1.5,abc,${row % 97}${eol}`;
      } else {
        const tail = `",2.5,abc,${row % 97}`;
        out += `${head}${'p'.repeat(BUFFER - 1 - out.length - head.length - tail.length)}${tail}\r\n`;
      }
      continue;
    }
    out += record(r, row).join(',') + (row === rows - 1 && noLastEol ? '' : eol);
  }
  return out;
}

/** The projections read: all columns, each one alone, and some pairs. */
const PROJECTIONS: (string[] | undefined)[] = [undefined, ['i'], ['q'], ['f'], ['s'], ['k'], ['i', 's'], ['k', 'q'], ['f', 'i']];

async function expectSameAsPapaparse(path: string): Promise<void> {
  const ref = await readCSV(path, { engine: 'papaparse', dtypes: DTYPES }).toRecords({ scheduler: 'sync' });
  for (const compiled of [true, false]) {
    useCompiledScan(compiled);
    try {
      for (const columns of PROJECTIONS) {
        for (const blocksize of [30_000, 1 << 22]) {
          const got = await readCSV(path, { blocksize, dtypes: DTYPES, ...(columns === undefined ? {} : { columns }) }).toRecords({ scheduler: 'sync' });
          const want = columns === undefined ? ref : ref.map((o) => Object.fromEntries(columns.map((c) => [c, o[c]])));
          expect(got, `${columns?.join(',') ?? 'all'}, blocksize ${blocksize}, compiled ${compiled}`).toEqual(want);
        }
      }
    } finally {
      useCompiledScan(true);
    }
  }
}

describe('compiled fast path = papaparse', () => {
  for (const [seed, eol, noLastEol] of [
    [1, '\n', false],
    [2, '\r\n', false],
    [3, '\n', true],
    [4, '\r\n', true],
  ] as const) {
    it(`seed ${seed}, ${eol === '\n' ? 'LF' : 'CRLF'}${noLastEol ? ', no newline after the last line' : ''}`, async () => {
      await expectSameAsPapaparse(tmp.file(`c-${seed}.csv`, text(seed, 4000, eol, noLastEol)));
    });
  }

  it('the first read buffer ends inside a quoted field', async () => {
    const t = text(5, 3000, '\n', false, 'quote');
    const before = t.slice(0, BUFFER);
    expect((before.match(/"/g) ?? []).length % 2).toBe(1); // the cut is inside quotes
    await expectSameAsPapaparse(tmp.file('cut-quote.csv', t));
  });

  it('the first read buffer ends between a CR and its LF', async () => {
    const t = text(6, 3000, '\r\n', false, 'crlf');
    expect(t.charCodeAt(BUFFER - 1)).toBe(13);
    expect(t.charCodeAt(BUFFER)).toBe(10);
    await expectSameAsPapaparse(tmp.file('cut-crlf.csv', t));
  });

  it('a record with too many fields is the same error on the compiled path, with its line; a short one is read as papaparse reads it', async () => {
    const lines = ['i,q,f,s,k', ...Array.from({ length: 200 }, (_, j) => `${j},a,1.5,s,${j}`)];
    lines.splice(150, 0, '1,a,2.5,x,3,extra');
    const p = tmp.file('too-many.csv', lines.join('\n') + '\n');
    for (const columns of [undefined, ['i'], ['k']]) {
      const err = await readCSV(p, { dtypes: DTYPES, ...(columns === undefined ? {} : { columns }) })
        .toRecords({ scheduler: 'sync' })
        .catch((e: unknown) => (e as { cause?: unknown }).cause ?? e);
      expect((err as Error).name).toBe('CsvParseError');
      expect((err as { line?: number }).line).toBe(151);
      expect((err as { text?: string }).text).toBe('1,a,2.5,x,3,extra');
    }
    lines.splice(150, 1, '1,a,2.5');
    await expectSameAsPapaparse(tmp.file('short.csv', lines.join('\n') + '\n'));
  });
});

describe('the seed run of a new compiled walk', () => {
  it('leaves the plan it was compiled for as it was (both walks, with masks and without): no string in its interners, the same markers and tables', () => {
    // A layout no other test uses (7 columns), so that this call compiles and seeds it.
    const kind = Uint8Array.from([F_INT, F_UTF8, F_SKIP, F_FLOAT, F_DATE, F_UTF8, F_INT32]);
    const slot = Int32Array.from([0, 1, -1, 2, 3, 4, 5]);
    const nullFirst = new Int32Array(256);
    nullFirst[78] = 1 << 2; // 'NA'
    const interners = [undefined, new ByteInterner(), undefined, undefined, new ByteInterner(), undefined];
    const plan: PlainPlan = {
      sep: 59,
      ncols: 7,
      kind,
      slot,
      markers: [new TextEncoder().encode('NA')],
      nullFirst,
      emptyIsNull: false,
      interners,
      dayFirst: false,
    };
    const copy = { ...plan, kind: kind.slice(), slot: slot.slice(), nullFirst: nullFirst.slice() };
    expect(plainScanFor(plan, true)).not.toBe(scanPlain);
    expect(plainScanFor(plan, false)).not.toBe(scanPlain);
    expect(plan.interners[1]?.dict).toEqual([]);
    expect(plan.interners[4]?.dict).toEqual([]);
    expect(plan.interners).toBe(interners);
    expect(plan.emptyIsNull).toBe(false);
    expect(plan.kind).toEqual(copy.kind);
    expect(plan.slot).toEqual(copy.slot);
    expect(plan.nullFirst).toEqual(copy.nullFirst);
  });
});

describe('short strings and integers read by one 4-byte load', () => {
  it('1 to 4 byte strings (multi-byte UTF-8 included) and integers of 1 to 5 digits, signed, at every offset of many read buffers equal a plain split of the text', async () => {
    const r = rng(21);
    const alphabet = ['a', 'B', 'z', '0', 'é', '-', ' '];
    const lines = ['id,s,t'];
    for (let i = 0; i < 60_000; i++) {
      const word = (): string => {
        let w = '';
        const len = 1 + Math.floor(r() * 4);
        while (new TextEncoder().encode(w).length < len) w += alphabet[Math.floor(r() * alphabet.length)];
        return new TextEncoder().encode(w).length <= 4 ? w : w.slice(0, -1) || 'x';
      };
      lines.push(`${i % 3 === 0 ? -i : i},${word()},${word()}`);
    }
    const text = lines.join('\n') + '\n';
    const p = tmp.file('short-strings.csv', text);
    const got = await readCSV(p, { dtypes: { id: 'int64', s: 'utf8', t: 'utf8' } }).toRecords({ scheduler: 'sync' });
    const want = lines.slice(1).map((l) => {
      const [id, s, t] = l.split(',');
      return { id: Number(id), s, t };
    });
    expect(got).toEqual(want);
  });
});
