/**
 * The pre-pass that decides where CSV ranges start (src/io/csv-boundaries.ts): its quote-state
 * transfers against a byte-by-byte walk by the parser's rule, from every entry state, over random
 * texts cut anywhere; and a range whose planned start disagrees with where the parser's records
 * end is an error, never rows dropped or read twice. The quote machines fed by a range's own
 * buffers (a range's end) against the same walk, and two ranges cut at every byte against the
 * whole file's rows.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCSV } from '@tsdask/dataframe';
import { csvQuoteTransfer, readCsvRange } from '@tsdask/dataframe/io';
import { QuoteMachines } from '../src/io/csv-boundaries.js';
import { scanCsvRange } from '../src/io/csv-scan.js';
import { CsvParseError } from '../src/errors.js';
import { valueAt, type ColumnData, type Partition } from '../src/kernels/columns.js';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles('tsdask-csv-bounds-');
const OUT = 0;
const IN = 1;
const IN_SKIP = 2;

/** The state at byte b, walking bytes [a, b) one at a time from state k (the rule written out plainly). */
function walk(t: Uint8Array, a: number, b: number, k: number, fieldAt: number): number {
  let st = k;
  for (let x = a; x < b; x++) {
    const c = t[x];
    if (st === IN_SKIP) st = IN;
    else if (st === IN) {
      if (c === 34) st = t[x + 1] === 34 ? IN_SKIP : OUT;
    } else if (c === 34) {
      const prev = t[x - 1];
      if (x === 0 || x === fieldAt || prev === 44 || prev === 10 || prev === 13) st = IN;
    }
  }
  return st;
}

function rand(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648), Math.floor(x / 65536) / 32768);
}

/** A random text of 20 to 20+most pieces (with a BOM when seed % bomEvery is 0), its bytes, and the generator, to go on drawing from. */
function quoteText(seed: number, pieces: readonly string[], most: number, bomEvery: number): { r: () => number; text: string; bytes: Uint8Array } {
  const r = rand(seed);
  let text = seed % bomEvery === 0 ? '\ufeff' : '';
  const n = 20 + Math.floor(r() * most);
  for (let i = 0; i < n; i++) text += pieces[Math.floor(r() * pieces.length)];
  return { r, text, bytes: new TextEncoder().encode(text) };
}

describe('quote-state transfers', () => {
  it('equal a byte-by-byte walk for every entry state, on random texts cut anywhere', () => {
    const pieces = ['"', '""', ',', '\n', '\r\n', 'a', 'x"y', '"q,q"', ',"', '"\n', 'bc'];
    for (let seed = 1; seed <= 30; seed++) {
      const { r, text, bytes } = quoteText(seed, pieces, 300, 3);
      const p = tmp.file(`walk-${seed}.csv`, text);
      const { mtimeMs } = statSync(p);
      const fieldAt = seed % 3 === 0 ? 3 : 0;
      for (let cut = 0; cut < 25; cut++) {
        const a = cut === 0 ? 0 : Math.floor(r() * bytes.length);
        const b = Math.min(bytes.length, a + 1 + Math.floor(r() * bytes.length));
        const got = csvQuoteTransfer(p, a, b, bytes.length, mtimeMs, ',');
        // Entry states that cannot occur at a (IN_SKIP after no quote) are defined all the same.
        expect(got).toEqual([OUT, IN, IN_SKIP].map((k) => walk(bytes, a, b, k, fieldAt)));
      }
    }
  });
  it('cross the pre-pass read buffer (64 KiB) with escapes and quoted newlines on its edges', () => {
    const unit = 'id,"a""b\nc",x"y\n';
    let text = 'h1,h2,h3\n';
    while (text.length < 200_000) text += unit;
    const bytes = new TextEncoder().encode(text);
    const p = tmp.file('wide.csv', text);
    const { mtimeMs } = statSync(p);
    for (const [a, b] of [
      [0, 200_000],
      [65_535, 65_537 + 65_536],
      [1, 131_073],
      [70_001, 190_000],
    ] as const) {
      const got = csvQuoteTransfer(p, a, b, bytes.length, mtimeMs, ',');
      expect(got).toEqual([OUT, IN, IN_SKIP].map((k) => walk(bytes, a, b, k, 0)));
    }
  });
});

