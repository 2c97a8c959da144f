/**
 * Group coding (kernels/group-codes.ts) and the keys built on it (kernels/keys.ts) against a
 * plain loop: each row's key values written out as a string, numbered in order of first
 * appearance. Seeded random key columns of every dtype, with nulls, NaN, -0, strings, dates,
 * booleans and several columns at once; rows streamed in random batches must get the ids of
 * one batch.
 */
import { describe, expect, it } from 'vitest';
import { lcg } from '../../../test/support/seeded-random.js';
import type { ColumnData, DType, Partition } from '../dist/kernels/columns.js';
// Internal modules, from the build as the other tests (no public export for them).
import { GroupCoder, groupIds } from '../dist/kernels/group-codes.js';
import { NULL_KEY, hashBuckets, hashKey, keyGroups, type RowKey } from '../dist/kernels/keys.js';
import { columnIndex, columnOf } from '../dist/kernels/column-lookup.js';
import { ColumnNotFoundError } from '@tsdask/dataframe';

const WORDS = ['ATL', 'ORD', 'DFW', 'LAX', 'den', 'Den', '', 'SFO'];

/** A random column of n rows with about `card` distinct values and some nulls. */
function randomColumn(rand: () => number, type: DType, n: number, card: number, nulls: boolean): ColumnData {
  const valid = new Uint8Array(n);
  let anyNull = false;
  const values = type === 'float64' || type === 'int64' || type === 'timestamp' ? new Float64Array(n) : type === 'bool' ? new Uint8Array(n) : new Int32Array(n);
  const dict = type === 'utf8' ? [...WORDS, ...Array.from({ length: Math.max(0, card - WORDS.length) }, (_, i) => `w${i}`)] : undefined;
  for (let i = 0; i < n; i++) {
    const isNull = nulls && rand() < 0.1;
    valid[i] = isNull ? 0 : 1;
    anyNull ||= isNull;
    const r = Math.floor(rand() * card);
    if (type === 'float64') {
      // NaN is a null key; -0 equals 0.
      const u = rand();
      values[i] = u < 0.05 ? NaN : u < 0.1 ? -0 : r / 4 - 3;
    } else if (type === 'bool') values[i] = r % 2;
    else if (type === 'utf8') values[i] = r % (dict as string[]).length;
    else if (type === 'date') values[i] = 18000 + r;
    else values[i] = r - Math.floor(card / 2);
  }
  const c: ColumnData = { type, values };
  if (anyNull) c.valid = valid;
  if (dict !== undefined) c.dict = dict;
  return c;
}

/** A row's key value in plain JavaScript: null for null or NaN, strings from the dictionary. */
function plainValue(c: ColumnData, i: number): string | number | null {
  if (c.valid !== undefined && c.valid[i] === 0) return null;
  const v = c.values[i] as number;
  if (c.type === 'utf8') return (c.dict as string[])[v] as string;
  return v !== v ? null : v === 0 ? 0 : v;
}

/** The reference: ids in order of first appearance of each tuple of key values (-1 when dropped). */
function referenceIds(cols: ColumnData[], n: number, dropna: boolean): { ids: number[]; first: number[] } {
  const seen = new Map<string, number>();
  const ids: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < n; i++) {
    const vals = cols.map((c) => plainValue(c, i));
    if (dropna && vals.some((v) => v === null)) {
      ids.push(-1);
      continue;
    }
    const key = JSON.stringify(vals);
    let g = seen.get(key);
    if (g === undefined) {
      seen.set(key, (g = seen.size));
      first.push(i);
    }
    ids.push(g);
  }
  if (cols.length === 0) return { ids: Array(n).fill(0), first: [0] };
  return { ids, first };
}

const TYPES: DType[] = ['float64', 'int32', 'int64', 'bool', 'utf8', 'date', 'timestamp'];

function randomKeys(rand: () => number, n: number): ColumnData[] {
  const k = Math.floor(rand() * 4);
  return Array.from({ length: k }, () => {
    const type = TYPES[Math.floor(rand() * TYPES.length)] as DType;
    const card = 1 + Math.floor(rand() * (rand() < 0.2 ? 3000 : 12));
    return randomColumn(rand, type, n, card, rand() < 0.7);
  });
}

