/**
 * mapPartitions(fn): a user function from an Arrow Table to an Arrow Table, applied to every
 * partition. On 'threads' the function's source is shipped to the workers, so it must be
 * self-contained (use the Table's methods; no free variables). The output schema comes from
 * running the function once on an empty table, as Dask infers `meta`.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, registerFunction, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { Table } from 'apache-arrow';
import { emptyPartition, type DType } from './kernels/columns.js';
import { DataFrame } from './dataframe.js';
import { K } from './plan.js';
import { dtypeOfArrow, partitionToTable } from './arrow.js';
import { DataFrameError } from './errors.js';

/** Applies `fn` to each partition as an Arrow Table. */
export function mapPartitions(df: DataFrame, fn: (t: Table) => Table): DataFrame {
  const probe = fn(partitionToTable(emptyPartition(df.schema)));
  if (probe === null || typeof probe !== 'object' || !('schema' in probe)) {
    throw new DataFrameError('mapPartitions(): the function must return an Arrow Table.');
  }
  const names = probe.schema.fields.map((f) => f.name);
  const types: DType[] = probe.schema.fields.map((f) => dtypeOfArrow(f.type, f.name));
  const op = registerFunction(fn);
  const input = df.lower();
  const name = `map-partitions-fn-${tokenize(input.name, op)}`;
  const tasks = new Map<Key, Node>();
  for (let i = 0; i < df.npartitions; i++) {
    const table: Node = { op: `${K}#toTable`, args: [{ ref: chunkKey(input.name, i) }] };
    tasks.set(chunkKey(name, i), { op: `${K}#fromTable`, args: [{ op, args: [table] }] });
  }
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name], [fn]), input.graph);
  return new DataFrame({ kind: 'graph', name, graph, schema: { names, types }, npartitions: df.npartitions });
}
