/**
 * The partial step of a groupby, as a stream: rows arrive in batches (one whole partition, or
 * the small batches of a fused CSV scan, see io/ops.ts readCsvAggregate), and each row is
 * added to its group's state in row order. So a partition aggregated in one batch or in many
 * gives the same Partial, bit for bit: the same groups in the same order (first appearance),
 * the same sums added in the same order.
 *
 * Groups: each key column's values get dense codes (utf8 and bool through a table on the
 * dictionary code, other dtypes through a Map; null and NaN keys get -1, as pandas drops
 * them, or one code of their own with dropna false); several keys combine their codes
 * pairwise. A group keeps the key values of its first row.
 * States: count/size as counts, sum, mean as sum + count, var/std as count + mean + M2
 * (Welford's update), min/max, first/last as raw values, nunique as distinct sets.
 * Nulls and NaN are skipped, as pandas skips NaN.
 */
import { allocU8, allocValues, type ColumnData, type DType, type Partition } from './columns.js';
import { rawAt } from './build.js';
import { ColumnNotFoundError } from '../errors.js';
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

function column(p: Partition, name: string): ColumnData {
  const i = p.names.indexOf(name);
  if (i < 0) throw new ColumnNotFoundError(name, p.names, 'groupBy()');
  return p.columns[i] as ColumnData;
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

/** Dense codes of one key column's values, kept across batches. */
class KeyCoder {
  card = 0;
  private nullCode = -1;
  private table = new Int32Array(0);
  private readonly map = new Map<number, number>();
  constructor(private readonly type: DType, private readonly dropna: boolean) {}
  private nullKey(): number {
    if (this.dropna) return -1;
    if (this.nullCode < 0) this.nullCode = this.card++;
    return this.nullCode;
  }
  codes(c: ColumnData, n: number, out: Int32Array): void {
    const valid = c.valid;
    const vals = c.values;
    if (this.type === 'utf8' || this.type === 'bool') {
      const size = this.type === 'bool' ? 2 : (c.dict as string[]).length;
      if (this.table.length < size) {
        const t = new Int32Array(Math.max(size, this.table.length * 2)).fill(-1);
        t.set(this.table);
        this.table = t;
      }
      const table = this.table;
      for (let i = 0; i < n; i++) {
        if (valid !== undefined && valid[i] === 0) {
          out[i] = this.nullKey();
          continue;
        }
        const v = vals[i] as number;
        let g = table[v] as number;
        if (g < 0) table[v] = g = this.card++;
        out[i] = g;
      }
      return;
    }
    const map = this.map;
    for (let i = 0; i < n; i++) {
      const v = vals[i] as number;
      if ((valid !== undefined && valid[i] === 0) || v !== v) {
        out[i] = this.nullKey();
        continue;
      }
      let g = map.get(v);
      if (g === undefined) map.set(v, (g = this.card++));
      out[i] = g;
    }
  }
}

/** Dense ids of pairs (a, b) of codes, in order of first appearance, kept across batches. */
class PairIds {
  count = 0;
  private readonly num = new Map<number, number>();
  private readonly str = new Map<string, number>();
  id(a: number, b: number): number {
    // a * 2^32 + b is exact while a < 2^21; beyond that, a string key.
    if (a < 2097152) {
      const key = a * 4294967296 + b;
      let g = this.num.get(key);
      if (g === undefined) this.num.set(key, (g = this.count++));
      return g;
    }
    const key = `${a},${b}`;
    let g = this.str.get(key);
    if (g === undefined) this.str.set(key, (g = this.count++));
    return g;
  }
}

/** Streams rows into per-group states; `finish` gives the Partial that combineAgg merges. */
export class PartialAggregator {
  private groups = 0;
  private cap = 0;
  private readonly coders: KeyCoder[];
  private readonly pairs: PairIds[];
  private ids = new Int32Array(0);
  private next = new Int32Array(0);
  /** The key values and validity of each group's first row, per key column. */
  private keyVals: Float64Array[];
  private keyOk: Uint8Array[];
  private readonly dicts: (string[] | undefined)[];
  private readonly states: State[];
  private readonly sets: Set<Raw>[][];
  constructor(private readonly spec: AggSpec, private readonly keyTypes: DType[]) {
    const dropna = spec.dropna !== false;
    this.coders = keyTypes.map((t) => new KeyCoder(t, dropna));
    this.pairs = keyTypes.slice(1).map(() => new PairIds());
    this.keyVals = keyTypes.map(() => new Float64Array(0));
    this.keyOk = keyTypes.map(() => new Uint8Array(0));
    this.dicts = keyTypes.map((t) => (t === 'utf8' ? [] : undefined));
    this.states = spec.aggs.map(() => ({}));
    this.sets = spec.aggs.map(() => []);
    if (keyTypes.length === 0) this.grow(1), (this.groups = 1);
  }

  /** Room for n groups in every state and key array. */
  private grow(n: number): void {
    if (n <= this.cap) return;
    const cap = Math.max(n, this.cap * 2, 16);
    this.keyVals = this.keyVals.map((a) => growF64(a, cap));
    this.keyOk = this.keyOk.map((a) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    });
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

  /** Group ids of the batch's n rows (-1: dropped), new groups' first rows recorded. */
  private groupIds(keyCols: ColumnData[], n: number): Int32Array {
    if (this.ids.length < n) {
      this.ids = new Int32Array(n);
      this.next = new Int32Array(n);
    }
    const ids = this.ids;
    if (keyCols.length === 0) {
      ids.fill(0, 0, n);
      return ids;
    }
    (this.coders[0] as KeyCoder).codes(keyCols[0] as ColumnData, n, ids);
    for (let k = 1; k < keyCols.length; k++) {
      const next = this.next;
      (this.coders[k] as KeyCoder).codes(keyCols[k] as ColumnData, n, next);
      const pairs = this.pairs[k - 1] as PairIds;
      for (let i = 0; i < n; i++) {
        const a = ids[i] as number;
        const b = next[i] as number;
        ids[i] = a < 0 || b < 0 ? -1 : pairs.id(a, b);
      }
    }
    let seen = this.groups; // groups so far, counting the new ones of this batch
    for (let i = 0; i < n; i++) {
      const g = ids[i] as number;
      if (g < seen) continue;
      // A new group (ids are dense and in order of first appearance): keep its key values.
      this.grow(g + 1);
      this.groups = seen = g + 1;
      for (let k = 0; k < keyCols.length; k++) {
        const c = keyCols[k] as ColumnData;
        (this.keyVals[k] as Float64Array)[g] = c.values[i] as number;
        (this.keyOk[k] as Uint8Array)[g] = c.valid === undefined ? 1 : (c.valid[i] as number);
      }
    }
    return ids;
  }

  /** Adds the rows of a batch (it has the key and aggregated columns by name). */
  add(p: Partition): void {
    const n = p.length;
    const keyCols = this.spec.keys.map((k) => column(p, k));
    keyCols.forEach((c, k) => {
      if (c.dict !== undefined) this.dicts[k] = c.dict;
    });
    const ids = this.groupIds(keyCols, n);
    this.spec.aggs.forEach(([, colName, fn], a) => {
      const st = this.states[a] as State;
      if (fn === 'size') {
        const cnt = st.cnt as Float64Array;
        for (let i = 0; i < n; i++) if ((ids[i] as number) >= 0) cnt[ids[i] as number]++;
        return;
      }
      const cc = column(p, colName);
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
    const g = this.groups;
    const columns: ColumnData[] = this.keyTypes.map((type, k) => {
      const values = allocValues(type, g);
      const src = this.keyVals[k] as Float64Array;
      for (let i = 0; i < g; i++) values[i] = src[i] as number;
      const out: ColumnData = { type, values };
      const dict = this.dicts[k];
      if (dict !== undefined) out.dict = dict;
      const ok = (this.keyOk[k] as Uint8Array).subarray(0, g);
      if (ok.includes(0)) {
        const valid = allocU8(g);
        valid.set(ok);
        out.valid = valid;
      }
      return out;
    });
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
