/**
 * toCSV / toParquet: one file per partition, written by workers. As every writer (core-graph's
 * writeResult): computes now and resolves to the paths, or with `{ compute: false }` returns a
 * Delayed<string[]> that writes when computed (Dask's `df.to_csv(..., compute=False)`).
 */
import { join, resolve } from 'node:path';
import {
  Delayed,
  HighLevelGraph,
  MaterializedLayer,
  chunkKey,
  tokenize,
  writeResult,
  type ComputeOptions,
  type Key,
  type Node,
  type WriteOptions,
  type WritePlan,
} from '@tsdask/core-graph';
import type { Frame } from './frame.js';
import { lowerForCompute } from './shuffle-method.js';

/** Any frame (of any schema). */
type DataFrame = Frame<unknown>;

/** Options of toCSV: the field separator, `compute`, and compute options when computing now. */
export type ToCsvOptions = WriteOptions & ComputeOptions & { sep?: string };
/** Options of toParquet: `compute`, and compute options when computing now. */
export type ToParquetOptions = WriteOptions & ComputeOptions;

/** The write tasks (one per partition, each resolving to its path) and a key listing the paths. */
function plan(df: DataFrame, dir: string, op: string, ext: string, extra: unknown[]): WritePlan {
  const input = df.lower();
  const name = `write-${ext}-${tokenize(input.name, resolve(dir), extra)}`;
  const tasks = new Map<Key, Node>();
  const refs: Node[] = [];
  const width = String(Math.max(0, df.npartitions - 1)).length;
  for (let i = 0; i < df.npartitions; i++) {
    const k = chunkKey(name, i);
    const path = join(resolve(dir), `part-${String(i).padStart(width, '0')}.${ext}`);
    tasks.set(k, { op: `@tsdask/dataframe/io#${op}`, args: [{ ref: chunkKey(input.name, i) }, path, ...extra] });
    refs.push({ ref: k });
  }
  tasks.set(name, { op: '@tsdask/core-graph/ops#identity', args: [refs] });
  return { graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph), key: name };
}

/** Writes one CSV file per partition into `dir`; resolves to the paths (a Delayed of them with `compute: false`). */
export function toCSV(df: DataFrame, dir: string, opts: ToCsvOptions & { compute: false }): Delayed<string[]>;
export function toCSV(df: DataFrame, dir: string, opts?: ToCsvOptions & { compute?: true }): Promise<string[]>;
export function toCSV(df: DataFrame, dir: string, opts?: ToCsvOptions): Promise<string[]> | Delayed<string[]>;
export function toCSV(df: DataFrame, dir: string, opts: ToCsvOptions = {}): Promise<string[]> | Delayed<string[]> {
  // `sep` is toCSV's own; the rest are compute options (and checked as such).
  const { sep, ...rest } = opts;
  return writeResult('toCSV', () => lowerForCompute(rest, () => plan(df, dir, 'writeCsvPart', 'csv', [sep ?? ','])), rest);
}

/** Writes one Parquet file per partition into `dir`; resolves to the paths (a Delayed of them with `compute: false`). */
export function toParquet(df: DataFrame, dir: string, opts: ToParquetOptions & { compute: false }): Delayed<string[]>;
export function toParquet(df: DataFrame, dir: string, opts?: ToParquetOptions & { compute?: true }): Promise<string[]>;
export function toParquet(df: DataFrame, dir: string, opts?: ToParquetOptions): Promise<string[]> | Delayed<string[]>;
export function toParquet(df: DataFrame, dir: string, opts: ToParquetOptions = {}): Promise<string[]> | Delayed<string[]> {
  return writeResult('toParquet', () => lowerForCompute(opts, () => plan(df, dir, 'writeParquetPart', 'parquet', [])), opts);
}
