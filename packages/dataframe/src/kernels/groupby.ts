/**
 * GroupBy aggregation in three steps, so it runs as a tree reduction:
 *   partialAgg(partition)   -> Partial (one row per group seen in the partition)
 *   combineAgg(...partials) -> Partial (groups merged; applied level by level, splitEvery at a time)
 *   finalAgg(partial)       -> Partition (keys sorted, one column per aggregation)
 * The partial step streams rows into per-group states (partial-agg.ts); combineAgg merges
 * var/std states by Chan et al.'s parallel formula. Nulls and NaN are skipped, as pandas skips NaN.
 */
import { allocF64, allocU8, concatPartitions, take, type ColumnData, type DType, type Partition } from './columns.js';
import { groupCsr } from '@tsdask/core-graph';
import { buildColumn } from './build.js';
import { groupIds } from './group-codes.js';
import { PartialAggregator, better, type AggFn, type AggSpec, type Partial, type Raw, type State } from './partial-agg.js';
import { columnOf } from './column-lookup.js';
import { INT64_EXACT, int64RangeError } from '../int64.js';
import { sortIndex } from './sort.js';
import { hashBuckets, keyGroups } from './keys.js';

export type { AggFn, AggSpec, Partial } from './partial-agg.js';
export const AGG_FNS: readonly AggFn[] = ['sum', 'mean', 'min', 'max', 'count', 'size', 'std', 'var', 'first', 'last', 'nunique'];

function initState(fn: AggFn, g: number): State {
  switch (fn) {
    case 'count':
    case 'size':
      return { cnt: allocF64(g) };
    case 'sum':
    case 'mean':
      return { cnt: allocF64(g), sum: allocF64(g) };
    case 'std':
    case 'var':
      return { cnt: allocF64(g), mean: allocF64(g), m2: allocF64(g) };
    case 'min':
    case 'max':
    case 'first':
    case 'last':
      return { vals: new Array<Raw>(g).fill(null) };
    case 'firstRow':
      return { vals: new Array<Raw>(g).fill(null), seen: new Uint8Array(g) };
    case 'nunique':
      return { sets: Array.from({ length: g }, () => []) };
  }
}

/** Aggregates one partition to one row per group. */
export function partialAgg(p: Partition, spec: AggSpec): Partial {
  const acc = new PartialAggregator(
    spec,
    spec.keys.map((k) => columnOf(p, k, 'groupBy()').type),
  );
  acc.add(p);
  return acc.finish();
}

/** Merges partial aggregates (in order: first/last keep the order of the partitions). */
export function combineAgg(spec: AggSpec, ...parts: Partial[]): Partial {
  const keys = concatPartitions(parts.map((p) => p.keys));
  const total = keys.length;
  const { ids, count, first } = groupIds(keys.columns, total, spec.dropna !== false);
  const states = spec.aggs.map(([, , fn], a) => {
    const st = initState(fn, count);
    let row = 0;
    for (const part of parts) {
      const src = part.states[a] as State;
      for (let j = 0; j < part.n; j++, row++) {
        const g = ids[row] as number;
        if (g < 0) continue;
        if (st.m2 !== undefined) {
          const nb = (src.cnt as Float64Array)[j] as number;
          if (nb === 0) continue;
          const na = (st.cnt as Float64Array)[g] as number;
          const mb = (src.mean as Float64Array)[j] as number;
          const ma = (st.mean as Float64Array)[g] as number;
          const nn = na + nb;
          const d = mb - ma;
          (st.mean as Float64Array)[g] = ma + (d * nb) / nn;
          (st.m2 as Float64Array)[g] += ((src.m2 as Float64Array)[j] as number) + (d * d * na * nb) / nn;
          (st.cnt as Float64Array)[g] = nn;
        } else if (st.cnt !== undefined) {
          st.cnt[g] += (src.cnt as Float64Array)[j] as number;
          if (st.sum !== undefined) st.sum[g] += (src.sum as Float64Array)[j] as number;
        } else if (st.sets !== undefined) {
          for (const x of (src.sets as Raw[][])[j] as Raw[]) (st.sets[g] as Raw[]).push(x);
        } else if (st.seen !== undefined) {
          if (st.seen[g] === 1 || (src.seen as Uint8Array)[j] !== 1) continue;
          st.seen[g] = 1;
          (st.vals as Raw[])[g] = (src.vals as Raw[])[j] as Raw;
        } else {
          const vals = st.vals as Raw[];
          const x = (src.vals as Raw[])[j] as Raw;
          if (fn === 'first' && vals[g] !== null) continue;
          if (better(fn, vals[g] as Raw, x)) vals[g] = x;
        }
      }
    }
    if (st.sets !== undefined) st.sets = st.sets.map((s) => [...new Set(s)]);
    if (fn === 'sum' && spec.types[a] !== 'float64') checkIntSums(st.sum as Float64Array, spec.aggs[a]?.[1] as string);
    return st;
  });
  return { keys: take(keys, first, count), n: count, states };
}

