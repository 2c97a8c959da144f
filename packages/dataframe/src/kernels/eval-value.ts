/** The value an expression evaluates to (a column or a one-row literal), and its broadcast to full length. */
import { allocValues, type ColumnData } from './columns.js';
import { constantColumn } from './build.js';

/** An evaluated expression: a column, read with stride 1, or a one-row literal (stride 0). */
export interface V {
  c: ColumnData;
  s: 0 | 1;
}

/** A full-length column from a value (literals repeated). */
export function broadcast(v: V, n: number): ColumnData {
  if (v.s === 1) return v.c;
  const c = v.c;
  if (c.valid !== undefined && c.valid[0] === 0) return constantColumn(c.type, n, null);
  if (c.type === 'utf8') return { type: 'utf8', values: allocValues('utf8', n), dict: c.dict as string[] };
  return constantColumn(c.type, n, c.values[0] as number);
}
