/**
 * Group codes: the one place that turns key columns into a dense group id per row (ids in
 * order of first appearance) and keeps each group's key values (those of its first row).
 * groupBy's partial and combine steps, dropDuplicates, hash shuffles and joins all group rows
 * through it.
 *
 * Per key column: utf8 and bool codes through a table on the dictionary code (no hashing),
 * other dtypes through a Map of their numbers (-0 equal to 0). A null or NaN key gets -1 (the
 * row is dropped, as pandas drops null keys) or, with dropna false, one code of its own.
 * Several key columns combine pairwise: (ids so far, next column's code) -> a dense id through
 * a direct table while the codes are small, else an open-addressing table of the pairs (PairIds).
 *
 * A GroupCoder keeps its codes across batches, so rows streamed in several batches (a fused
 * CSV scan) get the same ids, in the same order, as in one batch.
 */
import { allocI32, allocU8, allocValues, type ColumnData, type DType } from './columns.js';

/** The groups of n rows: the id of each row (-1: dropped), how many, and the first row of each. */
export interface Groups {
  ids: Int32Array;
  count: number;
  /** The first row of each group. */
  first: Int32Array;
}

/** Dense codes of one key column's values, kept across batches. */
class ColumnCoder {
  card = 0;
  private nullCode = -1;
  private table = new Int32Array(0);
  private readonly map = new Map<number, number>();
  private readonly byCode: boolean;
  constructor(
    private readonly type: DType,
    private readonly dropna: boolean,
  ) {
    this.byCode = type === 'utf8' || type === 'bool';
  }

  /** The code of each of the n rows of `c` into `out`. */
  codes(c: ColumnData, n: number, out: Int32Array): void {
    const valid = c.valid;
    const vals = c.values;
    const dropna = this.dropna;
    let card = this.card;
    let nullCode = this.nullCode;
    if (this.byCode) {
      const size = this.type === 'bool' ? 2 : (c.dict as string[]).length;
      if (this.table.length < size) {
        const t = new Int32Array(Math.max(size, this.table.length * 2)).fill(-1);
        t.set(this.table);
        this.table = t;
      }
      const table = this.table;
      for (let i = 0; i < n; i++) {
        if (valid !== undefined && valid[i] === 0) {
          if (nullCode < 0 && !dropna) nullCode = card++;
          out[i] = nullCode;
          continue;
        }
        const v = vals[i] as number;
        let g = table[v] as number;
        if (g < 0) table[v] = g = card++;
        out[i] = g;
      }
    } else {
      const map = this.map;
      for (let i = 0; i < n; i++) {
        const v = vals[i] as number;
        if ((valid !== undefined && valid[i] === 0) || v !== v) {
          if (nullCode < 0 && !dropna) nullCode = card++;
          out[i] = nullCode;
          continue;
        }
        let g = map.get(v);
        if (g === undefined) map.set(v, (g = card++));
        out[i] = g;
      }
    }
    this.card = card;
    this.nullCode = nullCode;
  }
}

/** The slot of pair (x, y) in a table of mask + 1 slots (codes are dense small integers: multiplicative mixing). */
function pairSlot(x: number, y: number, mask: number): number {
  const h = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b)) | 0;
  return (h ^ (h >>> 16)) & mask;
}

/** The most slots of a direct pair table (4 MiB); past it, pairs go through the hash table. */
const DIRECT_MAX = 1 << 20;

/**
 * Dense ids of pairs (a, b) of codes, in order of first appearance, kept across batches. While
 * the codes are small (a x b within DIRECT_MAX slots: airports by airports), a direct table,
 * id + 1 at slot (x << shift) | y, one load per row; it is laid out again when a code outgrows
 * it. Past that, an open-addressing table of ids over the pairs themselves (pa, pb by id), so a
 * lookup is a few integer compares, not a Map of numbers (which cost two thirds of a two-key
 * groupBy's coding). Both number a new pair count++ when first seen, so ids do not depend on
 * the table.
 */
class PairIds {
  count = 0;
  /** id + 1 per slot (0: empty), at most half full; built when the direct table is given up. */
  private table = new Int32Array(0);
  /** The pair of each id. */
  private pa = new Int32Array(16);
  private pb = new Int32Array(16);
  /** The direct table (undefined once given up), its rows (x < rows) and row width 1 << shift. */
  private direct: Int32Array | undefined = new Int32Array(0);
  private rows = 0;
  private shift = 0;

