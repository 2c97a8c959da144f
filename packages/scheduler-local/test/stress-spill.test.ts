/**
 * End to end under a tiny memory limit, on 'sync' and 'threads': seeded random DAGs of
 * arrays, with containers whose items are taken by picks, spill writes and reads, the pause
 * and outputs spilled and read back at the end, give exactly what a plain recursive
 * evaluation of the same functions gives. STRESS_SEEDS=40 runs more seeds, and
 * STRESS_LIMIT_ARRAYS=1 a limit of one array (everything over the pause: one batch at a time);
 * both were run so when this was written (40 seeds at 6 arrays, 15 seeds at 1, 2 and 20).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compute, delayed, graphOf, op, pickOf, type Delayed, type SchedulerEvent } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';
// @ts-expect-error: a plain JS module of ops, loaded by URL in workers
import { combine, fill, split } from './fixtures/ops.mjs';

const FIXTURES = new URL('./fixtures/ops.mjs', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'tsdask-stress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const L = 20_000; // 160 kB per array
const K = 3;
const SEEDS = process.env['STRESS_SEEDS'] === undefined ? [1, 2, 3] : Array.from({ length: Number(process.env['STRESS_SEEDS']) }, (_, i) => i + 1);

/** A seeded DAG: leaves, sums of up to three earlier values, splits of an earlier value into K items. */
function build(n: number, seed: number): { outs: Delayed<Float64Array>[]; want: Float64Array[] } {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const dFill = delayed(op(FIXTURES, 'fill'));
  const dCombine = delayed(op(FIXTURES, 'combine'));
  const dSplit = delayed(op(FIXTURES, 'split'));
  // Each value: its Delayed and its plain value (the reference), and whether anything used it.
  const vals: { d: Delayed<Float64Array>; v: Float64Array; used: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (i < 3 || r < 0.15) {
      vals.push({ d: dFill(i, L) as Delayed<Float64Array>, v: fill(i, L) as Float64Array, used: false });
    } else if (r < 0.3) {
      const src = vals[Math.floor(rnd() * vals.length)]!;
      src.used = true;
      const parts = dSplit(src.d, K) as Delayed<Float64Array[]>;
      const plain = split(src.v, K) as Float64Array[];
      // Picks of some of its items (an item nobody takes is still fine).
      for (let j = 0; j < K; j++) if (rnd() < 0.8) vals.push({ d: parts.get(j) as Delayed<Float64Array>, v: plain[j]!, used: false });
    } else {
      const deps = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => vals[Math.floor(rnd() * vals.length)]!);
      for (const x of deps) x.used = true;
      vals.push({ d: dCombine(...deps.map((x) => x.d)) as Delayed<Float64Array>, v: combine(...deps.map((x) => x.v)) as Float64Array, used: false });
    }
  }
  const sinks = vals.filter((x) => !x.used);
  return { outs: sinks.map((x) => x.d), want: sinks.map((x) => x.v) };
}

describe.each(['sync', 'threads'])('random DAGs with picks under a tiny memory limit on %s', (scheduler) => {
  it.each(SEEDS)('seed %i: exactly the plain evaluation, spilling on the way, no file left', async (seed) => {
    const { outs, want } = build(80, seed);
    const { graph } = graphOf(outs);
    expect(graph.nodes.filter((x) => pickOf(x) !== undefined).length).toBeGreaterThan(3);
    const spillDir = mkdtempSync(join(dir, `s${seed}-`));
    let spills = 0;
    const got = (await compute(...outs, {
      scheduler,
      memoryLimit: Number(process.env['STRESS_LIMIT_ARRAYS'] ?? 6) * L * 8,
      spillDir,
      callbacks: [{ event: ({ type: name }: SchedulerEvent) => void (name === 'spill' && spills++) }],
    })) as Float64Array[];
    expect(spills).toBeGreaterThan(0);
    expect(got.length).toBe(want.length);
    const wrong = got.map((g, i) => (g.length === L && g.every((x, j) => x === want[i]![j]) ? -1 : i)).filter((i) => i >= 0);
    expect(wrong).toEqual([]);
    expect(readdirSync(spillDir)).toEqual([]);
  });
});
