// Out-of-core: mean delay by origin over a generated flights-like CSV of about 5 GB with
// memoryLimit '512MB', beside the same query on a 10x smaller file held fully in memory (no
// limit). Prints seconds, MB/s and peak RSS (each run in its own process), checks every answer
// against the means accumulated while generating, and prints the throughput ratio.
// With --query sort or merge, a shuffle instead (sortValues('delay'), or a hash merge with a
// table of the airports), reduced to the row count and the sum of delay, on one file with the
// limit and with none: what the limit bounds is the shuffle's pieces, spilled one by one.
//
//   npm run bench:out-of-core -- [--gb 5] [--limit 512MB] [--runs 3] [--query mean|sort|merge]
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generate } from './gen-flights-csv.mjs';
import { arg, median } from './cli.mjs';

const self = fileURLToPath(import.meta.url);

// Child: one query, one JSON line.
if (arg('one', undefined) !== undefined) {
  const [file, limit, query] = arg('one').split(',');
  const { readCSV, fromRecords } = await import('@tsdask/dataframe');
  const { compute } = await import('@tsdask/core-graph');
  const { closePool } = await import('@tsdask/scheduler-local');
  const { airports } = await import('./gen-flights-csv.mjs');
  let spills = 0;
  let maxHeld = 0;
  const opts = {
    ...(limit === 'none' ? { memoryLimit: 'none' } : { memoryLimit: limit }),
    callbacks: [
      {
        event: (e) => {
          if (e.type === 'spill') spills++;
          if (e.type === 'memory') maxHeld = Math.max(maxHeld, e.maxHeld);
        },
      },
    ],
  };
  const t0 = performance.now();
  const got = {};
  if (query === 'mean') {
    const table = await readCSV(file, { blocksize: '64MB', columns: ['delay', 'origin'] })
      .groupBy('origin')
      .agg({ delay: ['delay', 'mean'] })
      .compute(opts);
    const origin = table.getChild('origin').toArray();
    const delay = table.getChild('delay').toArray();
    for (let i = 0; i < table.numRows; i++) got[origin[i]] = delay[i];
  } else {
    const flights = readCSV(file, { blocksize: '64MB' });
    const codes = airports(300).map((code, i) => ({ origin: code, idx: i }));
    const shuffled = query === 'sort' ? flights.sortValues('delay') : flights.merge(fromRecords(codes, { npartitions: 4 }), { on: 'origin', broadcast: false });
    const delay = shuffled.col('delay');
    [got.rows, got.delaySum] = await compute(delay.count(), delay.sum(), opts);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ seconds, got, spills, maxHeld, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
  await closePool();
  process.exit(0);
}

const gb = Number(arg('gb', '5'));
const limit = arg('limit', '512MB');
const runs = Number(arg('runs', '3'));
const query = arg('query', 'mean');
const big = new URL(`./.data/flights-${gb}gb.csv`, import.meta.url).pathname;
const small = new URL(`./.data/flights-${gb / 10}gb.csv`, import.meta.url).pathname;
console.log(`out-of-core: generating (once) the flights-like CSVs in bench/.data ...`);
const expected = { [big]: generate(big, gb * 1e9) };
if (query === 'mean') expected[small] = generate(small, (gb / 10) * 1e9);

function run(file, lim) {
  const out = execFileSync(process.execPath, [self, '--one', `${file},${lim},${query}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const r = JSON.parse(out.trim().split('\n').at(-1));
  if (query !== 'mean') {
    // Every row once: the count and the sum of delay (integers, so exact) from the generator.
    const all = Object.values(expected[file]);
    const rows = all.reduce((n, e) => n + e.count, 0);
    const delaySum = all.reduce((n, e) => n + Math.round(e.mean * e.count), 0);
    if (r.got.rows !== rows || r.got.delaySum !== delaySum) throw new Error(`wrong answer: ${JSON.stringify(r.got)} vs ${rows} rows, delay sum ${delaySum}`);
    return r;
  }
  for (const [code, { mean }] of Object.entries(expected[file])) {
    if (Math.abs(r.got[code] - mean) > 1e-9 * Math.max(1, Math.abs(mean))) throw new Error(`wrong mean for ${code}: ${r.got[code]} vs ${mean}`);
  }
  if (Object.keys(r.got).length !== Object.keys(expected[file]).length) throw new Error('wrong number of groups');
  return r;
}

const rows = [];
const configs =
  query === 'mean'
    ? [
        ['in memory (10x smaller)', small, 'none'],
        [`out of core, memoryLimit ${limit}`, big, limit],
      ]
    : [
        ['no memory limit', big, 'none'],
        [`memoryLimit ${limit}`, big, limit],
      ];
for (const [label, file, lim] of configs) {
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(run(file, lim));
  const mb = statSync(file).size / 1e6;
  const s = median(rs.map((r) => r.seconds));
  rows.push({
    label,
    mb,
    s,
    mbps: mb / s,
    rss: Math.max(...rs.map((r) => r.peakRssMB)),
    spills: median(rs.map((r) => r.spills)),
    held: Math.max(...rs.map((r) => r.maxHeld)),
  });
}
const what = {
  mean: 'mean delay by origin, readCSV(blocksize 64MB) -> groupBy -> mean',
  sort: 'readCSV(blocksize 64MB) -> sortValues(delay) -> count and sum of delay',
  merge: 'readCSV(blocksize 64MB) -> hash merge on origin with 300 airports (4 partitions) -> count and sum of delay',
}[query];
console.log(`${what}; median of ${runs} runs; answers checked`);
console.log('run                               file MB    seconds   MB/s     peak RSS MB  spills  max held MB');
for (const r of rows) {
  console.log(
    `${r.label.padEnd(34)}${r.mb.toFixed(0).padStart(7)}${r.s.toFixed(2).padStart(11)}${r.mbps.toFixed(0).padStart(8)}${r.rss.toFixed(0).padStart(15)}${String(r.spills).padStart(8)}${(r.held / 1e6).toFixed(1).padStart(13)}`,
  );
}
if (query === 'mean')
  console.log(`throughput ratio (in memory / out of core): ${(rows[0].mbps / rows[1].mbps).toFixed(2)}x (goal: at most 1.5x); peak RSS goal: under 1024 MB`);
else
  console.log(
    `held with the limit / with none: ${(rows[1].held / rows[0].held).toFixed(2)}; peak RSS with the limit / with none: ${(rows[1].rss / rows[0].rss).toFixed(2)}`,
  );
