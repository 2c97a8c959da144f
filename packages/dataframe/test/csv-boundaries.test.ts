/**
 * The pre-pass that decides where CSV ranges start (src/io/csv-boundaries.ts): its quote-state
 * transfers against a byte-by-byte walk by the parser's rule, from every entry state, over random
 * texts cut anywhere; and a range whose planned start disagrees with where the parser's records
 * end is an error, never rows dropped or read twice.
 */
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvParseError, readCSV } from '@tsdask/dataframe';
import { csvQuoteTransfer, readCsvRange } from '@tsdask/dataframe/io';
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

describe('quote-state transfers', () => {
  it('equal a byte-by-byte walk for every entry state, on random texts cut anywhere', () => {
    const pieces = ['"', '""', ',', '\n', '\r\n', 'a', 'x"y', '"q,q"', ',"', '"\n', 'bc'];
    for (let seed = 1; seed <= 30; seed++) {
      const r = rand(seed);
      let text = seed % 3 === 0 ? '\ufeff' : '';
      const n = 20 + Math.floor(r() * 300);
      for (let i = 0; i < n; i++) text += pieces[Math.floor(r() * pieces.length)];
      const bytes = new TextEncoder().encode(text);
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
    // The truth: byte 8 (the range's last) is inside the quoted field, so the next range starts after "z".
    expect(readCsvRange(spec, 'scanner', [IN, IN, IN])).toEqual(readCsvRange(spec, 'scanner', csvQuoteTransfer(p, 0, 8, size, mtimeMs, ',')));
    // Told that it is outside quotes, the next range would start at "y" (byte 9): this range's record ends past that.
    expect(() => readCsvRange(spec, 'scanner', [OUT, OUT, OUT])).toThrow(CsvParseError);
    expect(() => readCsvRange(spec, 'scanner', [OUT, OUT, OUT])).toThrow(
      /mismatch\.csv:3: a record crosses the byte 9 where the next range was planned to start/,
    );
  });
});
