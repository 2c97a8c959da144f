/**
 * Two generated tables for the P2P shuffle tests, written as CSV files, and the plain-loop
 * reference of their inner join on `k`: a Map from key to the right rows' `b`, then every left
 * row against its key's list. The join is summed up as its row count, the sums of each column
 * and an order-free hash of its rows (sum of a mix of (k, a, b) per row, mod 2^32), so a
 * result of millions of rows is checked without sorting it, and a lost, doubled or altered row
 * changes the summary.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** The left table: row i has key (i * 7919) % keys (some keys miss the right side) and a = i % 1_000_003. */
export const leftRow = (i: number, keys: number): [number, number] => [(i * 7919) % keys, i % 1_000_003];
/** The right table: row i has key i % keys (keys appear once, or several times when rows > keys) and b = (i * 31) % 999_983. */
export const rightRow = (i: number, keys: number): [number, number] => [i % keys, (i * 31) % 999_983];

/** Writes `rows` rows of `row` as a CSV file with header `k,<col>`. */
export async function writeTable(path: string, col: string, rows: number, row: (i: number) => [number, number]): Promise<void> {
  const out = createWriteStream(path);
  out.write(`k,${col}\n`);
  const CHUNK = 50_000;
  for (let start = 0; start < rows; start += CHUNK) {
    let s = '';
    for (let i = start; i < Math.min(rows, start + CHUNK); i++) {
      const [k, v] = row(i);
      s += `${k},${v}\n`;
    }
    if (!out.write(s)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** What a join's rows sum up to (see the header). */
export interface JoinSummary {
  rows: number;
  sumK: number;
  sumA: number;
  sumB: number;
  hash: number;
}

/** One row's share of the hash. */
export function mix(k: number, a: number, b: number): number {
  let h = Math.imul(k ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (a + 0x632be5ab), 0xc2b2ae35);
  h = Math.imul(h ^ (b + 0x27d4eb2f), 0x165667b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The summary of the inner join of left and right on k, by a plain loop over a Map. */
export function referenceJoin(leftRows: number, rightRows: number, keys: number): JoinSummary {
  const byKey = new Map<number, number[]>();
  for (let i = 0; i < rightRows; i++) {
    const [k, b] = rightRow(i, keys);
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [b]);
    else list.push(b);
  }
  const s: JoinSummary = { rows: 0, sumK: 0, sumA: 0, sumB: 0, hash: 0 };
  for (let i = 0; i < leftRows; i++) {
    const [k, a] = leftRow(i, keys);
    for (const b of byKey.get(k) ?? []) {
      s.rows++;
      s.sumK += k;
      s.sumA += a;
      s.sumB += b;
      s.hash = (s.hash + mix(k, a, b)) >>> 0;
    }
  }
  return s;
}

/** The summary of a join's columns as computed (bigint or number values). */
export function summarize(k: ArrayLike<unknown>, a: ArrayLike<unknown>, b: ArrayLike<unknown>): JoinSummary {
  const s: JoinSummary = { rows: k.length, sumK: 0, sumA: 0, sumB: 0, hash: 0 };
  for (let i = 0; i < k.length; i++) {
    const kk = Number(k[i]);
    const aa = Number(a[i]);
    const bb = Number(b[i]);
    s.sumK += kk;
    s.sumA += aa;
    s.sumB += bb;
    s.hash = (s.hash + mix(kk, aa, bb)) >>> 0;
  }
  return s;
}
