/**
 * readCSV's dtype rules (pandas'), over a column's present texts (not a null marker, not
 * missing), in order, each check stopping at its first failure:
 *
 *   no present value: float64 (timestamp for a parseDates column)
 *   parseDates: date when every value is a date without a time, else timestamp
 *   every value an integer ([-+]?digits, spaces around allowed): int64, or utf8 when one is
 *     past int64 and uint64 (pandas: object; an integer past 2^53 keeps int64, and reading it
 *     is then an error naming it, never a rounded value)
 *   every value a float (convertText's float64): float64
 *   every value true/false (any case): bool
 *   else utf8
 *
 * These are the reference: io/csv-infer-fast.ts decides the common samples without a string
 * per field, and declines the rest, which come here.
 */
import type { DType } from '../kernels/columns.js';
import { convertText } from './csv-columns.js';

/** True when v is [-+]?[0-9]+ (a subset of what the integer rule's regular expression takes). */
function plainDigits(v: string): boolean {
  let i = v.length > 0 && (v.charCodeAt(0) === 45 || v.charCodeAt(0) === 43) ? 1 : 0;
  if (i >= v.length) return false;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** One text under the integer rule: 0 not an integer, 1 an integer that int64 or uint64 holds, 2 an integer past both. */
export function integerText(v: string): 0 | 1 | 2 {
  // Plain digits (with a sign) are the common case: a loop, not the regular expression.
  const plain = plainDigits(v);
  if (!plain && !/^\s*[-+]?\d+\s*$/.test(v)) return 0;
  if ((!plain || v.length > 15) && Math.abs(Number(v)) > Number.MAX_SAFE_INTEGER) {
    const b = BigInt(v.trim());
    if (b < -(2n ** 63n) || b >= 2n ** 64n) return 2;
  }
  return 1;
}

/**
 * 'int64' when every text is a decimal integer that int64 or uint64 holds (pandas reads such a
 * column as integers), 'utf8' when they are all integers but one is past uint64 (pandas: object),
 * undefined when one is not an integer.
 */
function integerType(values: string[]): DType | undefined {
  let out: DType = 'int64';
  for (const v of values) {
    const k = integerText(v);
    if (k === 0) return undefined;
    if (k === 2) out = 'utf8';
  }
  return out;
}

/** Column j's texts in the sample's records, null markers and missing fields left out (a loop: this runs cold, on the first query). */
export function presentValues(body: string[][], j: number, nulls: Set<string>): string[] {
  const out: string[] = [];
  for (let r = 0; r < body.length; r++) {
    const v = (body[r] as string[])[j];
    if (v !== undefined && !nulls.has(v)) out.push(v);
  }
  return out;
}

/** The rules over a column's present texts. */
export function inferType(values: string[], parseDate: boolean, dayFirst: boolean): DType {
  if (values.length === 0) return parseDate ? 'timestamp' : 'float64';
  if (parseDate) {
    if (values.every((v) => !Number.isNaN(convertText('date', v, dayFirst)) && !/\d[T ]\d/.test(v.trim()))) return 'date';
    return 'timestamp';
  }
  const int = integerType(values);
  if (int !== undefined) return int;
  if (values.every((v) => !Number.isNaN(convertText('float64', v)))) return 'float64';
  if (values.every((v) => !Number.isNaN(convertText('bool', v)))) return 'bool';
  return 'utf8';
}

/** pandas' column names from a header: '' becomes 'Unnamed: i', a repeated name gets '.1', '.2'. */
export function uniqueNames(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((n, i) => {
    const name = n === '' ? `Unnamed: ${i}` : n;
    const k = seen.get(name);
    seen.set(name, (k ?? 0) + 1);
    return k === undefined ? name : `${name}.${k}`;
  });
}
