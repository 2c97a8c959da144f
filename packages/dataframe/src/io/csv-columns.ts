/**
 * Column builders shared by the CSV scanner and the papaparse path, so both turn a field into
 * exactly the same value: numbers through `Number` semantics (with pandas' infinity spellings),
 * strings interned into a dictionary (by bytes in the scanner, by string here), dates through
 * parseDateMs.
 */
import { allocF64, allocI32, allocU8, type ColumnData, type DType } from '../kernels/columns.js';
import { parseDateMs } from '../kernels/parse-date.js';
import { infinityFromText } from '../kernels/numeric-text.js';

/** pandas' default missing-value markers (pandas.io.parsers STR_NA_VALUES, pandas 2: with 'None'). */
export const DEFAULT_NULLS = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];

/** A number written in hex, octal or binary (`0x10`, `0o7`, `0b11`): Number reads it, pandas does not. */
const NOT_DECIMAL = /^\s*[-+]?0[xXoObB]/;

/** Why a field could not be converted, or undefined when it converted. */
export type Reject = string | undefined;

/**
 * Converts a non-null field text to a raw number for dtype t; NaN when it does not parse.
 * `dayFirst`: slash dates are D/M/YYYY, not M/D/YYYY (readCSV's dayfirst).
 */
export function convertText(t: DType, s: string, dayFirst = false): number {
  switch (t) {
    case 'float64': {
      if (s.trim() === '' || NOT_DECIMAL.test(s)) return NaN;
      const x = Number(s);
      if (x - x === 0) return x;
      // pandas' infinities: inf, infinity, any case, signed (Number reads only 'Infinity').
      const inf = infinityFromText(s);
      if (inf !== 0) return inf;
      // Number also reads ' Infinity' (text to pandas) and overflows such as 1e400 (kept).
      if (x === x) return /[iI]/.test(s) ? NaN : x;
      return NaN;
    }
    case 'int64': {
      // Kernels hold int64 as float64: an integer past 2^53 would silently become another one.
      // Like pandas, '1.0' and '1e3' are integers here, '0x10' is not.
      const x = Number(s);
      return Number.isSafeInteger(x) && s.trim() !== '' && !NOT_DECIMAL.test(s) ? x : NaN;
    }
    case 'int32': {
      const x = Number(s);
      return Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31 && s.trim() !== '' && !NOT_DECIMAL.test(s) ? x : NaN;
    }
    case 'bool': {
      const v = s.trim().toLowerCase();
      return v === 'true' ? 1 : v === 'false' ? 0 : NaN;
    }
    case 'date': {
      const ms = parseDateMs(s, dayFirst);
      return Number.isNaN(ms) ? NaN : Math.floor(ms / 86_400_000);
    }
    case 'timestamp':
      return parseDateMs(s, dayFirst);
    case 'utf8':
      return NaN;
  }
}

/** Why a field text did not convert to t, for the error that names it. */
export function notConverted(t: DType, s: string): string {
  if (/^\s*[-+]?\d+\s*$/.test(s) && (t === 'int64' || t === 'int32')) {
    return t === 'int64'
      ? "is an integer beyond 2^53, which int64 columns do not hold exactly (read the column as 'float64' or 'utf8' with dtypes)"
      : "is outside int32 (read the column as 'int64' with dtypes)";
  }
  if (t === 'date' || t === 'timestamp') {
    return (
      'is not a valid date (YYYY-MM-DD or M/D/YYYY (D/M/YYYY with dayfirst), then optionally [T or space]HH:MM[:SS[.fff]] ' +
      'and Z or +HH:MM, with a month 1-12 and a day that its month has); fix the value, or read invalid dates as null with ' +
      "invalidDates: 'null'"
    );
  }
  return `is not ${t}`;
}

/** Grows typed arrays as rows arrive; `finish` returns views on shared memory. */
export class ColumnBuilder {
  n = 0;
  private cap: number;
  values: Float64Array | Int32Array | Uint8Array;
  valid: Uint8Array;
  nulls = 0;
  dict: string[] = [];
  lookup = new Map<string, number>();
  /**
   * `invalidDateNull`: an invalid date in a date or timestamp column becomes null, not a reject;
   * `dayFirst`: slash dates are D/M/YYYY.
   */
  constructor(
    readonly type: DType,
    capacity: number,
    private readonly invalidDateNull = false,
    private readonly dayFirst = false,
  ) {
    this.cap = Math.max(16, capacity);
    this.values = this.alloc(this.cap);
    this.valid = allocU8(this.cap);
  }
  private alloc(n: number): Float64Array | Int32Array | Uint8Array {
    const t = this.type;
    return t === 'float64' || t === 'int64' || t === 'timestamp' ? allocF64(n) : t === 'bool' ? allocU8(n) : allocI32(n);
  }
  /** Rows the arrays hold before they grow. */
  get capacity(): number {
    return this.cap;
  }
  /** Makes room for one more row. */
  reserve(): void {
    if (this.n < this.cap) return;
    const cap = Math.ceil(this.cap * 1.6) + 16;
    const v = this.alloc(cap);
    v.set(this.values as never);
    const ok = allocU8(cap);
    ok.set(this.valid);
    this.values = v;
    this.valid = ok;
    this.cap = cap;
  }
  pushNull(): void {
    this.reserve();
    this.values[this.n] = 0;
    this.valid[this.n] = 0;
    this.nulls++;
    this.n++;
  }
  pushRaw(x: number): void {
    this.reserve();
    this.values[this.n] = x;
    this.valid[this.n] = 1;
    this.n++;
  }
  /** Interns a string; returns its code. */
  code(s: string): number {
    let c = this.lookup.get(s);
    if (c === undefined) {
      c = this.dict.length;
      this.dict.push(s);
      this.lookup.set(s, c);
    }
    return c;
  }
  /** Pushes a non-null field text; returns false when it does not convert. */
  pushText(s: string): boolean {
    if (this.type === 'utf8') {
      this.pushRaw(this.code(s));
      return true;
    }
    const x = convertText(this.type, s, this.dayFirst);
    if (Number.isNaN(x) && !(this.type === 'float64' && s.trim().toLowerCase() === 'nan')) {
      if (!this.invalidDateNull || (this.type !== 'date' && this.type !== 'timestamp')) return false;
      this.pushNull();
      return true;
    }
    this.pushRaw(x);
    return true;
  }
  /** Drops the last row (a row rejected after some of its fields were pushed). */
  pop(): void {
    this.n--;
    if (this.valid[this.n] === 0) this.nulls--;
    this.valid[this.n] = 0;
    this.values[this.n] = 0;
  }
  /**
   * Empties the builder for the next batch (the arrays kept, not zeroed: every row is written
   * whole, a null's value as 0, by the pushes here and by the fast path's walks).
   */
  clear(): void {
    this.n = 0;
    this.nulls = 0;
  }
  finish(): ColumnData {
    const out: ColumnData = { type: this.type, values: this.values.subarray(0, this.n) };
    if (this.nulls > 0) out.valid = this.valid.subarray(0, this.n);
    if (this.type === 'utf8') out.dict = this.dict;
    return out;
  }
}