describe('quote machines fed by buffers', () => {
  it("give the walk's state at stop for every entry state, however the bytes are cut into buffers", () => {
    const pieces = ['"', '""', ',', '\n', '\r', '\r\n', 'a', 'x"y', '"q,q"', ',"', '"\n', 'bc'];
    for (let seed = 1; seed <= 40; seed++) {
      const { r, bytes } = quoteText(seed, pieces, 200, 4);
      const fieldAt = seed % 4 === 0 ? 3 : 0;
      for (let cut = 0; cut < 20; cut++) {
        const a = cut === 0 ? 0 : Math.floor(r() * bytes.length);
        const stop = Math.min(bytes.length, a + Math.floor(r() * bytes.length));
        const m = new QuoteMachines([OUT, IN, IN_SKIP], a, stop, 44, fieldAt, a > 0 ? (bytes[a - 1] as number) : -1);
        // Buffers as a scanner holds them: each starts at or before the next byte to take, and
        // ends anywhere after it (the last one at the file's end).
        let done = false;
        let guard = 0;
        while (!done && guard++ < 10_000) {
          const base = Math.max(0, m.at - Math.floor(r() * 4));
          const lim = Math.min(bytes.length - base, m.at - base + 1 + Math.floor(r() * 12));
          const buf = Buffer.from(bytes.subarray(base, base + lim));
          done = m.feed(buf, buf, base, lim, base + lim < bytes.length);
        }
        expect(done).toBe(true);
        expect(m.states()).toEqual([OUT, IN, IN_SKIP].map((k) => walk(bytes, a, stop, k, fieldAt)));
      }
    }
  });
});

describe('a range finds its own end', () => {
  const spec = (p: string, start: number, end: number, size: number, mtime: number) => ({
    file: p,
    start,
    end,
    size,
    mtime,
    header: false,
    sep: ',',
    names: ['a', 'b'],
    types: ['utf8', 'utf8'] as ('utf8' | 'int64')[],
    want: [0, 1],
    nullValues: [],
    onBadLines: 'skip' as const,
    estRows: 64,
    maxRecord: 1 << 20,
    encoding: 'utf-8',
  });
  it('two ranges cut at any byte read the rows of the whole file, lone CRs (which end rows, not ranges) and quotes included', async () => {
    const pieces = ['"', '""', ',', '\n', '\r', '\r\n', 'a', 'x"y', '"q,\nq"', '"\r"', ',"', 'bc'];
    for (let seed = 1; seed <= 25; seed++) {
      const r = rand(seed);
      let text = '';
      const n = 20 + Math.floor(r() * 120);
      for (let i = 0; i < n; i++) text += pieces[Math.floor(r() * pieces.length)];
      text += '\n';
      const bytes = new TextEncoder().encode(text);
      const p = tmp.file(`ends-${seed}.csv`, text);
      const { mtimeMs, size } = statSync(p);
      if (walk(bytes, 0, size, OUT, 0) !== OUT) continue; // an unterminated quote is an error (tested elsewhere)
      const whole = readCsvRange(spec(p, 0, size, size, mtimeMs), 'scanner');
      for (let end = 1; end < size; end++) {
        const first = readCsvRange(spec(p, 0, end, size, mtimeMs), 'scanner');
        const rest = readCsvRange(spec(p, end, size, size, mtimeMs), 'scanner', csvQuoteTransfer(p, 0, end - 1, size, mtimeMs, ','));
        expect(first.length + rest.length).toBe(whole.length);
        expect((first.skipped ?? 0) + (rest.skipped ?? 0)).toBe(whole.skipped ?? 0);
        for (let j = 0; j < 2; j++) expect(decode(first, j).concat(decode(rest, j))).toEqual(decode(whole, j));
      }
    }
  });
});

