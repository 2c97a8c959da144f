// DataFrame queries on flights-3m (vega-datasets' flights-3m.parquet, converted once to CSV in
// bench/.data/), end to end from the file, on 'threads', beside arquero (a single-threaded JS
// dataframe) in the same run. Prints seconds (median of runs), rows/s and arquero / tsdask.
//
//   npm run bench:dataframe -- [--runs 3] [--arquero-runs 2 (0: tsdask alone)] [--blocksize 16MB] [--only a,b]
//   (or QUERIES=sort,merge in the environment, as --only: the queries whose names contain one)
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as aq from 'arquero';
import { parquetRead, asyncBufferFromFile } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readCSV, readParquet, col } from '@tsdask/dataframe';
import { closePool } from '@tsdask/scheduler-local';
import { arg, median } from './cli.mjs';

const runs = Number(arg('runs', '3'));
const aqRuns = Number(arg('arquero-runs', '2'));
const blocksize = arg('blocksize', '16MB');
const only = arg('only', process.env.QUERIES ?? '');
const root = dirname(fileURLToPath(import.meta.url));
const data = join(root, '..', 'node_modules', 'vega-datasets', 'data');
const parquet = join(data, 'flights-3m.parquet');
const csv = join(root, '.data', 'flights-3m.csv');
const airportsCsv = join(data, 'airports.csv');
const opts = { scheduler: 'threads' };

if (!existsSync(csv)) {
  const t = performance.now();
  const tmp = join(root, '.data', 'convert');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const [file] = await readParquet(parquet).repartition({ npartitions: 1 }).toCSV(tmp, opts);
  renameSync(file, csv);
  rmSync(tmp, { recursive: true, force: true });
  console.log(`converted flights-3m.parquet to ${csv} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const mib = statSync(csv).size / 1048576;
console.log(`flights-3m.csv: ${mib.toFixed(0)} MiB; threads: tsdask 'threads' scheduler; blocksize ${blocksize}; runs ${runs} (arquero ${aqRuns})`);

const aqLoad = () => aq.fromCSV(readFileSync(csv, 'utf8'));
const flights = () => readCSV(csv, { blocksize });

const queries = {
  'mean delay by origin': {
    tsdask: async () =>
      (
        await flights()
          .groupBy('origin')
          .agg({ delay: ['delay', 'mean'] })
          .compute(opts)
      ).numRows,
    arquero: () =>
      aqLoad()
        .groupby('origin')
        .rollup({ delay: aq.op.mean('delay') })
        .numRows(),
    rows: 3e6,
  },
  'size by origin and destination': {
    tsdask: async () => (await flights().groupBy(['origin', 'destination']).size().compute(opts)).numRows,
    arquero: () => aqLoad().groupby('origin', 'destination').count().numRows(),
    rows: 3e6,
  },
  'filter delay > 60 and count': {
    tsdask: async () => flights().filter(col('delay').gt(60)).len(opts),
    arquero: () =>
      aqLoad()
        .filter((d) => d.delay > 60)
        .numRows(),
    rows: 3e6,
  },
  'merge with airports (state), count': {
    tsdask: async () => flights().merge(readCSV(airportsCsv).select('iata', 'state'), { leftOn: 'origin', rightOn: 'iata' }).len(opts),
    arquero: () =>
      aqLoad()
        .join(aq.fromCSV(readFileSync(airportsCsv, 'utf8')).select('iata', 'state'), ['origin', 'iata'])
        .numRows(),
    rows: 3e6,
  },
  'sortValues by delay': {
    tsdask: async () => (await flights().sortValues('delay').compute(opts)).numRows,
    // orderby() only records a comparator: reify() sorts and gathers every column, as tsdask
    // computes the whole sorted table back.
    arquero: () => aqLoad().orderby('delay').reify().numRows(),
    rows: 3e6,
  },
  'readParquet 2 of 5 columns': {
    tsdask: async () => (await readParquet(parquet, { columns: ['origin', 'delay'] }).compute(opts)).numRows,
    arquero: async () => {
      const cols = {};
      await parquetRead({
        file: await asyncBufferFromFile(parquet),
        columns: ['origin', 'delay'],
        compressors,
        onChunk: (c) => (cols[c.columnName] ??= []).push(...[c.columnData]),
      });
      return aq.table({ origin: cols.origin.flatMap((x) => Array.from(x)), delay: cols.delay.flatMap((x) => Array.from(x, Number)) }).numRows();
    },
    rows: 3e6,
  },
};

async function time(fn, n) {
  const ts = [];
  let out;
  for (let i = 0; i < n; i++) {
    globalThis.gc?.();
    const t = performance.now();
    out = await fn();
    ts.push((performance.now() - t) / 1000);
  }
  return { s: median(ts), all: ts, out };
}

await flights()
  .groupBy('origin')
  .agg({ d: ['delay', 'mean'] })
  .compute(opts); // warm the pool and the page cache
const rowsOut = [];
for (const [name, q] of Object.entries(queries)) {
  if (only && !only.split(',').some((o) => name.includes(o))) continue;
  const ts = await time(q.tsdask, runs);
  const runsText = `[runs ${ts.all.map((x) => x.toFixed(3)).join(' ')}]`;
  let line = `${name.padEnd(36)} tsdask ${ts.s.toFixed(3)} s (${(q.rows / ts.s / 1e6).toFixed(1)} M rows/s)`;
  if (aqRuns > 0) {
    const aqs = await time(q.arquero, aqRuns);
    if (ts.out !== aqs.out) console.log(`  note: result sizes differ: tsdask ${ts.out}, arquero ${aqs.out}`);
    line += `  arquero ${aqs.s.toFixed(3)} s  ratio ${(aqs.s / ts.s).toFixed(1)}x   ${runsText}`;
  } else {
    line += `   ${runsText}`; // --arquero-runs 0: tsdask alone (for A/B runs of two commits)
  }
  console.log(line);
  rowsOut.push(line);
}
await closePool();
