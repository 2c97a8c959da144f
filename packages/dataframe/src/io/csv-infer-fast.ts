/**
 * The schema sample's dtypes without a string per field, for the common sample: plain text (no
 * quote character, line ends all LF or all CRLF), a one-character separator, a header, no blank
 * line, every record as wide as the header. The first record after the header says what each
 * column can be, and one regular expression over the whole sample (native code: 1 to 2 ms for
 * flights' 256 KiB in a fresh process, where splitting it into 33,000 strings and checking each
 * took 15 to 25) checks that every record agrees:
 *
 *   integer column: its first value is [-+]?digits (at most 15: within 2^53), and every
 *     field is such an integer or a null marker: int64 by the rules
 *   number column: its first value is a decimal number that is not an integer
 *     ([-+]?digits[.digits][e[-+]digits], Number reads it), and every field is a decimal
 *     number or a null marker: the integer rule fails on the first value, the float rule holds
 *     for every value: float64
 *   text column: its first value is neither an integer, nor a float, nor true/false under the
 *     rules, so each rule fails on it: utf8 whatever the other fields are
 *   a column with a dtype given: any field
 *
 * A column whose first record holds a null marker is read from its first present value (one
 * more pass skips the records where it is a null marker; at most 4 such columns), float64 when
 * the records kept have none. Anything else (a first value that could be a bool, an integer
 * past 15 digits, a parseDates column, a record that does not match) returns undefined, and readCSV
 * applies the rules to every field's text (io/csv-infer.ts), as before. The tests compare the
 * two on generated samples.
 */
import type { DType } from '../kernels/columns.js';
import { convertText } from './csv-columns.js';
import { integerText, uniqueNames } from './csv-infer.js';
import { plainNewline } from './csv-sample.js';

/** The records after the header, some columns' texts at a time (for groupBy planning's distinct counts). */
export interface SampleRows {
  readonly rows: number;
  /** For each j in js, column j's field in each record, in order (undefined where a record is shorter). */
  columns(js: readonly number[]): (string | undefined)[][];
}

/** What the fast path decided: names, dtypes (undefined for columns with a dtype given), and the records after the header. */
export interface FastSample {
  names: string[];
  types: (DType | undefined)[];
  body: SampleRows;
}

const INT = '[-+]?\\d{1,15}';
const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';

/** s with the characters that mean something in a regular expression escaped (a loop: this runs cold). */
function escape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    out += SPECIAL.includes(c) ? `\\${c}` : c;
  }
  return out;
}
const SPECIAL = '\\^$.*+?()[]{}|/-';

/** The digits of v from i: the index after the last one. */
function digitsFrom(v: string, i: number): number {
  while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
  return i;
}

/**
 * 'int' (INT: [-+]?digits, at most 15 of them), 'number' (NUMBER and not [-+]?digits), 'text'
 * (fails every rule), or undefined. Character by character: one value per column, cold.
 */
function firstValueKind(v: string): 'int' | 'number' | 'text' | undefined {
  const s = v.charCodeAt(0) === 45 || v.charCodeAt(0) === 43 ? 1 : 0;
  const m = digitsFrom(v, s);
  if (m === v.length && m > s) return m - s <= 15 ? 'int' : undefined;
  let i = m;
  let frac = 0;
  if (v.charCodeAt(i) === 46) {
    i = digitsFrom(v, i + 1);
    frac = i - m - 1;
  }
  let number = m - s + frac > 0;
  if (number && i < v.length) {
    const e = v.charCodeAt(i);
    const x = v.charCodeAt(i + 1) === 45 || v.charCodeAt(i + 1) === 43 ? i + 2 : i + 1;
    const end = digitsFrom(v, x);
    number = (e === 101 || e === 69) && end > x && end === v.length;
  }
  if (number) return 'number';
  if (integerText(v) === 0 && Number.isNaN(convertText('float64', v)) && Number.isNaN(convertText('bool', v))) return 'text';
  return undefined;
}

/**
 * The sample's column names, dtypes and records after the header, when the fast path decides
 * them; undefined otherwise. `given(name)`: the column's dtype is given. `truncated`: the
 * sample is a head of the file, whose last record is left out.
 */
