/** toCSV / toParquet: one file per partition, written by workers; computes now (as in Dask). */
import { join, resolve } from 'node:path';
import { HighLevelGraph, MaterializedLayer, chunkKey, tokenize, type ComputeOptions, type Key, type Node } from '@tsdask/core-graph';
import type { AnyFrame as DataFrame } from './frame.js';
import { collectPartitions } from './collect.js';

function write(df: DataFrame, dir: string, op: string, ext: string, extra: unknown[], opts: ComputeOptions): Promise<string[]> {
  const input = df.lower();
  const name = `write-${ext}-${tokenize(input.name, resolve(dir))}`;
  const tasks = new Map<Key, Node>();
  const keys: Key[] = [];
  const width = String(Math.max(0, df.npartitions - 1)).length;
  for (let i = 0; i < df.npartitions; i++) {
    const k = chunkKey(name, i);
    const path = join(resolve(dir), `part-${String(i).padStart(width, '0')}.${ext}`);
    tasks.set(k, { op: `@tsdask/dataframe/io#${op}`, args: [{ ref: chunkKey(input.name, i) }, path, ...extra] });
    keys.push(k);
  }
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph);
  return collectPartitions(graph, keys, opts) as Promise<string[]>;
}

/** Writes one CSV file per partition into `dir`; resolves to the paths. */
export function toCSV(df: DataFrame, dir: string, opts: ComputeOptions & { sep?: string } = {}): Promise<string[]> {
  // `sep` is toCSV's own; the rest are compute options (and checked as such).
  const { sep, ...computeOpts } = opts;
  return write(df, dir, 'writeCsvPart', 'csv', [sep ?? ','], computeOpts);
}

/** Writes one Parquet file per partition into `dir`; resolves to the paths. */
export function toParquet(df: DataFrame, dir: string, opts: ComputeOptions = {}): Promise<string[]> {
  return write(df, dir, 'writeParquetPart', 'parquet', [], opts);
}
