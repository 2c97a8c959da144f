/**
 * The split of a hash shuffle: each input partition is split into `n` buckets by the hash of
 * its key columns, each bucket in buffers of its own, so that the scheduler can take each as a
 * piece of its own (shuffle.ts) and spill or free it alone. Buffers are on shared memory, so
 * pieces move between threads without copying their values.
 */
import { groupCsr } from '@tsdask/core-graph';
import { take, type Partition } from './columns.js';
import { hashBuckets, keyGroups } from './keys.js';

/** Splits a partition into n pieces by the hash of its key columns. */
export function hashSplit(p: Partition, keys: string[], n: number): Partition[] {
  // Each distinct key is hashed once (keys.ts), then every row takes its group's bucket.
  const bucket = hashBuckets(keyGroups(p, keys, 'shuffle'), p.length, n);
  const { ptr, idx } = groupCsr(n, bucket);
  return Array.from({ length: n }, (_, b) => take(p, idx.subarray(ptr[b], ptr[b + 1])));
}
