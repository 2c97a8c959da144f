/**
 * The partial step of a groupby, as a stream: rows arrive in batches (one whole partition, or
 * the small batches of a fused CSV scan, see io/ops.ts readCsvAggregate), and each row is
 * added to its group's state in row order. So a partition aggregated in one batch or in many
 * gives the same Partial, bit for bit: the same groups in the same order (first appearance),
 * the same sums added in the same order.
 *
 * Groups: a GroupCoder (group-codes.ts) gives each row its group id, kept across batches
 * (null and NaN keys are dropped, as pandas drops them, or a group of their own with dropna
 * false); a group keeps the key values of its first row.
 * States: count/size as counts, sum, mean as sum + count, var/std as count + mean + M2
 * (Welford's update), min/max, first/last as raw values, nunique as distinct sets.
 * Nulls and NaN are skipped, as pandas skips NaN.
 */
import type { ColumnData, DType, Partition } from './columns.js';
import { GroupCoder } from './group-codes.js';
import { rawAt } from './build.js';
import { columnOf } from './column-lookup.js';
import { INT64_EXACT, int64RangeError } from '../int64.js';

/** Aggregations; 'firstRow' (internal, for dropDuplicates) is the first row's value, null or not. */
export type AggFn = 'sum' | 'mean' | 'min' | 'max' | 'count' | 'size' | 'std' | 'var' | 'first' | 'last' | 'nunique' | 'firstRow';

export interface AggSpec {
  keys: string[];
  aggs: [string, string, AggFn][];
  /** The input dtypes of the aggregated columns (for output types). */
  types: DType[];
  /** False keeps rows whose key is null, as a group of their own (default true: dropped). */
  dropna?: boolean;
}

export type Raw = number | string | null;

/** The state of one aggregation, one entry per group. */
export interface State {
  cnt?: Float64Array;
  sum?: Float64Array;
  mean?: Float64Array;
  m2?: Float64Array;
  vals?: Raw[];
  seen?: Uint8Array;
  sets?: Raw[][];
}

/** One row per group: its key values and the state of each aggregation. */
export interface Partial {
  keys: Partition;
  n: number;
  states: State[];
}

function present(c: ColumnData, i: number): boolean {
  if (c.valid !== undefined && c.valid[i] === 0) return false;
  const v = c.values[i] as number;
  return v === v;
}

/** True when x should replace cur for fn (min, max, first, last). */
export function better(fn: AggFn, cur: Raw, x: Raw): boolean {
  if (x === null) return false;
  if (cur === null) return true;
  if (fn === 'min') return x < cur;
  if (fn === 'max') return x > cur;
  return fn === 'last';
}

function growF64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/** Streams rows into per-group states; `finish` gives the Partial that combineAgg merges. */
export class PartialAggregator {
  private cap = 0;
  /** Group ids and each group's key values (group-codes.ts). */
  private readonly coder: GroupCoder;
  private ids = new Int32Array(0);
  private readonly states: State[];
  private readonly sets: Set<Raw>[][];
  constructor(
    private readonly spec: AggSpec,
    keyTypes: DType[],
  ) {
    this.coder = new GroupCoder(keyTypes, spec.dropna !== false);
    this.states = spec.aggs.map(() => ({}));
    this.sets = spec.aggs.map(() => []);
    this.grow(this.coder.count);
  }

  /** Room for n groups in every state. */
  private grow(n: number): void {
    if (n <= this.cap) return;
    const cap = Math.max(n, this.cap * 2, 16);
    this.spec.aggs.forEach(([, , fn], a) => {
      const st = this.states[a] as State;
      switch (fn) {
        case 'count':
        case 'size':
          st.cnt = growF64(st.cnt ?? new Float64Array(0), cap);
          break;
        case 'sum':
        case 'mean':
          st.cnt = growF64(st.cnt ?? new Float64Array(0), cap);
          st.sum = growF64(st.sum ?? new Float64Array(0), cap);
          break;
        case 'std':
        case 'var':
          st.cnt = growF64(st.cnt ?? new Float64Array(0), cap);
          st.mean = growF64(st.mean ?? new Float64Array(0), cap);
          st.m2 = growF64(st.m2 ?? new Float64Array(0), cap);
          break;
        case 'firstRow': {
          const seen = new Uint8Array(cap);
          if (st.seen !== undefined) seen.set(st.seen);
          st.seen = seen;
          st.vals ??= [];
          while (st.vals.length < cap) st.vals.push(null);
          break;
        }
        case 'nunique': {
          const sets = this.sets[a] as Set<Raw>[];
          while (sets.length < cap) sets.push(new Set());
          break;
        }
        default:
          st.vals ??= [];
          while (st.vals.length < cap) st.vals.push(null);
      }
    });
    this.cap = cap;
  }

