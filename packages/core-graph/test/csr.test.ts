/**
 * The CSR builders (graph/csr.ts) against plain arrays of arrays built by hand-written loops,
 * on seeded random lists.
 */
import { describe, expect, it } from 'vitest';
import { lcg } from '../../../test/support/seeded-random.js';
import { CsrBuilder, groupCsr, invertCsr, type Csr } from '@tsdask/core-graph';

/** The rows of a CSR as plain arrays. */
function rowsOf(c: Csr, n: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from(c.idx.subarray(c.ptr[r], c.ptr[r + 1])));
}

/** Random rows of entries below `m` (repeats likely). */
function randomRows(rand: () => number, n: number, m: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: Math.floor(rand() * 6) }, () => Math.floor(rand() * m)));
}

describe('CsrBuilder', () => {
  it('keeps every entry in order, or each distinct entry once per row', () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(rand() * 40);
      const m = 1 + Math.floor(rand() * 10);
      const rows = randomRows(rand, n, m);
      const all = new CsrBuilder(n, { capacity: 1 });
      const distinct = new CsrBuilder(n, { distinct: m, shared: false });
      rows.forEach((row, r) => {
        all.start(r);
        distinct.start(r);
        for (const v of row) {
          all.push(v);
          distinct.push(v);
        }
      });
      const a = all.finish();
      const d = distinct.finish();
      expect(a.ptr.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(d.ptr.buffer).toBeInstanceOf(ArrayBuffer);
      expect(rowsOf(a, n)).toEqual(rows);
      expect(rowsOf(d, n)).toEqual(rows.map((row) => row.filter((v, i) => row.indexOf(v) === i)));
    }
  });
});

describe('invertCsr', () => {
  it('lists, for each entry, the rows that hold it, ascending', () => {
    const rand = lcg(11);
    const n = 30;
    const rows = randomRows(rand, n, n).map((row) => [...new Set(row)]);
    const b = new CsrBuilder(n);
    rows.forEach((row, r) => {
      b.start(r);
      row.forEach((v) => b.push(v));
    });
    const { ptr, idx } = b.finish();
    const { outPtr, outIdx } = invertCsr(n, ptr, idx);
    const expected = Array.from({ length: n }, (_, v) => rows.flatMap((row, r) => (row.includes(v) ? [r] : [])));
    expect(rowsOf({ ptr: outPtr, idx: outIdx }, n)).toEqual(expected);
  });
});

describe('groupCsr', () => {
  it('groups items by their group, in item order or a given order, leaving out negative groups', () => {
    const rand = lcg(3);
    for (let trial = 0; trial < 20; trial++) {
      const n = Math.floor(rand() * 50);
      const count = 1 + Math.floor(rand() * 6);
      const groupOf = Int32Array.from({ length: n }, () => Math.floor(rand() * (count + 1)) - 1);
      const order = Int32Array.from(Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5));
      const expect1 = Array.from({ length: count }, (_, g) => [...Array(n).keys()].filter((i) => groupOf[i] === g));
      const expect2 = Array.from({ length: count }, (_, g) => Array.from(order).filter((i) => groupOf[i] === g));
      expect(rowsOf(groupCsr(count, groupOf), count)).toEqual(expect1);
      expect(rowsOf(groupCsr(count, groupOf, order), count)).toEqual(expect2);
    }
  });
});
