/**
 * Row keys that compare equal across partitions (whose string dictionaries differ): one
 * numeric key column gives its numbers, one string column its strings, several columns a
 * joined string. A null (or NaN) key gives undefined, a key that matches nothing (as in SQL),
 * or with `nullsEqual` NULL_KEY, equal to every other null key (as pandas merges). Hashes for
 * shuffles are computed from the same values, so equal keys land in the same bucket (every
 * null key hashes to 0).
 */
import type { ColumnData, Partition } from './columns.js';
import { ColumnNotFoundError } from '../errors.js';

export type RowKey = number | string | symbol | undefined;

/** The key of a row whose key is null, where nulls are equal to each other. */
export const NULL_KEY: unique symbol = Symbol('null key');

function columnOf(p: Partition, name: string, where: string): ColumnData {
  const i = p.names.indexOf(name);
  if (i < 0) throw new ColumnNotFoundError(name, p.names, where);
  return p.columns[i] as ColumnData;
}

function keyAt(c: ColumnData, i: number): RowKey {
  if (c.valid !== undefined && c.valid[i] === 0) return undefined;
  const v = c.values[i] as number;
  if (c.type === 'utf8') return (c.dict as string[])[v];
  return v !== v ? undefined : v;
}

/** The key of every row of `p` over the columns `names` (see the note at the top for nulls). */
export function rowKeys(p: Partition, names: string[], where: string, nullsEqual = false): RowKey[] {
  const cols = names.map((n) => columnOf(p, n, where));
  const out = new Array<RowKey>(p.length);
  const nullKey = nullsEqual ? NULL_KEY : undefined;
  if (cols.length === 1) {
    const c = cols[0] as ColumnData;
    for (let i = 0; i < p.length; i++) out[i] = keyAt(c, i) ?? nullKey;
    return out;
  }
  for (let i = 0; i < p.length; i++) {
    let s = '';
    let missing = false;
    for (let k = 0; k < cols.length; k++) {
      const v = keyAt(cols[k] as ColumnData, i);
      if (v === undefined) {
        missing = true;
        if (!nullsEqual) break;
        s += 'z\u0000';
      } else s += (typeof v === 'number' ? 'n' : 's') + String(v) + '\u0000';
    }
    out[i] = missing && !nullsEqual ? undefined : s;
  }
  return out;
}

/** A 32-bit hash of a key (strings by content, numbers by value). */
export function hashKey(k: RowKey): number {
  if (k === undefined || typeof k === 'symbol') return 0;
  let h = 0x811c9dc5 | 0;
  const s = typeof k === 'number' ? (Object.is(k, -0) ? '0' : String(k)) : k;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
