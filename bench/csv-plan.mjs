// readCSV's plan on the main thread in a fresh process (issue 16): readCSV of flights-3m as CSV
// (bench/.data/flights-3m.csv, made by bench/dataframe.mjs), then each first query's plan
// (filter delay > 60, mean delay by origin, size by origin and destination) through graphOf,
// no compute. Each measurement is its own fresh process, so the code runs cold as a user's first
// query does. With --against <dir> (a copy of another build's packages/dataframe/dist), the two
// builds alternate process by process and the ratios are this build's over that one's.
//   node bench/csv-plan.mjs [--runs 9] [--against bench/.data/old-df/dist]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arg, median } from './cli.mjs';

const args = process.argv.slice(2);
const root = dirname(fileURLToPath(import.meta.url));
const csv = join(root, '.data', 'flights-3m.csv');

if (args[0] === '--child') {
  // One fresh process: the entry to import, the query; prints the phases in ms.
  const { readCSV, col } = await import(args[1]);
  const { graphOf } = await import('@tsdask/core-graph');
  const q = args[2];
  const a = performance.now();
  const df = readCSV(csv);
  const b = performance.now();
  const e =
    q === 'filter'
      ? df.filter(col('delay').gt(60))
      : q === 'mean'
        ? df.groupBy('origin').agg({ delay: ['delay', 'mean'] })
        : df.groupBy(['origin', 'destination']).size();
  graphOf([e], {});
  const c = performance.now();
  console.log(JSON.stringify({ read: b - a, query: c - b, plan: c - a }));
  process.exit(0);
}

if (!existsSync(csv)) throw new Error(`${csv} is missing: run node bench/dataframe.mjs first (it writes the CSV).`);
const runs = Number(arg('runs', '9'));
const against = arg('against');
const builds = [['this', '@tsdask/dataframe']];
if (against !== undefined) builds.push(['against', pathToFileURL(join(resolve(against), 'index.js')).href]);
const queries = ['filter', 'mean', 'size'];
const got = {};
const start = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
for (let r = 0; r < runs; r++) {
  for (const q of queries) {
    for (const [name, entry] of r % 2 === 0 ? builds : [...builds].reverse()) {
      const out = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', entry, q], { encoding: 'utf8' }));
      for (const [phase, ms] of Object.entries(out)) ((got[`${q} ${phase}`] ??= {})[name] ??= []).push(ms);
    }
  }
}
console.log(`csv-plan: median of ${runs} fresh processes per build and query; Node ${process.version}; load average ${start} at the start`);
for (const [k, v] of Object.entries(got)) {
  const line = [`${k.padEnd(14)} this ${median(v.this).toFixed(2).padStart(7)} ms`];
  if (v.against) line.push(`against ${median(v.against).toFixed(2).padStart(7)} ms   ratio ${(median(v.this) / median(v.against)).toFixed(2)}`);
  console.log(line.join('   '));
}
console.log(
  `load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
