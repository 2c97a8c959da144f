/** repartition({ npartitions }): checks the count and adds a repartition node (plan/repartition.ts). */
import type { Frame } from './frame.js';
import { DataFrameError } from './errors.js';

/** The same rows in `n` partitions, in order. */
export function repartition<F extends Frame<F>>(df: F, n: number): F {
  if (!Number.isInteger(n) || n < 1) throw new DataFrameError(`repartition(): npartitions must be a positive integer, not ${n}.`);
  return df.create({ kind: 'repartition', input: df.plan, schema: df.schema, npartitions: n });
}
