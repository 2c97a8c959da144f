/** Builds columns from raw values, and reads them back. */
import { allocU8, allocValues, intern, type ColumnData, type DType } from './columns.js';

/**
 * A column of dtype `type` from raw values: numbers in storage units (days for date, ms for
 * timestamp), strings for utf8, booleans or 0/1 for bool; null or undefined for missing.
 */
export function buildColumn(type: DType, n: number, get: (i: number) => unknown): ColumnData {
  const values = allocValues(type, n);
  const valid = allocU8(n);
  let nulls = 0;
  if (type === 'utf8') {
    const dict: string[] = [];
    const lookup = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = get(i);
      if (v === null || v === undefined) {
        nulls++;
        continue;
      }
      values[i] = intern(dict, lookup, typeof v === 'string' ? v : String(v));
      valid[i] = 1;
    }
    return nulls > 0 ? { type, values, valid, dict } : { type, values, dict };
  }
  for (let i = 0; i < n; i++) {
    const v = get(i);
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v) && type !== 'float64')) {
      nulls++;
      continue;
    }
    values[i] = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
    valid[i] = 1;
  }
  return nulls > 0 ? { type, values, valid } : { type, values };
}

/** The raw value of row i (see buildColumn), or null. */
export function rawAt(c: ColumnData, i: number): number | string | null {
  if (c.valid !== undefined && c.valid[i] === 0) return null;
  const v = c.values[i] as number;
  return c.type === 'utf8' ? ((c.dict as string[])[v] as string) : v;
}

/** A column holding `value` (raw) in all n rows. */
export function constantColumn(type: DType, n: number, value: number | string | boolean | null): ColumnData {
  if (value === null) {
    const c: ColumnData = { type, values: allocValues(type, n), valid: allocU8(n) };
    if (type === 'utf8') c.dict = [];
    return c;
  }
  const values = allocValues(type, n);
  if (type === 'utf8') return { type, values, dict: [String(value)] };
  values.fill(typeof value === 'boolean' ? (value ? 1 : 0) : (value as number));
  return { type, values };
}

/** Removes duplicate strings from a dictionary column (codes remapped), keeping first use order. */
export function dedupeDict(c: ColumnData, n: number): ColumnData {
  const dict = c.dict as string[];
  const lookup = new Map<string, number>();
  const remap = new Int32Array(dict.length);
  const out: string[] = [];
  let dup = false;
  for (let j = 0; j < dict.length; j++) {
    const s = dict[j] as string;
    const k = lookup.get(s);
    if (k === undefined) {
      lookup.set(s, out.length);
      remap[j] = out.length;
      out.push(s);
    } else {
      remap[j] = k;
      dup = true;
    }
  }
  if (!dup) return c;
  const values = allocValues('utf8', n);
  for (let i = 0; i < n; i++) values[i] = remap[c.values[i] as number] as number;
  return c.valid === undefined ? { type: 'utf8', values, dict: out } : { type: 'utf8', values, valid: c.valid, dict: out };
}

/** Days since the epoch to [year, month (1-12), day]. */
export function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}
