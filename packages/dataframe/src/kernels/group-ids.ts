/**
 * Group ids: row -> dense group number for the key columns (rows with a null key get -1, as
 * pandas drops them, unless dropna is false: then nulls form a group). One utf8 key maps dictionary codes through a table; other keys go
 * through a Map of their values; several keys combine their dense codes pairwise.
 */
import { allocI32, type ColumnData } from './columns.js';

export interface Groups {
  ids: Int32Array;
  count: number;
  /** The first row of each group. */
  first: Int32Array;
}

function denseCodes(c: ColumnData, n: number, dropna: boolean): { codes: Int32Array; card: number } {
  const codes = allocI32(n);
  const valid = c.valid;
  const vals = c.values;
  let card = 0;
  let nullCode = -1;
  // With dropna false, null keys share one code of their own.
  const nullKey = (): number => (dropna ? -1 : nullCode >= 0 ? nullCode : (nullCode = card++));
  if (c.type === 'utf8' || c.type === 'bool') {
    const size = c.type === 'bool' ? 2 : (c.dict as string[]).length;
    const table = new Int32Array(size).fill(-1);
    for (let i = 0; i < n; i++) {
      if (valid !== undefined && valid[i] === 0) {
        codes[i] = nullKey();
        continue;
      }
      const v = vals[i] as number;
      let g = table[v] as number;
      if (g < 0) table[v] = g = card++;
      codes[i] = g;
    }
    return { codes, card };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = vals[i] as number;
    if ((valid !== undefined && valid[i] === 0) || v !== v) {
      codes[i] = nullKey();
      continue;
    }
    let g = map.get(v);
    if (g === undefined) map.set(v, (g = card++));
    codes[i] = g;
  }
  return { codes, card };
}

/** Groups the rows of `keys` (n rows each); with no key columns, every row is group 0. */
export function groupIds(keys: ColumnData[], n: number, dropna = true): Groups {
  if (keys.length === 0) {
    return { ids: allocI32(n), count: 1, first: Int32Array.of(0) };
  }
  let { codes, card } = denseCodes(keys[0] as ColumnData, n, dropna);
  for (let k = 1; k < keys.length; k++) {
    const next = denseCodes(keys[k] as ColumnData, n, dropna);
    const map = new Map<number, number>();
    const out = allocI32(n);
    let c = 0;
    for (let i = 0; i < n; i++) {
      const a = codes[i] as number;
      const b = next.codes[i] as number;
      if (a < 0 || b < 0) {
        out[i] = -1;
        continue;
      }
      const key = a * next.card + b;
      let g = map.get(key);
      if (g === undefined) map.set(key, (g = c++));
      out[i] = g;
    }
    codes = out;
    card = c;
  }
  const first = new Int32Array(card).fill(-1);
  for (let i = 0; i < n; i++) {
    const g = codes[i] as number;
    if (g >= 0 && first[g] === -1) first[g] = i;
  }
  return { ids: codes, count: card, first };
}
