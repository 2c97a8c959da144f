/**
 * The kernel ops that need Apache Arrow (a partition as a Table for a user function in
 * mapPartitions, and the Table it returns as a partition), loaded by workers as
 * `@tsdask/dataframe/arrow#<name>`. They live apart from ./kernels so that a worker compiles
 * Arrow, the largest module graph it could load (0.15 s to 0.6 s on a loaded 2-core machine,
 * most of a worker's start), only for a query that uses it.
 */
import type { Table } from 'apache-arrow';
import { partitionToTable, tableToPartitions } from '../arrow.js';
import type { Partition } from './columns.js';

/** A partition as an Arrow Table (for user functions in mapPartitions). */
export function toTable(p: Partition): Table {
  return partitionToTable(p);
}

/** An Arrow Table (a user function's result) as a partition. */
export function fromTable(t: Table): Partition {
  return tableToPartitions(t, 1)[0] as Partition;
}
