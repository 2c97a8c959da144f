/**
 * Keys that compare equal across partitions (whose string dictionaries differ), one per group
 * of rows (grouped by group-codes.ts, so a key is built once per group, not once per row): one
 * numeric key column gives its numbers, one string column its strings, several columns a
 * joined string. A row whose key is null (or NaN) is in no group: it matches nothing (as in
 * SQL); with `nullsEqual` it is in a group whose key is NULL_KEY (one column) or has a null
 * part, equal to every other such key (as pandas merges). Shuffles hash the same keys, so
 * equal keys land in the same bucket (a row in no group goes to bucket 0).
 */
import type { ColumnData, Partition } from './columns.js';
import { columnOf } from './column-lookup.js';
import { groupIds, type Groups } from './group-codes.js';

export type RowKey = number | string | symbol | undefined;

/** The key of a group of rows (a row with no key is in no group). */
export type GroupKey = Exclude<RowKey, undefined>;

/** The key of a row whose key is null, where nulls are equal to each other. */
export const NULL_KEY: unique symbol = Symbol('null key');

/** Groups of rows with the key of each group. */
export interface KeyedGroups extends Groups {
  /** The key of each group (see the note at the top). */
  keys: GroupKey[];
}

function keyAt(c: ColumnData, i: number): RowKey {
  if (c.valid !== undefined && c.valid[i] === 0) return undefined;
  const v = c.values[i] as number;
  if (c.type === 'utf8') return (c.dict as string[])[v];
  return v !== v ? undefined : v;
}

/** Groups the rows of `p` by the columns `names`, with each group's key (nulls: see the note at the top). */
export function keyGroups(p: Partition, names: string[], where: string, nullsEqual = false): KeyedGroups {
  const cols = names.map((n) => columnOf(p, n, where));
  const groups = groupIds(cols, p.length, !nullsEqual);
  const { count, first } = groups;
  const keys = new Array<GroupKey>(count);
  if (cols.length === 1) {
    const c = cols[0] as ColumnData;
    for (let g = 0; g < count; g++) keys[g] = keyAt(c, first[g] as number) ?? NULL_KEY;
    return { ...groups, keys };
  }
  for (let g = 0; g < count; g++) {
    const i = first[g] as number;
    let s = '';
    for (let k = 0; k < cols.length; k++) {
      const v = keyAt(cols[k] as ColumnData, i);
      if (v === undefined) s += 'z\u0000';
      else s += (typeof v === 'number' ? 'n' : 's') + String(v) + '\u0000';
    }
    keys[g] = s;
  }
  return { ...groups, keys };
}

/** The bucket (0 .. n - 1) of each row of keyed groups, by the hash of its group's key. */
export function hashBuckets(groups: KeyedGroups, rows: number, n: number): Int32Array {
  const byGroup = new Int32Array(groups.count);
  for (let g = 0; g < groups.count; g++) byGroup[g] = hashKey(groups.keys[g]) % n;
  const ids = groups.ids;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const g = ids[i] as number;
    out[i] = g < 0 ? 0 : (byGroup[g] as number);
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
