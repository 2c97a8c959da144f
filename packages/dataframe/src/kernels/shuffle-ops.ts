/**
 * The split of a hash shuffle: each input partition is split into `n` buckets by the hash of
 * its key columns, each bucket in buffers of its own, so that the scheduler can take each as a
 * piece of its own (shuffle.ts) and spill or free it alone. Buffers are on shared memory, so
 * pieces move between threads without copying their values.
 */
import { allocI32, take, type Partition } from './columns.js';
import { hashKey, rowKeys } from './keys.js';

/** Splits a partition into n pieces by the hash of its key columns. */
export function hashSplit(p: Partition, keys: string[], n: number): Partition[] {
  const bucket = allocI32(p.length);
  const counts = new Int32Array(n);
  const c = keys.length === 1 ? p.columns[p.names.indexOf(keys[0] as string)] : undefined;
  if (c !== undefined && c.type === 'utf8') {
    // One string key: hash each dictionary entry once.
    const hashes = (c.dict as string[]).map((s) => hashKey(s) % n);
    for (let i = 0; i < p.length; i++) {
      const b = c.valid !== undefined && c.valid[i] === 0 ? 0 : (hashes[c.values[i] as number] as number);
      bucket[i] = b;
      counts[b]++;
    }
  } else {
    const k = rowKeys(p, keys, 'shuffle');
    for (let i = 0; i < p.length; i++) {
      const b = hashKey(k[i]) % n;
      bucket[i] = b;
      counts[b]++;
    }
  }
  const idx = Array.from({ length: n }, (_, b) => allocI32(counts[b] as number));
  const fill = new Int32Array(n);
  for (let i = 0; i < p.length; i++) {
    const b = bucket[i] as number;
    (idx[b] as Int32Array)[fill[b]++] = i;
  }
  return idx.map((ix) => take(p, ix));
}
