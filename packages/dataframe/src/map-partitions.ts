/**
 * mapPartitions(fn): a user function from an Arrow Table to an Arrow Table, applied to every
 * partition. On 'threads' the function's source is shipped to the workers, so it must be
 * self-contained (use the Table's methods; no free variables). The output schema comes from
 * running the function once on an empty table, as Dask infers `meta`.
 */
import type { Table } from 'apache-arrow';
import { emptyPartition, type DType } from './kernels/columns.js';
import type { Frame } from './frame.js';
import { dtypeOfArrow, partitionToTable } from './arrow.js';
import { DataFrameError } from './errors.js';

/** Applies `fn` to each partition as an Arrow Table. */
export function mapPartitions<F extends Frame<F>>(df: F, fn: (t: Table) => Table): F {
  const probe = fn(partitionToTable(emptyPartition(df.schema)));
  if (probe === null || typeof probe !== 'object' || !('schema' in probe)) {
    throw new DataFrameError('mapPartitions(): the function must return an Arrow Table.');
  }
  const names = probe.schema.fields.map((f) => f.name);
  const types: DType[] = probe.schema.fields.map((f) => dtypeOfArrow(f.type, f.name));
  return df.create({ kind: 'map-partitions', input: df.plan, fn, schema: { names, types }, npartitions: df.npartitions });
}