  /** Adds the rows of a batch (it has the key and aggregated columns by name). */
  add(p: Partition): void {
    const n = p.length;
    if (this.ids.length < n) this.ids = new Int32Array(n);
    const ids = this.ids;
    this.coder.encode(
      this.spec.keys.map((k) => columnOf(p, k, 'groupBy()')),
      n,
      ids,
    );
    this.grow(this.coder.count);
    this.spec.aggs.forEach(([, colName, fn], a) => {
      const st = this.states[a] as State;
      if (fn === 'size') {
        const cnt = st.cnt as Float64Array;
        for (let i = 0; i < n; i++) if ((ids[i] as number) >= 0) cnt[ids[i] as number]++;
        return;
      }
      const cc = columnOf(p, colName, 'groupBy()');
      const v = cc.values;
      if (fn === 'sum' && cc.type !== 'float64') {
        // An integer sum: exact while every partial sum stays within 2^53, an error after.
        const cnt = st.cnt as Float64Array;
        const sum = st.sum as Float64Array;
        const valid = cc.valid;
        for (let i = 0; i < n; i++) {
          const g = ids[i] as number;
          if (g < 0 || (valid !== undefined && valid[i] === 0)) continue;
          cnt[g]++;
          const s = (sum[g] as number) + (v[i] as number);
          sum[g] = s;
          if (s > INT64_EXACT || s < -INT64_EXACT) throw int64RangeError(`sum of '${colName}'`, s);
        }
      } else if (fn === 'count' || fn === 'sum' || fn === 'mean') {
        // present(cc, i) written out: the hottest loop of a groupBy.
        const cnt = st.cnt as Float64Array;
        const sum = st.sum;
        const valid = cc.valid;
        for (let i = 0; i < n; i++) {
          const g = ids[i] as number;
          if (g < 0 || (valid !== undefined && valid[i] === 0)) continue;
          const x = v[i] as number;
          if (x !== x) continue;
          cnt[g]++;
          if (sum !== undefined) sum[g] += x;
        }
      } else if (fn === 'std' || fn === 'var') {
        const cnt = st.cnt as Float64Array;
        const mean = st.mean as Float64Array;
        const m2 = st.m2 as Float64Array;
        for (let i = 0; i < n; i++) {
          const g = ids[i] as number;
          if (g < 0 || !present(cc, i)) continue;
          const x = v[i] as number;
          const k = ++cnt[g];
          const d = x - (mean[g] as number);
          mean[g] += d / k;
          m2[g] += d * (x - (mean[g] as number));
        }
      } else if (fn === 'nunique') {
        const sets = this.sets[a] as Set<Raw>[];
        for (let i = 0; i < n; i++) {
          const g = ids[i] as number;
          if (g >= 0 && present(cc, i)) (sets[g] as Set<Raw>).add(rawAt(cc, i));
        }
      } else if (fn === 'firstRow') {
        const vals = st.vals as Raw[];
        const seen = st.seen as Uint8Array;
        for (let i = 0; i < n; i++) {
          const g = ids[i] as number;
          if (g < 0 || seen[g] === 1) continue;
          seen[g] = 1;
          vals[g] = rawAt(cc, i);
        }
      } else {
        const vals = st.vals as Raw[];
        for (let i = 0; i < n; i++) {
          const g = ids[i] as number;
          if (g < 0 || !present(cc, i)) continue;
          if (fn === 'first' && vals[g] !== null) continue;
          const x = rawAt(cc, i);
          if (better(fn, vals[g] as Raw, x)) vals[g] = x;
        }
      }
    });
  }

  /** The partial aggregate of every row added. */
  finish(): Partial {
    const g = this.coder.count;
    const columns = this.coder.keyColumns();
    const states = this.spec.aggs.map(([, , fn], a): State => {
      const st = this.states[a] as State;
      const out: State = {};
      if (st.cnt !== undefined) out.cnt = st.cnt.slice(0, g);
      if (st.sum !== undefined) out.sum = st.sum.slice(0, g);
      if (st.mean !== undefined) out.mean = st.mean.slice(0, g);
      if (st.m2 !== undefined) out.m2 = st.m2.slice(0, g);
      if (st.seen !== undefined) out.seen = st.seen.slice(0, g);
      if (st.vals !== undefined) out.vals = st.vals.slice(0, g);
      if (fn === 'nunique') out.sets = (this.sets[a] as Set<Raw>[]).slice(0, g).map((s) => [...s]);
      return out;
    });
    return { keys: { names: this.spec.keys, columns, length: g }, n: g, states };
  }
}
