/**
 * dropDuplicates(subset): one row per distinct combination of `subset`, the first such row
 * whole, in the order of those first rows, nulls counting as values: pandas' drop_duplicates
 * (keep='first'), and Dask's with one output partition (plan/drop-duplicates.ts).
 */
import type { Frame } from './frame.js';
import { ColumnNotFoundError } from './errors.js';

/** The first row of each distinct `subset` (all columns by default). */
export function dropDuplicates<F extends Frame<F>>(df: F, subset?: string | readonly string[]): F {
  const keys = subset === undefined ? df.columns : typeof subset === 'string' ? [subset] : [...subset];
  for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'dropDuplicates()');
  return df.create({ kind: 'drop-duplicates', input: df.plan, subset: keys, schema: df.schema, npartitions: 1 });
}