  /** Replaces a[i] by the id of the pair (a[i], b[i]) for n rows (-1 where either is -1). */
  combine(a: Int32Array, b: Int32Array, n: number): void {
    const done = this.direct === undefined ? 0 : this.combineDirect(a, b, n);
    if (done < n) this.combineHashed(a, b, done, n);
  }

  /** combine through the direct table, from row 0; returns the row it stopped at (n, or where a code outgrew it). */
  private combineDirect(a: Int32Array, b: Int32Array, n: number): number {
    let direct = this.direct as Int32Array;
    let rows = this.rows;
    let shift = this.shift;
    let count = this.count;
    for (let i = 0; i < n; i++) {
      const x = a[i] as number;
      const y = b[i] as number;
      if (x < 0 || y < 0) {
        a[i] = -1;
        continue;
      }
      if (x >= rows || y >> shift !== 0) {
        this.count = count;
        if (!this.layOut(x, y)) return i;
        direct = this.direct as Int32Array;
        rows = this.rows;
        shift = this.shift;
      }
      const k = (x << shift) | y;
      let g = (direct[k] as number) - 1;
      if (g < 0) {
        g = count++;
        if (g >= this.pa.length) this.grow();
        (this.pa as Int32Array)[g] = x;
        (this.pb as Int32Array)[g] = y;
        direct[k] = g + 1;
      }
      a[i] = g;
    }
    this.count = count;
    return n;
  }

  /**
   * A direct table wide and long enough for (x, y) and every pair so far (doubling), or false
   * when it would pass DIRECT_MAX: the pairs then go to the hash table, for good.
   */
  private layOut(x: number, y: number): boolean {
    let shift = this.shift;
    while (y >> shift !== 0) shift++;
    let rows = Math.max(16, this.rows);
    while (x >= rows) rows *= 2;
    if (rows * (1 << shift) > DIRECT_MAX) {
      this.direct = undefined;
      this.table = new Int32Array(1024);
      this.rehash(this.count);
      return false;
    }
    const direct = new Int32Array(rows << shift);
    for (let g = 0; g < this.count; g++) direct[((this.pa[g] as number) << shift) | (this.pb[g] as number)] = g + 1;
    this.direct = direct;
    this.rows = rows;
    this.shift = shift;
    return true;
  }