describe('a range finds its own end across its read buffers', () => {
  it("two ranges of a 300 KB file with quoted newlines and escapes on the 64 KiB buffer edges read the whole file's rows", () => {
    const units = ['id,"a""b\nc",x"y\n', '7,"""",z\n', '8,"q\n\n,""\n",w\n', '9,plain,v\n', '10,"",""\n'];
    const r = rand(7);
    let text = '';
    while (text.length < 300_000) text += units[Math.floor(r() * units.length)];
    const p = tmp.file('wide-ends.csv', text);
    const { mtimeMs, size } = statSync(p);
    const spec = (start: number, end: number) => ({
      file: p,
      start,
      end,
      size,
      mtime: mtimeMs,
      header: false,
      sep: ',',
      names: ['a', 'b', 'c'],
      types: ['utf8', 'utf8', 'utf8'] as 'utf8'[],
      want: [0, 1, 2],
      nullValues: [],
      onBadLines: 'error' as const,
      estRows: 64,
      maxRecord: 1 << 20,
      encoding: 'utf-8',
    });
    const whole = readCsvRange(spec(0, size), 'scanner');
    const cuts = [1, 2, 65_535, 65_536, 65_537, 131_071, 131_072, 131_073, 196_607, 196_608, 262_143, 262_144, 299_000];
    for (let k = 0; k < 12; k++) cuts.push(1 + Math.floor(r() * (size - 2)));
    for (const end of cuts) {
      const first = readCsvRange(spec(0, end), 'scanner');
      const rest = readCsvRange(spec(end, size), 'scanner', csvQuoteTransfer(p, 0, end - 1, size, mtimeMs, ','));
      expect(first.length + rest.length).toBe(whole.length);
      for (let j = 0; j < 3; j++) expect(decode(first, j).concat(decode(rest, j))).toEqual(decode(whole, j));
    }
  });
});

function decode(part: Partition, j: number): unknown[] {
  return Array.from({ length: part.length }, (_, i) => valueAt(part.columns[j] as ColumnData, i));
}

describe('range starts are checked', () => {
  it('a planned start inside a record (a wrong transfer) is an error, not rows dropped or repeated', () => {
    const text = 'a,b\n1,"x\ny\nz"\n2,w\n3,v\n';
    const p = tmp.file('mismatch.csv', text);
    const { mtimeMs, size } = statSync(p);
    const df = readCSV(p, { blocksize: 8, dtypes: { a: 'int64', b: 'utf8' } });
    expect(df.npartitions).toBeGreaterThan(1);
    const spec = {
      file: p,
      start: 0,
      end: 9,
      size,
      mtime: mtimeMs,
      header: true,
      sep: ',',
      names: ['a', 'b'],
      types: ['int64', 'utf8'] as ('int64' | 'utf8')[],
      want: [0, 1],
      nullValues: [''],
      onBadLines: 'error' as const,
      estRows: 4,
      maxRecord: 1 << 20,
      encoding: 'utf-8',
    };
    // The truth: byte 8 (the range's last) is inside the quoted field, so the range ends after "z"
    // (it finds that itself: no transfer), where the next range starts by the pre-pass.
    const first = readCsvRange(spec, 'scanner');
    expect(first.length).toBe(1);
    expect(decode(first, 1)).toEqual(['x\ny\nz']);
    const rest = readCsvRange({ ...spec, start: 9, end: size }, 'scanner', csvQuoteTransfer(p, 0, 8, size, mtimeMs, ','));
    expect(rest.length).toBe(2);
    // Told to stop at "y" (byte 9, where a wrong transfer would start the next range): its record ends past that.
    const fd = openSync(p, 'r');
    const read = (b: Uint8Array, o: number, l: number, at: number) => readSync(fd, b, o, l, at);
    try {
      expect(() => scanCsvRange(spec, read, 0, 9)).toThrow(CsvParseError);
      expect(() => scanCsvRange(spec, read, 0, 9)).toThrow(/mismatch\.csv:3: a record crosses the byte 9 where the next range was planned to start/);
    } finally {
      closeSync(fd);
    }
  });
});
