/**
 * Hash join of two partitions: both sides' rows are grouped by key (keys.ts), a map from the
 * right side's keys to its groups is probed once per left group (once per dictionary entry for
 * one string key), and each left row then takes the rows of its matching right group. `how` is inner, left, right or outer; unmatched rows
 * get nulls on the other side, and for shared key names the key column takes the right side's
 * value there. Null keys match each other when `nullsEqual` (pandas' merge), and nothing
 * otherwise (SQL).
 */
import { groupCsr } from '@tsdask/core-graph';
import { allocI32, allocU8, type ColumnData, type Partition } from './columns.js';
import { takeColumn } from './columns.js';
import { columnIndex, columnOf } from './column-lookup.js';
import { NULL_KEY, keyGroups, type GroupKey, type KeyedGroups } from './keys.js';

export interface JoinSpec {
  how: 'inner' | 'left' | 'right' | 'outer';
  leftOn: string[];
  rightOn: string[];
  /** Output names of the left columns, then of the right columns kept (null: dropped). */
  leftNames: string[];
  rightNames: (string | null)[];
  /** Whether a null key matches a null key (default false). */
  nullsEqual?: boolean;
}

/** Takes rows (index -1 gives null) of one column. */
function takeOrNull(c: ColumnData, idx: Int32Array, n: number): ColumnData {
  let missing = 0;
  for (let i = 0; i < n; i++) if ((idx[i] as number) < 0) missing++;
  if (missing === 0) return takeColumn(c, idx, n);
  const safe = allocI32(n);
  for (let i = 0; i < n; i++) safe[i] = Math.max(0, idx[i] as number);
  const out = takeColumn(c, safe, n);
  const valid = allocU8(n);
  for (let i = 0; i < n; i++) valid[i] = (idx[i] as number) < 0 ? 0 : out.valid === undefined ? 1 : (out.valid[i] as number);
  return { ...out, valid };
}

/** The right group of each left row (-1: none), probing `build` once per left group. */
function matchByGroup(lg: KeyedGroups, n: number, build: Map<GroupKey, number>): Int32Array {
  const match = new Int32Array(lg.count);
  for (let g = 0; g < lg.count; g++) match[g] = build.get(lg.keys[g] as GroupKey) ?? -1;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = lg.ids[i] as number;
    out[i] = g < 0 ? -1 : (match[g] as number);
  }
  return out;
}

/** The same for one string key column: probes once per dictionary entry, then rows by their codes (no grouping pass). */
function matchByCode(c: ColumnData, n: number, build: Map<GroupKey, number>, nullsEqual: boolean): Int32Array {
  const byCode = Int32Array.from(c.dict as string[], (s) => build.get(s) ?? -1);
  const nullMatch = nullsEqual ? (build.get(NULL_KEY) ?? -1) : -1;
  const out = new Int32Array(n);
  const valid = c.valid;
  const v = c.values;
  for (let i = 0; i < n; i++) out[i] = valid !== undefined && valid[i] === 0 ? nullMatch : (byCode[v[i] as number] as number);
  return out;
}

/** Joins two partitions. */
export function joinPartitions(left: Partition, right: Partition, spec: JoinSpec): Partition {
  const nullsEqual = spec.nullsEqual === true;
  const lc = spec.leftOn.length === 1 ? columnOf(left, spec.leftOn[0] as string, 'merge() left side') : undefined;
  const lg = lc?.type === 'utf8' ? undefined : keyGroups(left, spec.leftOn, 'merge() left side', nullsEqual);
  const rg = keyGroups(right, spec.rightOn, 'merge() right side', nullsEqual);
  // The right rows of each right group (ascending), and the right group of each left group.
  const { ptr, idx: rightRows } = groupCsr(rg.count, rg.ids);
  const build = new Map<GroupKey, number>();
  for (let h = 0; h < rg.count; h++) build.set(rg.keys[h] as GroupKey, h);
  const leftMatch = lg === undefined ? matchByCode(lc as ColumnData, left.length, build, nullsEqual) : matchByGroup(lg, left.length, build);
  const li: number[] = [];
  const ri: number[] = [];
  const keepLeft = spec.how === 'left' || spec.how === 'outer';
  const keepRight = spec.how === 'right' || spec.how === 'outer';
  const matched = keepRight ? new Uint8Array(right.length) : undefined;
  for (let i = 0; i < left.length; i++) {
    const h = leftMatch[i] as number;
    if (h < 0) {
      if (keepLeft) (li.push(i), ri.push(-1));
      continue;
    }
    for (let e = ptr[h] as number; e < (ptr[h + 1] as number); e++) {
      const j = rightRows[e] as number;
      li.push(i);
      ri.push(j);
      if (matched !== undefined) matched[j] = 1;
    }
  }
  if (matched !== undefined) for (let j = 0; j < right.length; j++) if (matched[j] === 0) (li.push(-1), ri.push(j));
  const n = li.length;
  const L = Int32Array.from(li);
  const R = Int32Array.from(ri);
  const names: string[] = [];
  const columns: ColumnData[] = [];
  left.names.forEach((name, c) => {
    let col = takeOrNull(left.columns[c] as ColumnData, L, n);
    const k = spec.leftOn.indexOf(name);
    const rc = keepRight && k >= 0 ? columnIndex(right, spec.rightOn[k] as string, 'merge() right side') : -1;
    if (rc >= 0 && spec.rightNames[rc] === null) {
      // A shared key column: fill it from the right side where the left row is missing.
      const fromRight = takeOrNull(right.columns[rc] as ColumnData, R, n);
      col = coalesce(col, fromRight, L, n);
    }
    names.push(spec.leftNames[c] as string);
    columns.push(col);
  });
  right.names.forEach((_, c) => {
    const out = spec.rightNames[c];
    if (out === null || out === undefined) return;
    names.push(out);
    columns.push(takeOrNull(right.columns[c] as ColumnData, R, n));
  });
  return { names, columns, length: n };
}

function coalesce(a: ColumnData, b: ColumnData, L: Int32Array, n: number): ColumnData {
  if (a.type === 'utf8') {
    const dict = [...(a.dict as string[])];
    const lookup = new Map(dict.map((s, i) => [s, i] as const));
    const values = allocI32(n);
    const valid = allocU8(n);
    for (let i = 0; i < n; i++) {
      const useB = (L[i] as number) < 0;
      const c = useB ? b : a;
      if (c.valid !== undefined && c.valid[i] === 0) continue;
      const s = (c.dict as string[])[c.values[i] as number] as string;
      let code = lookup.get(s);
      if (code === undefined) lookup.set(s, (code = dict.push(s) - 1));
      values[i] = code;
      valid[i] = 1;
    }
    return { type: 'utf8', values, valid, dict };
  }
  const values = a.values.slice();
  const valid = allocU8(n);
  for (let i = 0; i < n; i++) {
    const c = (L[i] as number) < 0 ? b : a;
    values[i] = c.values[i] as number;
    valid[i] = c.valid === undefined ? 1 : (c.valid[i] as number);
  }
  return { type: a.type, values, valid };
}