export function fastSample(
  text: string,
  sep: string,
  truncated: boolean,
  nullValues: readonly string[],
  given: (name: string) => boolean,
): FastSample | undefined {
  // A separator that a number can hold would let the expression match across it.
  if (sep.length !== 1 || /[\d+\-.eE]/.test(sep)) return undefined;
  const newline = plainNewline(text, sep);
  if (newline === undefined) return undefined;
  const nlLen = newline.length;
  const headEnd = text.indexOf('\n');
  if (headEnd <= 0 || (nlLen === 2 && headEnd === 1)) return undefined; // a blank first line, or one line only
  const names = uniqueNames(text.slice(0, headEnd + 1 - nlLen).split(sep));
  // A blank line is no record; one column could match it.
  if (names.length === 1 && text.includes(newline + newline)) return undefined;
  const bodyStart = headEnd + 1;
  const firstEnd = text.indexOf('\n', bodyStart);
  if (firstEnd < 0) return undefined;
  const first = text.slice(bodyStart, firstEnd + 1 - nlLen).split(sep);
  if (first.length !== names.length) return undefined;
  const nulls = new Set(nullValues);
  const not = escape(sep) + (nlLen === 2 ? '\\r\\n' : '\\n');
  const any = `[^${not}]*`;
  // Null markers that can be a field (no separator or line end in them), as alternatives.
  const markers = [...nulls].filter((m) => !m.includes(sep) && !/[\r\n]/.test(m)).sort((a, b) => b.length - a.length);
  const nullAlt = markers.map(escape).join('|');
  const nl = nlLen === 2 ? '\\r\\n' : '\\n';
  const rest = nlLen === 2 ? '[^\\r\\n]*' : '[^\\n]*';
  const types: (DType | undefined)[] = [];
  const fields: string[] = [];
  // Columns whose first record holds a null marker: the record their first present value is in.
  const leads: [number, number][] = [];
  for (let j = 0; j < names.length; j++) {
    if (given(names[j] as string)) {
      types.push(undefined);
      fields.push(any);
      continue;
    }
    let v = first[j] as string;
    if (nulls.has(v)) {
      // Skip the records whose field j is a null marker (one more pass over the sample each).
      if (leads.length === MAX_LEADS) return undefined;
      const skip = `(?:${any}${escape(sep)}){${j}}(?:${nullAlt})(?:${escape(sep)}${rest})?`;
      const at = matchRecords(skip, nl, text, bodyStart);
      if (at < 0) return undefined;
      const lineEnd = text.indexOf('\n', at);
      leads.push([j, countNewlines(text, bodyStart, at)]);
      if (at === text.length || (lineEnd < 0 && truncated)) {
        // No present value before the end or the cut last record: none in the records kept.
        types.push('float64');
        fields.push(any);
        continue;
      }
      const rec = text.slice(at, lineEnd < 0 ? text.length : lineEnd + 1 - nlLen).split(sep);
      v = rec[j] as string;
      if (rec.length !== names.length || nulls.has(v)) return undefined;
    }
    const kind = firstValueKind(v);
    if (kind === undefined) return undefined;
    types.push(kind === 'int' ? 'int64' : kind === 'number' ? 'float64' : 'utf8');
    fields.push(kind === 'text' ? any : `(?:${kind === 'int' ? INT : NUMBER}${markers.length > 0 ? `|${nullAlt}` : ''})`);
  }
  // No field pattern matches the separator or a line end, so each field has one place to end:
  // a record that does not match fails after a few steps back per field, never exponentially.
  const record = fields.join(escape(sep));
  // A very wide header makes an expression V8 cannot compile: the rules decide those samples.
  if (record.length > MAX_SOURCE) return undefined;
  const end = matchRecords(record, nl, text, bodyStart);
  if (end < 0) return undefined;
  const complete = countNewlines(text, bodyStart, end);
  // After the records that matched: nothing, or a last record without a line end (left out when
  // the sample is cut, else it must match too); a line end means a record that did not match.
  let records = complete;
  if (end < text.length) {
    if (text.indexOf('\n', end) >= 0) return undefined;
    if (!truncated) {
      const last = new RegExp(`(?:${record})$`, 'y');
      last.lastIndex = end;
      if (!last.test(text)) return undefined;
    }
    records++;
  }
  // A cut sample leaves its last record out (the header counts as one).
  if (truncated) records--;
  if (records < 1) return undefined;
  // A first present value in a record left out (the cut last one): no present value kept.
  for (const [j, k] of leads) if (k >= records) types[j] = 'float64';
  return { names, types, body: new LazyRows(text, bodyStart, records, sep, names.length, newline) };
}

/** The number of line ends in text[from, to). */
function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) n++;
  return n;
}

/** Columns whose first record holds a null marker that the fast path looks past (one pass each). */
const MAX_LEADS = 4;

/** The longest record expression tried (about 350 number columns with pandas' null markers). */
const MAX_SOURCE = 1 << 16;
/** Records matched per call: a star over every record would need a backtrack stack as long as the sample. */
const RECORDS_PER_MATCH = 4096;

/** Where the records matching `record` then a line end, from `start`, stop; -1 when V8 cannot run the expression. */
function matchRecords(record: string, nl: string, text: string, start: number): number {
  try {
    const re = new RegExp(`(?:${record}${nl}){0,${RECORDS_PER_MATCH}}`, 'y');
    let end = start;
    for (;;) {
      re.lastIndex = end;
      if (re.exec(text) === null || re.lastIndex <= end) return end;
      end = re.lastIndex;
    }
  } catch {
    return -1;
  }
}

/** Records of uniform width in text from `start`, split into the asked columns' strings only when asked. */
class LazyRows implements SampleRows {
  constructor(
    private readonly text: string,
    private readonly start: number,
    readonly rows: number,
    private readonly sep: string,
    private readonly width: number,
    private readonly newline: string,
  ) {}
  columns(js: readonly number[]): (string | undefined)[][] {
    // One pass over the records for every column asked: skip to each, capture it, skip the
    // rest of the record and its line end.
    const want = [...new Set(js.filter((j) => j >= 0 && j < this.width))].sort((a, b) => a - b);
    const s = escape(this.sep);
    const field = `[^${s}${this.newline.length === 2 ? '\\r\\n' : '\\n'}]*`;
    let src = '';
    let at = 0;
    for (const j of want) {
      src += `(?:${field}${s}){${j - at}}(${field})`;
      at = j;
    }
    const re = new RegExp(`${src}[^\\n]*\\n?`, 'y');
    re.lastIndex = this.start;
    const got = want.map((): string[] => []);
    for (let r = 0; r < this.rows; r++) {
      const m = re.exec(this.text) as RegExpExecArray;
      for (let k = 0; k < want.length; k++) (got[k] as string[]).push(m[k + 1] as string);
    }
    const none = new Array<undefined>(this.rows).fill(undefined);
    return js.map((j) => {
      const k = want.indexOf(j);
      return k < 0 ? none : (got[k] as string[]);
    });
  }
}
