/**
 * sortValues(by, { ascending }): a global sort. Each partition is sorted; with more than one
 * partition the output is range-partitioned on the first key by boundaries taken from a sample
 * (see shuffle.ts), so partition i holds keys below those of partition i + 1.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DataFrame } from './dataframe.js';
import { DataFrame as DF } from './dataframe.js';
import { K } from './plan.js';
import { ColumnNotFoundError, DataFrameError } from './errors.js';

export interface SortOptions {
  /** Ascending (default true), for all keys or one flag per key. */
  ascending?: boolean | boolean[];
}

/** The frame sorted by `by` (stable; nulls last). */
export function sortValues(df: DataFrame, by: string | string[], opts: SortOptions = {}): DataFrame {
  const keys = typeof by === 'string' ? [by] : [...by];
  for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'sortValues()');
  const asc = Array.isArray(opts.ascending) ? opts.ascending : keys.map(() => opts.ascending !== false);
  if (asc.length !== keys.length) throw new DataFrameError(`sortValues(): ${keys.length} keys but ${asc.length} ascending flags.`);
  const input = df.lower();
  const name = `sort-values-${tokenize(input.name, keys, asc)}`;
  const tasks = new Map<Key, Node>();
  const refs = [];
  for (let i = 0; i < df.npartitions; i++) refs.push({ ref: chunkKey(input.name, i) });
  tasks.set(chunkKey(name, 0), { op: `${K}#concatSort`, args: [quote(keys), quote(asc), ...refs] });
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph);
  return new DF({ kind: 'graph', name, graph, schema: df.schema, npartitions: 1 });
}
