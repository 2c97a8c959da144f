/**
 * Chaos support: the workloads a chaos run computes on the cluster, each with its reference
 * worked out by a plain loop in the test's process. A workload resolves with undefined when the
 * cluster's answer is right, or with a description of the wrong answer (never a throw for a
 * wrong value: the caller counts wrong answers apart from errors and hangs).
 * - futures: client.map of a slow function over 48 items, then a two-level reduction with submit;
 * - dataframe: a groupBy sum and size over 12 partitions, sorted (a tree reduction across workers),
 *   and a merge of two frames on a key (a shuffle);
 * - array: a 1-d arange rechunked and multiplied by itself (inputs move between workers), summed.
 */
import { arange } from '@tsdask/array';
import { col, fromRecords } from '@tsdask/dataframe';
import type { Client } from '../../../src/client/client.js';

export interface Workload {
  name: string;
  /** Runs it on `client` with data drawn from `seed`: undefined when right, else what was wrong. */
  run(client: Client, seed: number): Promise<string | undefined>;
}

/** The first place two JSON-able values differ, or undefined when equal. */
function differs(got: unknown, want: unknown, what: string): string | undefined {
  const g = JSON.stringify(got, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  const w = JSON.stringify(want, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  if (g === w) return undefined;
  let i = 0;
  while (i < g.length && g[i] === w[i]) i++;
  return `${what}: got ${g.slice(Math.max(0, i - 60), i + 80)} where ${w.slice(Math.max(0, i - 60), i + 80)} was expected (at character ${i})`;
}

const futures: Workload = {
  name: 'futures map + reduce',
  async run(client, seed) {
    const xs = Array.from({ length: 48 }, (_, i) => i + seed);
    const fs = client.map((x: number) => {
      const end = Date.now() + 25;
      while (Date.now() < end);
      return (x * x) % 10007;
    }, xs);
    const add = (...vs: number[]): number => vs.reduce((s, v) => s + v, 0);
    const partials = Array.from({ length: 6 }, (_, g) => client.submit(add, ...fs.slice(g * 8, g * 8 + 8)));
    const total = client.submit(add, ...partials);
    const want = xs.map((x) => (x * x) % 10007);
    let wantTotal = 0;
    for (const v of want) wantTotal += v;
    return differs(await client.gather(fs), want, 'map results') ?? differs(await total.result(), wantTotal, 'reduced total');
  },
};

const dataframe: Workload = {
  name: 'dataframe groupBy + merge',
  async run(client, seed) {
    const rows = Array.from({ length: 6000 }, (_, i) => ({ k: `g${(i * 7 + seed) % 23}`, v: (i * 31 + seed) % 1000 }));
    const byKey = new Map<string, { s: number; n: number }>();
    for (const r of rows) {
      const e = byKey.get(r.k) ?? { s: 0, n: 0 };
      e.s += r.v;
      e.n += 1;
      byKey.set(r.k, e);
    }
    const want = [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, e]) => ({ k, s: e.s, n: e.n }));
    const df = fromRecords(rows, { npartitions: 12 });
    const grouped = df
      .groupBy('k')
      .agg({ s: ['v', 'sum'], n: ['v', 'size'] })
      .sortValues('k');
    const got = await grouped.toRecords({ scheduler: client });
    const bad = differs(got, want, 'groupBy sum/size');
    if (bad !== undefined) return bad;
    // A merge of the rows with a small table of per-key weights, then the weighted sum per key.
    const weights = Array.from({ length: 23 }, (_, j) => ({ k: `g${j}`, w: (j % 5) + 1 }));
    const merged = df
      .merge(fromRecords(weights, { npartitions: 3 }), { on: 'k' })
      .filter(col('w').gt(2))
      .groupBy('k')
      .agg({ s: ['v', 'sum'] })
      .sortValues('k');
    const wantMerged = want.filter((r) => Number(r.k.slice(1)) % 5 >= 2).map((r) => ({ k: r.k, s: r.s }));
    return differs(await merged.toRecords({ scheduler: client }), wantMerged, 'merge then groupBy sum');
  },
};

const array: Workload = {
  name: 'array reduction',
  async run(client, seed) {
    const n = 400_000 + seed;
    const x = arange(0, n, 1, { chunks: 25_000 });
    const y = x.rechunk(40_000).mul(x).sum();
    let want = 0n;
    for (let i = 0n; i < BigInt(n); i++) want += i * i;
    return differs(await y.compute({ scheduler: client }), want, 'sum of squares');
  },
};

/** The three workloads of a chaos run, in the order they run. */
export const WORKLOADS: Workload[] = [futures, dataframe, array];
