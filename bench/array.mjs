// bench/array: @tsdask/array figures, each beside its baseline measured in the same run.
// Run with `npm run bench:array` (builds first). Median of RUNS runs; the CPU may be shared.
import * as da from '@tsdask/array';
import { closePool } from '@tsdask/scheduler-local';
import os from 'node:os';

const RUNS = Number(process.env.RUNS ?? 5);
// FIGURES=1,2 runs only those figures (numbered as below); all of them by default.
const FIGURES = new Set((process.env.FIGURES ?? '1,2,3,4,5').split(',').map(Number));
const N = 1e8;
const GB = (bytes, s) => bytes / s / 1e9;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
async function time(fn, runs = RUNS) {
  const ts = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await fn();
    ts.push((performance.now() - t) / 1000);
  }
  return { s: median(ts), out };
}
// Several functions measured in turns (a, b, c, a, b, c, ...), so a change in machine load
// (the CPU is shared) hits each of them alike; returns the median time of each.
async function interleaved(fns, runs = RUNS) {
  const ts = fns.map(() => []);
  const outs = [];
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < fns.length; k++) {
      const t = performance.now();
      outs[k] = await fns[k]();
      ts[k].push((performance.now() - t) / 1000);
    }
  }
  return ts.map((t, k) => ({ s: median(t), out: outs[k] }));
}
const fmt = (s) => `${s.toFixed(3)} s`;
const line = (name, ours, base, extra = '') => console.log(`${name.padEnd(44)} ${ours.padStart(12)}   baseline ${base.padStart(12)}   ${extra}`);

function sum4(a) {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const n = a.length - (a.length % 4);
  for (let i = 0; i < n; i += 4) {
    s0 += a[i];
    s1 += a[i + 1];
    s2 += a[i + 2];
    s3 += a[i + 3];
  }
  for (let i = n; i < a.length; i++) s0 += a[i];
  return s0 + s1 + s2 + s3;
}

console.log(`node ${process.version}, ${os.availableParallelism()} cores, ${RUNS} runs per figure (median)\n`);

// the persisted 1e8 float64 array (chunks of 1e7) of figures 1 and 3
const x = FIGURES.has(1) || FIGURES.has(3) ? await da.random.random([N], { chunks: 1e7, seed: 1 }).persist() : undefined;

// 1. persisted 1e8 float64 (chunks of 1e7): sum and mean vs a single-threaded four-accumulator loop
if (FIGURES.has(1)) {
  const flat = new Float64Array(N);
  for (let i = 0; i < N; i++) flat[i] = (i % 1000) * 0.001;
  await x.sum().compute();
  const [base, s, m] = await interleaved([() => sum4(flat), () => x.sum().compute(), () => x.mean().compute()]);
  const b = GB(8 * N, base.s);
  line('persisted sum 1e8 f64 (GB/s)', GB(8 * N, s.s).toFixed(1), b.toFixed(1), `ratio ${(base.s / s.s).toFixed(2)}x`);
  line('persisted mean 1e8 f64 (GB/s)', GB(8 * N, m.s).toFixed(1), b.toFixed(1), `ratio ${(base.s / m.s).toFixed(2)}x`);
}

// 2. random (20000, 5000) mean including generation vs one thread generating and summing
if (FIGURES.has(2)) {
  const [r, rb] = await interleaved(
    [
      () =>
        da.random
          .random([20000, 5000], { chunks: [2000, 5000], seed: 2 })
          .mean()
          .compute(),
      () => {
        let t = 0;
        for (let i = 0; i < N; i++) t += Math.random();
        return t / N;
      },
    ],
    Math.min(RUNS, 3),
  );
  line('random((20000,5000)).mean() incl. generation', fmt(r.s), fmt(rb.s), `ratio ${(rb.s / r.s).toFixed(2)}x (baseline: Math.random loop, 1 thread)`);
}

// 3. fused vs unfused chain
if (FIGURES.has(3)) {
  const chain = () => x.add(1).mul(2).sqrt().sum();
  const [fused, unfused] = await interleaved([() => chain().compute(), () => chain().compute({ optimize: { blockwise: false } })]);
  line(
    'x.add(1).mul(2).sqrt().sum() fused',
    fmt(fused.s),
    fmt(unfused.s),
    `fusion speed-up ${(unfused.s / fused.s).toFixed(2)}x (baseline: blockwise fusion off)`,
  );
  const close = Math.abs(fused.out - unfused.out) <= 1e-9 * Math.abs(unfused.out);
  if (!close) console.log(`  MISMATCH fused ${fused.out} unfused ${unfused.out}`);
}

// 4. x.add(x.T).sum(0): needs a square array; (10000, 10000) has the 1e8 elements
if (FIGURES.has(4)) {
  const sq = await da.random.random([10000, 10000], { chunks: [2000, 2000], seed: 3 }).persist();
  const xt = await time(() => sq.add(sq.T).sum({ axis: 0 }).compute(), Math.min(RUNS, 3));
  const sqFlat = (await sq.compute()).data;
  const xtb = await time(() => {
    const n = 10000;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j] += sqFlat[i * n + j] + sqFlat[j * n + i];
    return out;
  }, 1);
  line('x.add(x.T).sum(0) on (10000, 10000)', fmt(xt.s), fmt(xtb.s), `ratio ${(xtb.s / xt.s).toFixed(2)}x (baseline: plain loop, 1 thread, 1 run)`);
  let maxErr = 0;
  for (let j = 0; j < 10000; j += 997) maxErr = Math.max(maxErr, Math.abs(xt.out.get(j) - xtb.out[j]) / Math.abs(xtb.out[j]));
  if (maxErr > 1e-9) console.log(`  MISMATCH relative error ${maxErr}`);
}

// 5. matmul 2000x2000 vs a naive triple loop
if (FIGURES.has(5)) {
  const n2 = 2000;
  const A = await da.random.random([n2, n2], { chunks: [1000, 1000], seed: 4 }).persist();
  const B = await da.random.random([n2, n2], { chunks: [1000, 1000], seed: 5 }).persist();
  const mm = await time(() => A.matmul(B).compute(), Math.min(RUNS, 3));
  const a = (await A.compute()).data,
    bb = (await B.compute()).data;
  const naive = await time(() => {
    const c = new Float64Array(n2 * n2);
    for (let i = 0; i < n2; i++)
      for (let j = 0; j < n2; j++) {
        let t = 0;
        for (let k = 0; k < n2; k++) t += a[i * n2 + k] * bb[k * n2 + j];
        c[i * n2 + j] = t;
      }
    return c;
  }, 1);
  line('matmul 2000x2000', fmt(mm.s), fmt(naive.s), `ratio ${(naive.s / mm.s).toFixed(2)}x (baseline: naive i-j-k loop, 1 thread, 1 run)`);
  const i0 = 1234,
    j0 = 567;
  if (Math.abs(mm.out.get(i0, j0) - naive.out[i0 * n2 + j0]) > 1e-9 * Math.abs(naive.out[i0 * n2 + j0])) console.log('  MISMATCH matmul');
}

await closePool();