function sliceColumn(c: ColumnData, s: number, e: number): ColumnData {
  const out: ColumnData = { type: c.type, values: c.values.slice(s, e) };
  if (c.valid !== undefined) out.valid = c.valid.slice(s, e);
  if (c.dict !== undefined) out.dict = c.dict;
  return out;
}

describe('groupIds', () => {
  it('numbers groups of random keys (nulls, NaN, -0, strings, dates, several columns) like a plain loop', () => {
    const rand = lcg(42);
    for (let trial = 0; trial < 150; trial++) {
      const n = Math.floor(rand() * (rand() < 0.2 ? 20000 : 300));
      const cols = randomKeys(rand, n);
      for (const dropna of [true, false]) {
        const ref = referenceIds(cols, n, dropna);
        const got = groupIds(cols, n, dropna);
        expect(Array.from(got.ids)).toEqual(ref.ids);
        expect(got.count).toBe(ref.first.length);
        expect(Array.from(got.first)).toEqual(ref.first);
      }
    }
  });

  it('combines many distinct codes in several columns (the pair table grows, rehashing its ids)', () => {
    const rand = lcg(5);
    const n = 30000;
    const cols = [randomColumn(rand, 'int32', n, 5000, false), randomColumn(rand, 'float64', n, 8000, true), randomColumn(rand, 'utf8', n, 3000, true)];
    const ref = referenceIds(cols, n, false);
    const got = groupIds(cols, n, false);
    expect(Array.from(got.ids)).toEqual(ref.ids);
    expect(Array.from(got.first)).toEqual(ref.first);
  });
});

describe('GroupCoder', () => {
  it('numbers pairs the same through the direct table, as its codes outgrow it batch by batch, and past it', () => {
    // Two utf8-like code columns whose codes grow: small first (the direct pair table), then
    // wider rows and longer columns (laid out again), then beyond its size (the hash table).
    const rand = lcg(77);
    const n = 40_000;
    const a = new Int32Array(n);
    const b = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const reach = i < 10_000 ? 20 : i < 20_000 ? 700 : 5000;
      a[i] = Math.floor(rand() * reach);
      b[i] = Math.floor(rand() * (i < 30_000 ? reach : 3000));
    }
    const dict = Array.from({ length: 5000 }, (_, i) => `s${i}`);
    const cols: ColumnData[] = [
      { type: 'utf8', values: a, dict },
      { type: 'utf8', values: b, dict },
    ];
    const ref = referenceIds(cols, n, true);
    const coder = new GroupCoder(['utf8', 'utf8']);
    const ids: number[] = [];
    for (let s = 0; s < n;) {
      const e = Math.min(n, s + 1 + Math.floor(rand() * 6000));
      const out = new Int32Array(e - s);
      coder.encode(
        cols.map((c) => sliceColumn(c, s, e)),
        e - s,
        out,
      );
      ids.push(...out);
      s = e;
    }
    expect(ids).toEqual(ref.ids);
    expect(coder.count).toBe(ref.first.length);
  });
  it('gives rows streamed in random batches the ids of one batch, and each group the key values of its first row', () => {
    const rand = lcg(9);
    for (let trial = 0; trial < 60; trial++) {
      const n = Math.floor(rand() * 2000);
      const cols = randomKeys(rand, n);
      const dropna = rand() < 0.5;
      const ref = referenceIds(cols, n, dropna);
      const coder = new GroupCoder(
        cols.map((c) => c.type),
        dropna,
      );
      const ids: number[] = [];
      const firsts: number[] = [];
      for (let s = 0; s < n;) {
        const e = Math.min(n, s + 1 + Math.floor(rand() * 300));
        const out = new Int32Array(e - s);
        const first = coder.encode(
          cols.map((c) => sliceColumn(c, s, e)),
          e - s,
          out,
        );
        ids.push(...out);
        firsts.push(...Array.from(first, (r) => r + s));
        s = e;
      }
      expect(ids).toEqual(ref.ids);
      const groups = cols.length === 0 ? 1 : ref.first.length;
      expect(coder.count).toBe(groups);
      if (cols.length > 0) expect(firsts).toEqual(ref.first);
      const keys = coder.keyColumns();
      keys.forEach((kc, k) => {
        const src = cols[k] as ColumnData;
        expect(kc.type).toBe(src.type);
        for (let g = 0; g < groups; g++) expect(plainValue(kc, g)).toEqual(plainValue(src, ref.first[g] as number));
      });
    }
  });
});

