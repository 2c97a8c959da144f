/**
 * The ops that dataframe tasks name (`@tsdask/dataframe/kernels#<export>`). Each takes and
 * returns plain data (partitions, numbers, partial aggregates).
 */
import { concatPartitions, slice, take, type Partition } from './columns.js';
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

/** Adds numbers. */
export function total(...xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** The first n rows. */
export function headRows(p: Partition, n: number): Partition {
  return p.length <= n ? p : slice(p, 0, n);
}
export { partialAgg, combineAgg, finalAgg } from './groupby.js';

/** Sorts one partition by columns. */
export function sortPartition(p: Partition, by: string[], ascending: boolean[]): Partition {
  return take(p, sortIndex(p, by, ascending));
}

/** Concatenates partitions, then sorts. */
export function concatSort(by: string[], ascending: boolean[], ...parts: Partition[]): Partition {
  return sortPartition(concatPartitions(parts), by, ascending);
}