  /** combine through the hash table, rows [from, n). */
  private combineHashed(a: Int32Array, b: Int32Array, from: number, n: number): void {
    let table = this.table;
    let mask = table.length - 1;
    let pa = this.pa;
    let pb = this.pb;
    let count = this.count;
    for (let i = from; i < n; i++) {
      const x = a[i] as number;
      const y = b[i] as number;
      if (x < 0 || y < 0) {
        a[i] = -1;
        continue;
      }
      let slot = pairSlot(x, y, mask);
      let g = -1;
      for (;;) {
        const e = table[slot] as number;
        if (e === 0) break;
        if (pa[e - 1] === x && pb[e - 1] === y) {
          g = e - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (g < 0) {
        g = count++;
        if (g >= pa.length) this.grow();
        pa = this.pa;
        pb = this.pb;
        pa[g] = x;
        pb[g] = y;
        table[slot] = g + 1;
        if (count * 2 > table.length) {
          this.rehash(count);
          table = this.table;
          mask = table.length - 1;
        }
      }
      a[i] = g;
    }
    this.count = count;
  }

  /** Doubles the pair arrays. */
  private grow(): void {
    const pa = new Int32Array(this.pa.length * 2);
    const pb = new Int32Array(this.pb.length * 2);
    pa.set(this.pa);
    pb.set(this.pb);
    this.pa = pa;
    this.pb = pb;
  }

  /** Doubles the hash table (at least twice `count` slots) and puts the ids of the `count` pairs in it again. */
  private rehash(count: number): void {
    let size = this.table.length * 2;
    while (size < count * 2 + 2) size *= 2;
    const table = new Int32Array(size);
    const mask = table.length - 1;
    for (let g = 0; g < count; g++) {
      let slot = pairSlot(this.pa[g] as number, this.pb[g] as number, mask);
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = g + 1;
    }
    this.table = table;
  }
}

/**
 * Streams rows into dense group ids over key columns of the given dtypes, keeping each group's
 * key values. With no key columns, every row is group 0 (one group, even before any row).
 */
export class GroupCoder {
  /** Groups so far. */
  count: number;
  private readonly coders: ColumnCoder[];
  private readonly pairs: PairIds[];
  private scratch = new Int32Array(0);
  private cap = 0;
  /** The key values and validity of each group's first row, per key column. */
  private keyVals: Float64Array[];
  private keyOk: Uint8Array[];
  private readonly dicts: (string[] | undefined)[];

  constructor(
    private readonly types: readonly DType[],
    dropna = true,
  ) {
    this.count = types.length === 0 ? 1 : 0;
    this.coders = types.map((t) => new ColumnCoder(t, dropna));
    this.pairs = types.slice(1).map(() => new PairIds());
    this.keyVals = types.map(() => new Float64Array(0));
    this.keyOk = types.map(() => new Uint8Array(0));
    this.dicts = types.map((t) => (t === 'utf8' ? [] : undefined));
  }

  /**
   * Writes the group id of each of the n rows of `cols` (one column per key dtype) into `ids`
   * (-1: dropped). Returns the first row of each group this batch added, in id order: ids
   * count-before .. count-after.
   */
  encode(cols: readonly ColumnData[], n: number, ids: Int32Array): Int32Array {
    const k = this.coders.length;
    if (k === 0) {
      ids.fill(0, 0, n);
      return new Int32Array(0);
    }
    cols.forEach((c, j) => {
      if (c.dict !== undefined) this.dicts[j] = c.dict;
    });
    (this.coders[0] as ColumnCoder).codes(cols[0] as ColumnData, n, ids);
    if (k > 1 && this.scratch.length < n) this.scratch = new Int32Array(n);
    for (let j = 1; j < k; j++) {
      (this.coders[j] as ColumnCoder).codes(cols[j] as ColumnData, n, this.scratch);
      (this.pairs[j - 1] as PairIds).combine(ids, this.scratch, n);
    }
    const from = this.count;
    const to = k === 1 ? (this.coders[0] as ColumnCoder).card : (this.pairs[k - 2] as PairIds).count;
    const first = new Int32Array(to - from);
    // Ids are dense and in order of first appearance: a row whose id is not below `seen` starts a group.
    let seen = from;
    for (let i = 0; i < n && seen < to; i++) {
      const g = ids[i] as number;
      if (g < seen) continue;
      first[g - from] = i;
      seen = g + 1;
    }
    this.count = to;
    this.keep(cols, first, from);
    return first;
  }

  /** Keeps the key values of the rows `first` as those of groups from, from + 1, ... */
  private keep(cols: readonly ColumnData[], first: Int32Array, from: number): void {
    const to = from + first.length;
    if (to > this.cap) {
      const cap = Math.max(to, this.cap * 2, 16);
      this.keyVals = this.keyVals.map((a) => {
        const b = new Float64Array(cap);
        b.set(a);
        return b;
      });
      this.keyOk = this.keyOk.map((a) => {
        const b = new Uint8Array(cap);
        b.set(a);
        return b;
      });
      this.cap = cap;
    }
    cols.forEach((c, j) => {
      const vals = this.keyVals[j] as Float64Array;
      const ok = this.keyOk[j] as Uint8Array;
      for (let g = 0; g < first.length; g++) {
        const i = first[g] as number;
        vals[from + g] = c.values[i] as number;
        ok[from + g] = c.valid === undefined ? 1 : (c.valid[i] as number);
      }
    });
  }

  /** The key values of every group so far (from its first row), one column per key. */
  keyColumns(): ColumnData[] {
    const g = this.count;
    return this.types.map((type, k) => {
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
  }
}

/** Groups the rows of `keys` (n rows each); with no key columns, every row is group 0. */
export function groupIds(keys: readonly ColumnData[], n: number, dropna = true): Groups {
  const ids = allocI32(n);
  if (keys.length === 0) return { ids, count: 1, first: Int32Array.of(0) };
  const coder = new GroupCoder(
    keys.map((c) => c.type),
    dropna,
  );
  const first = coder.encode(keys, n, ids);
  return { ids, count: coder.count, first };
}
