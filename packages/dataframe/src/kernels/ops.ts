/**
 * The ops that dataframe tasks name (`@tsdask/dataframe/kernels#<export>`). Each takes and
 * returns plain data (partitions, numbers, partial aggregates).
 */
import { allocF64, concatPartitions, slice, take, valueAt, type ColumnData, type Partition } from './columns.js';
import { sortIndex } from './sort.js';
import { applySteps, type Step } from './steps.js';

export { applySteps } from './steps.js';

/** Runs fused row-wise steps on one partition. */
export function mapPartition(p: Partition, steps: Step[]): Partition {
  return applySteps(p, steps);
}

/** Concatenates partitions. */
export function concat(...parts: Partition[]): Partition {
  return concatPartitions(parts);
}

/** The number of rows of a partition. */
export function length(p: Partition): number {
  return p.length;
}

/** The first value of the first column: a one-value aggregate's result (Series reductions). */
export function firstValue(p: Partition): unknown {
  return valueAt(p.columns[0] as ColumnData, 0);
}

/** The first row as { column: value }: a one-row aggregate's results by column. */
export function firstRow(p: Partition): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  p.names.forEach((n, j) => (r[n] = valueAt(p.columns[j] as ColumnData, 0)));
  return r;
}

/** Adds numbers. */
export function total(...xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** The partition with a float64 column `name` of each row's position: index * 2^32 + row. */
export function withPosition(p: Partition, index: number, name: string): Partition {
  const pos = allocF64(p.length);
  const base = index * 2 ** 32;
  for (let r = 0; r < p.length; r++) pos[r] = base + r;
  return { names: [...p.names, name], columns: [...p.columns, { type: 'float64', values: pos }], length: p.length };
}

/** The first n rows. */
export function headRows(p: Partition, n: number): Partition {
  return p.length <= n ? p : slice(p, 0, n);
}
export { partialAgg, combineAgg, finalAgg, splitPartial, combinePieces } from './groupby.js';

/** Sorts one partition by columns. */
export function sortPartition(p: Partition, by: string[], ascending: boolean[]): Partition {
  return take(p, sortIndex(p, by, ascending));
}

/** Concatenates partitions, then sorts. */
export function concatSort(by: string[], ascending: boolean[], ...parts: Partition[]): Partition {
  return sortPartition(concatPartitions(parts), by, ascending);
}
export { joinPartitions } from './join.js';
export { hashSplit } from './shuffle-ops.js';
export { sampleColumn, boundaries } from './range-ops.js';
export { sortInput, sortBoundaries } from './sort-input.js';
export { unifyDicts, unpackDicts } from './unify-dicts.js';
export { rangeSplit, rangeCollect } from './range-shuffle.js';

/** Piece `i` of `k` near-equal pieces of a partition. */
export function piece(p: Partition, k: number, i: number): Partition {
  return slice(p, Math.floor((i * p.length) / k), Math.floor(((i + 1) * p.length) / k));
}

export { quantileSketch, describeParts } from './quantiles.js';