/** The old per-row key (a plain loop): what keys equal across partitions must look like. */
function referenceKey(cols: ColumnData[], i: number, nullsEqual: boolean): RowKey {
  const vals = cols.map((c) => plainValue(c, i));
  if (cols.length === 1) return vals[0] ?? (nullsEqual ? NULL_KEY : undefined);
  if (!nullsEqual && vals.some((v) => v === null)) return undefined;
  return vals.map((v) => (v === null ? 'z\u0000' : (typeof v === 'number' ? 'n' : 's') + String(v) + '\u0000')).join('');
}

describe('keyGroups and hashBuckets', () => {
  it('give every row the key and bucket of a per-row plain loop', () => {
    const rand = lcg(17);
    for (let trial = 0; trial < 80; trial++) {
      const n = Math.floor(rand() * 500);
      const cols = randomKeys(rand, n);
      const p: Partition = { names: cols.map((_, k) => `k${k}`), columns: cols, length: n };
      const nullsEqual = rand() < 0.5;
      const kg = keyGroups(p, p.names, 'test', nullsEqual);
      const buckets = hashBuckets(kg, n, 7);
      for (let i = 0; i < n; i++) {
        const want = referenceKey(cols, i, nullsEqual);
        const g = kg.ids[i] as number;
        // -0 and 0 are one key (a Map's SameValueZero, hashKey): compare them as equal.
        const got = g < 0 ? undefined : kg.keys[g];
        expect(got === 0 ? 0 : got).toEqual(want);
        expect(buckets[i]).toBe(hashKey(want) % 7);
      }
    }
  });

  it('names the missing key column, with the closest name', () => {
    const p: Partition = {
      names: ['delay', 'origin'],
      columns: [randomColumn(lcg(1), 'int32', 3, 2, false), randomColumn(lcg(2), 'utf8', 3, 2, false)],
      length: 3,
    };
    expect(() => keyGroups(p, ['dleay'], 'merge() left side')).toThrow(ColumnNotFoundError);
    expect(() => keyGroups(p, ['dleay'], 'merge() left side')).toThrow(/'dleay' not found in merge\(\) left side\. Did you mean 'delay'\?/);
  });
});

describe('column lookup', () => {
  const p: Partition = {
    names: ['delay', 'origin'],
    columns: [randomColumn(lcg(1), 'int32', 3, 2, false), randomColumn(lcg(2), 'utf8', 3, 2, false)],
    length: 3,
  };
  it('finds a column by name in a partition or a schema', () => {
    expect(columnIndex({ names: ['a', 'b'] }, 'b')).toBe(1);
    expect(columnOf(p, 'origin')).toBe(p.columns[1]);
  });
  it('throws ColumnNotFoundError with where, the columns and the closest name (none when nothing is close)', () => {
    let err: unknown;
    try {
      columnOf(p, 'Origni', 'sort');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ColumnNotFoundError);
    const e = err as ColumnNotFoundError;
    expect(e.code).toBe('TSDASK_DF_COLUMN_NOT_FOUND');
    expect(e.suggestion).toBe('origin');
    expect(e.message).toBe("Column 'Origni' not found in sort. Did you mean 'origin'? Columns are: 'delay', 'origin'.");
    expect(() => columnIndex(p, 'carrier')).toThrow("Column 'carrier' not found. Columns are: 'delay', 'origin'.");
  });
});
