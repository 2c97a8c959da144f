/**
 * sortValues(by, { ascending }): a global sort. Each partition is sorted; with more than one
 * partition the output is range-partitioned on the first key by boundaries taken from a sample
 * (kernels/range-ops.ts, kernels/range-shuffle.ts), so partition i holds keys below those of
 * partition i + 1.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, pick, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DataFrame } from './dataframe.js';
import { DataFrame as DF } from './dataframe.js';
import { K } from './plan.js';
import { pieceRefs } from './shuffle.js';
import { ColumnNotFoundError, DataFrameError } from './errors.js';

export interface SortOptions {
  /** Ascending (default true), for all keys or one flag per key. */
  ascending?: boolean | boolean[];
  /** Output partitions (default: as many as the input). */
  npartitions?: number;
}

/** The frame sorted by `by` (stable; nulls last). */
export function sortValues(df: DataFrame, by: string | string[], opts: SortOptions = {}): DataFrame {
  const keys = typeof by === 'string' ? [by] : [...by];
  for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'sortValues()');
  const asc = Array.isArray(opts.ascending) ? opts.ascending : keys.map(() => opts.ascending !== false);
  if (asc.length !== keys.length) throw new DataFrameError(`sortValues(): ${keys.length} keys but ${asc.length} ascending flags.`);
  const input = df.lower();
  const token = tokenize(input.name, keys, asc, opts.npartitions);
  const name = `sort-values-${token}`;
  const packed = `sort-packed-${token}`;
  const tasks = new Map<Key, Node>();
  const n = Math.max(1, opts.npartitions ?? df.npartitions);
  const refs: Node[] = [];
  for (let i = 0; i < df.npartitions; i++) refs.push({ ref: chunkKey(input.name, i) });
  if (df.npartitions === 1 && n === 1) {
    tasks.set(chunkKey(name, 0), { op: `${K}#concatSort`, args: [quote(keys), quote(asc), ...refs] });
  } else {
    // Per partition, a sample of the first key and the partition with packed dictionaries (in
    // the batch that made it); boundaries; one global dictionary per string column; the rows
    // of every partition grouped by bucket; each bucket gathered and sorted (range-shuffle.ts).
    // The samples and dictionaries are picks, so the two tasks that read all of them never
    // need every input partition in memory (under a memory limit the inputs wait on disk).
    const inputs: Node[] = [];
    const samples: Node[] = [];
    const inputDicts: Node[] = [];
    const strings = df.schema.names.filter((_, i) => df.schema.types[i] === 'utf8');
    for (let i = 0; i < df.npartitions; i++) {
      const k = chunkKey(`sort-input-${token}`, i);
      tasks.set(k, { op: `${K}#sortInput`, args: [refs[i] as Node, keys[0] as string, 100] });
      inputs.push({ ref: k });
      tasks.set(chunkKey(`sort-sample-${token}`, i), pick(k, 'sample'));
      samples.push({ ref: chunkKey(`sort-sample-${token}`, i) });
      if (strings.length > 0) {
        tasks.set(chunkKey(`sort-input-dicts-${token}`, i), pick(k, 'dicts'));
        inputDicts.push({ ref: chunkKey(`sort-input-dicts-${token}`, i) });
      }
    }
    const bounds = `sort-divisions-${token}`;
    tasks.set(bounds, { op: `${K}#sortBoundaries`, args: [n, ...samples] });
    const dicts = `sort-dicts-${token}`;
    if (strings.length > 0) tasks.set(dicts, { op: `${K}#unifyDicts`, args: [quote(strings), ...inputDicts] });
    const splits: Key[] = [];
    for (let i = 0; i < df.npartitions; i++) {
      const k = chunkKey(`sort-split-${token}`, i);
      tasks.set(k, { op: `${K}#rangeSplit`, args: [inputs[i] as Node, keys[0] as string, { ref: bounds }, asc[0] as boolean, n] });
      splits.push(k);
    }
    const pieces = pieceRefs(tasks, `sort-piece-${token}`, splits, n);
    // Buckets come packed (string dictionaries as UTF-8 only): compute() builds its Arrow
    // Table from them; every other reader gets them through unpackDicts.
    const dictArg: Node = strings.length > 0 ? { ref: dicts } : null;
    for (let j = 0; j < n; j++) {
      tasks.set(chunkKey(packed, j), { op: `${K}#rangeCollect`, args: [quote(keys), quote(asc), dictArg, ...(pieces[j] as Node[])] });
      tasks.set(chunkKey(name, j), { op: `${K}#unpackDicts`, args: [{ ref: chunkKey(packed, j) }] });
    }
  }
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph);
  const bounds = `sort-divisions-${token}`;
  const divisions = tasks.has(bounds) ? { divisions: { key: bounds, column: keys[0] as string } } : {};
  const pack = tasks.has(chunkKey(packed, 0)) ? { packed } : {};
  return new DF({ kind: 'graph', name, graph, schema: df.schema, npartitions: n, ...divisions, ...pack });
}
