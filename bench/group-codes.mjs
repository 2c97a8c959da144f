/**
 * A/B of the kernels that group rows by key (groupBy's partial and combine steps, the hash
 * shuffle's split, the join) and of lowering a task graph to CSR arrays, between this build
 * and another build of the repository (OLD=/path/to/other/checkout, its packages built).
 * Inputs are generated (flights-like: 3M rows, a carrier string key, an origin string key, an
 * int day key, a float delay). Each round runs every case once (after a warm-up) in a fresh
 * process per build, old and new in turn, 7 rounds; it prints the median milliseconds of each
 * build and their ratio. (Both builds in one process disturb each other's timings by more
 * than the differences measured.)
 *
 *   node --expose-gc bench/group-codes.mjs                 # this build only
 *   OLD=/tmp/old node --expose-gc bench/group-codes.mjs    # A/B against /tmp/old's build
 *   ONLY='join|lowerGraph' ...                             # only the cases whose name matches
 */
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RUNS = Number(process.env.RUNS ?? 7);
const N = Number(process.env.ROWS ?? 3_000_000);

async function load(root) {
  const url = (p) => pathToFileURL(path.join(root, p)).href;
  return {
    kernels: await import(url('packages/dataframe/dist/kernels/index.js')),
    graph: await import(url('packages/core-graph/dist/index.js')),
  };
}

function lcg(seed) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function strColumn(rand, n, card, prefix) {
  const dict = Array.from({ length: card }, (_, i) => `${prefix}${i}`);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.floor(rand() * rand() * card);
  return { type: 'utf8', values, dict };
}

function intColumn(rand, n, card) {
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = 17000 + Math.floor(rand() * card);
  return { type: 'date', values };
}

function floatColumn(rand, n) {
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = Math.round((rand() - 0.3) * 600) / 4;
    valid[i] = rand() < 0.02 ? 0 : 1;
  }
  return { type: 'float64', values, valid };
}

const rand = lcg(12345);
const flights = {
  names: ['carrier', 'origin', 'day', 'delay'],
  columns: [strColumn(rand, N, 20, 'C'), strColumn(rand, N, 350, 'A'), intColumn(rand, N, 365), floatColumn(rand, N)],
  length: N,
};
const R = 20_000;
const small = {
  names: ['origin', 'day', 'weather'],
  columns: [strColumn(rand, R, 350, 'A'), intColumn(rand, R, 365), floatColumn(rand, R)],
  length: R,
};

const airports = {
  names: ['origin', 'lat'],
  columns: [
    { type: 'utf8', values: Int32Array.from({ length: 350 }, (_, i) => 349 - i), dict: Array.from({ length: 350 }, (_, i) => `A${i}`) },
    { type: 'float64', values: Float64Array.from({ length: 350 }, (_, i) => 25 + i / 10) },
  ],
  length: 350,
};

function spec(keys) {
  return { keys, aggs: [['mean_delay', 'delay', 'mean']], types: ['float64'] };
}

/** A graph of `n` tasks: each depends on the previous one and on one earlier random task. */
function graphEntries(n) {
  const r = lcg(99);
  const entries = [['t0', 1]];
  for (let i = 1; i < n; i++) {
    const j = Math.floor(r() * i);
    entries.push([`t${i}`, { op: 'm#f', args: [{ ref: `t${i - 1}` }, { ref: `t${j}` }, { ref: `t${j}` }] }]);
  }
  return entries;
}
const entries = graphEntries(300_000);

const cases = [
  ['groupBy mean, partial, 1 string key (carrier)', (m) => m.kernels.partialAgg(flights, spec(['carrier']))],
  ['groupBy mean, partial, 1 date key (day)', (m) => m.kernels.partialAgg(flights, spec(['day']))],
  ['groupBy mean, partial, 2 string keys (carrier, origin)', (m) => m.kernels.partialAgg(flights, spec(['carrier', 'origin']))],
  ['groupBy mean, partial, 3 keys (carrier, origin, day)', (m) => m.kernels.partialAgg(flights, spec(['carrier', 'origin', 'day']))],
  ['hash shuffle split, 1 string key, 32 buckets', (m) => m.kernels.hashSplit(flights, ['origin'], 32)],
  ['hash shuffle split, 1 date key, 32 buckets', (m) => m.kernels.hashSplit(flights, ['day'], 32)],
  ['hash shuffle split, 2 keys (origin, day), 32 buckets', (m) => m.kernels.hashSplit(flights, ['origin', 'day'], 32)],
  [
    'join 3M x 20k on 2 keys (origin, day)',
    (m) =>
      m.kernels.joinPartitions(flights, small, {
        how: 'left',
        leftOn: ['origin', 'day'],
        rightOn: ['origin', 'day'],
        leftNames: flights.names,
        rightNames: [null, null, 'weather'],
      }),
  ],
  [
    'join 3M x 350 on 1 string key (origin, one row per airport)',
    (m) =>
      m.kernels.joinPartitions(flights, airports, {
        how: 'inner',
        leftOn: ['origin'],
        rightOn: ['origin'],
        leftNames: flights.names,
        rightNames: [null, 'lat'],
      }),
  ],
  ['lowerGraph, 300k tasks (CSR of dependencies and dependents)', (m) => m.graph.lowerGraph(entries)],
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  globalThis.gc?.();
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const only = process.env.ONLY === undefined ? undefined : new RegExp(process.env.ONLY);
const chosen = cases.filter(([name]) => only === undefined || only.test(name));

if (process.env.CHILD !== undefined) {
  // One round in a process of its own: a warm-up and one timed run of each case.
  const m = await load(path.resolve(process.env.CHILD));
  const out = {};
  for (const [name, fn] of chosen) {
    fn(m);
    out[name] = time(() => fn(m));
  }
  process.stdout.write(JSON.stringify(out));
} else {
  // Each build runs in processes of its own (so neither build's JIT state or heap touches the
  // other's), old and new in turn, RUNS rounds; medians per case.
  const builds = [['new', ROOT]];
  if (process.env.OLD) builds.push(['old', path.resolve(process.env.OLD)]);
  const times = builds.map(() => ({}));
  for (let r = 0; r < RUNS; r++) {
    builds.forEach(([, root], b) => {
      const res = spawnSync(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname], {
        env: { ...process.env, CHILD: root },
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (res.status !== 0) throw new Error(`bench child failed: ${res.stderr}`);
      for (const [name, ms] of Object.entries(JSON.parse(res.stdout))) (times[b][name] ??= []).push(ms);
    });
  }
  console.log(`${N} rows, median of ${RUNS} runs (ms), each build in processes of its own, in turn${builds.length > 1 ? `; old = ${process.env.OLD}` : ''}`);
  for (const [name] of chosen) {
    const meds = times.map((t) => median(t[name]));
    const cells = builds.map(([label], b) => `${label} ${meds[b].toFixed(1)}`).join('  ');
    const ratio = meds.length > 1 ? `  new/old ${(meds[0] / meds[1]).toFixed(2)}` : '';
    console.log(`${name.padEnd(62)} ${cells}${ratio}`);
  }
}