/** The output dtype of an aggregation over a column of dtype `t`. */
export function aggType(fn: AggFn, t: DType): DType {
  switch (fn) {
    case 'count':
    case 'size':
    case 'nunique':
      return 'int64';
    case 'sum':
      return t === 'float64' ? 'float64' : 'int64';
    case 'mean':
    case 'std':
    case 'var':
      return 'float64';
    default:
      return t;
  }
}

/** Integer sums merged from partials: still within 2^53, or an error (see int64.ts). */
function checkIntSums(sums: Float64Array, column: string): void {
  for (let g = 0; g < sums.length; g++) {
    const s = sums[g] as number;
    if (s > INT64_EXACT || s < -INT64_EXACT) throw int64RangeError(`sum of '${column}'`, s);
  }
}

/** The result: key columns (sorted by key) and one column per aggregation. */
export function finalAgg(part: Partial, spec: AggSpec): Partition {
  const g = part.n;
  const columns: ColumnData[] = spec.aggs.map(([, , fn], a) => {
    const st = part.states[a] as State;
    const type = aggType(fn, spec.types[a] as DType);
    switch (fn) {
      case 'count':
      case 'size':
        return { type, values: st.cnt as Float64Array };
      case 'sum':
        return { type, values: st.sum as Float64Array };
      case 'nunique':
        return buildColumn(type, g, (i) => ((st.sets as Raw[][])[i] as Raw[]).length);
      case 'mean':
        return nullable(type, g, (i) => {
          const c = (st.cnt as Float64Array)[i] as number;
          return c === 0 ? null : ((st.sum as Float64Array)[i] as number) / c;
        });
      case 'var':
      case 'std':
        return nullable(type, g, (i) => {
          const c = (st.cnt as Float64Array)[i] as number;
          if (c < 2) return null;
          const v = ((st.m2 as Float64Array)[i] as number) / (c - 1);
          return fn === 'std' ? Math.sqrt(v) : v;
        });
      default:
        return buildColumn(type, g, (i) => (st.vals as Raw[])[i]);
    }
  });
  const out: Partition = { names: [...spec.keys, ...spec.aggs.map(([o]) => o)], columns: [...part.keys.columns, ...columns], length: g };
  if (spec.keys.length === 0) return out;
  return take(
    out,
    sortIndex(
      part.keys,
      spec.keys,
      spec.keys.map(() => true),
    ),
  );
}

function nullable(type: DType, n: number, get: (i: number) => number | null): ColumnData {
  const values = allocF64(n);
  const valid = allocU8(n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const x = get(i);
    if (x === null) nulls++;
    else {
      values[i] = x;
      valid[i] = 1;
    }
  }
  return nulls > 0 ? { type, values, valid } : { type, values };
}

/** Splits a partial aggregate into n pieces by the hash of its keys (for splitOut). */
export function splitPartial(part: Partial, n: number): Partial[] {
  const bucket = hashBuckets(keyGroups(part.keys, part.keys.names, 'groupBy() shuffle'), part.n, n);
  const { ptr, idx: rowsOf } = groupCsr(n, bucket);
  return Array.from({ length: n }, (_, b) => {
    const idx = rowsOf.subarray(ptr[b], ptr[b + 1]);
    const pick = <T>(a: ArrayLike<T>): T[] => Array.from(idx, (r) => a[r] as T);
    const states = part.states.map((st) => {
      const out: State = {};
      if (st.cnt !== undefined) out.cnt = Float64Array.from(pick(st.cnt));
      if (st.sum !== undefined) out.sum = Float64Array.from(pick(st.sum));
      if (st.mean !== undefined) out.mean = Float64Array.from(pick(st.mean));
      if (st.m2 !== undefined) out.m2 = Float64Array.from(pick(st.m2));
      if (st.vals !== undefined) out.vals = pick(st.vals);
      if (st.seen !== undefined) out.seen = Uint8Array.from(pick(st.seen));
      if (st.sets !== undefined) out.sets = pick(st.sets);
      return out;
    });
    return { keys: take(part.keys, idx), n: idx.length, states };
  });
}

/** Piece j of every split partial (see shuffle.ts), combined and finalized: one output partition of splitOut. */
export function combinePieces(spec: AggSpec, ...pieces: Partial[]): Partition {
  return finalAgg(combineAgg(spec, ...pieces), spec);
}
