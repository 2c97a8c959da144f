/**
 * sortValues(by, { ascending }): checks the keys and adds a sort node (plan/sort.ts: each
 * partition sorted; with more than one, range-partitioned on the first key).
 */
import type { Frame } from './frame.js';
import { ColumnNotFoundError, DataFrameError } from './errors.js';

export interface SortOptions {
  /** Ascending (default true), for all keys or one flag per key. */
  ascending?: boolean | boolean[];
  /** Output partitions (default: as many as the input). */
  npartitions?: number;
}

/** The frame sorted by `by` (stable; nulls last). */
export function sortValues<F extends Frame<F>>(df: F, by: string | readonly string[], opts: SortOptions = {}): F {
  const keys = typeof by === 'string' ? [by] : [...by];
  for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'sortValues()');
  const asc = Array.isArray(opts.ascending) ? opts.ascending : keys.map(() => opts.ascending !== false);
  if (asc.length !== keys.length) throw new DataFrameError(`sortValues(): ${keys.length} keys but ${asc.length} ascending flags.`);
  const n = Math.max(1, opts.npartitions ?? df.npartitions);
  return df.create({ kind: 'sort', input: df.plan, by: keys, ascending: [...asc], schema: df.schema, npartitions: n });
}
