// The first query in a fresh process, the one a user feels: flights-3m as CSV (bench/.data/,
// made by bench/dataframe.mjs from vega-datasets' parquet), three queries on tsdask ('threads'),
// nodejs-polars and DuckDB, and 100k leaves + tree sum through `delayed` beside Dask's threaded
// scheduler (Debian's python3-dask). Each tool runs in its own fresh process, alternating, and
// times only the query after a tiny warm-up (tsdask computes one small task so its pool is up,
// as the peers' thread pools are; Dask computes one small graph). The same process then repeats
// the query: the warm figure. Prints medians over --runs processes and ratios.
//
// Peers are installed for the benchmark only, never as dependencies of the packages:
//   npm install --prefix bench/peers
//   node bench/cold-start.mjs [--runs 5] [--only mean,size,filter,graph] [--tools tsdask,polars,duckdb,dask]
//   node bench/cold-start.mjs --phases   (one fresh tsdask process: where the first query's time goes)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, median } from './cli.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const csv = join(root, '.data', 'flights-3m.csv');
const peers = createRequire(join(root, 'peers', 'package.json'));
const WARM_REPEATS = 3;
const LEAVES = 100_000;

/** Each query's text for each tool; every runner returns the result's row count or sum, checked alike. */
const QUERIES = {
  mean: {
    title: 'mean delay by origin',
    sql: `SELECT origin, avg(delay) AS delay FROM read_csv('${csv}') GROUP BY origin`,
    tsdask: ({ readCSV }) =>
      readCSV(csv)
        .groupBy('origin')
        .agg({ delay: ['delay', 'mean'] }),
    polars: (pl) => pl.scanCSV(csv).groupBy('origin').agg(pl.col('delay').mean()),
  },
  size: {
    title: 'size by origin and destination',
    sql: `SELECT origin, destination, count(*) AS size FROM read_csv('${csv}') GROUP BY origin, destination`,
    tsdask: ({ readCSV }) => readCSV(csv).groupBy(['origin', 'destination']).size(),
    polars: (pl) => pl.scanCSV(csv).groupBy(['origin', 'destination']).len(),
  },
  filter: {
    title: 'filter delay > 60, count',
    sql: `SELECT count(*) AS n FROM read_csv('${csv}') WHERE delay > 60`,
    tsdask: ({ readCSV, col }) => readCSV(csv).filter(col('delay').gt(60)),
    polars: (pl) => pl.scanCSV(csv).filter(pl.col('delay').gt(60)).select(pl.len()),
  },
};

async function timed(fn) {
  const t = performance.now();
  const answer = await fn();
  return { ms: performance.now() - t, answer };
}

/** Child: one tool, one query, first then warm; prints one JSON line. */
async function child(tool, name) {
  const out = [];
  if (tool === 'tsdask') {
    const df = await import('@tsdask/dataframe');
    const { delayed } = await import('@tsdask/core-graph');
    const { closePool, startPool } = await import('@tsdask/scheduler-local');
    await delayed((x) => x + 1)(1).compute({ scheduler: 'threads' }); // the pool is up,
    await startPool(); // every worker of it, its kernel modules loaded
    let run;
    if (name === 'graph') {
      const { buildDelayed } = await import('./graphs.mjs');
      run = async () => buildDelayed(LEAVES).compute({ scheduler: 'threads' });
    } else if (name === 'filter') run = async () => QUERIES.filter.tsdask(df).len({ scheduler: 'threads' });
    else run = async () => (await QUERIES[name].tsdask(df).compute({ scheduler: 'threads' })).numRows;
    for (let i = 0; i <= WARM_REPEATS; i++) out.push(await timed(run));
    await closePool();
  } else if (tool === 'polars') {
    const pl = peers('nodejs-polars');
    pl.DataFrame({ a: [1, 2] }).sum(); // the library is loaded and its pool up
    const run = async () => {
      const r = QUERIES[name].polars(pl).collectSync();
      return name === 'filter' ? Number(r.getColumns()[0].get(0)) : r.height;
    };
    for (let i = 0; i <= WARM_REPEATS; i++) out.push(await timed(run));
  } else if (tool === 'duckdb') {
    const { DuckDBInstance } = peers('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.runAndReadAll('SELECT 42'); // the database is up
    const run = async () => {
      const rows = (await conn.runAndReadAll(QUERIES[name].sql)).getRows();
      return name === 'filter' ? Number(rows[0][0]) : rows.length;
    };
    for (let i = 0; i <= WARM_REPEATS; i++) out.push(await timed(run));
    conn.closeSync?.();
  }
  const answers = new Set(out.map((o) => String(o.answer)));
  if (answers.size !== 1) throw new Error(`${tool} ${name}: answers differ between runs: ${[...answers]}`);
  console.log(JSON.stringify({ first: out[0].ms, warm: median(out.slice(1).map((o) => o.ms)), answer: out[0].answer }));
}

function runChild(tool, name) {
  if (tool === 'dask') {
    const py = execFileSync('/usr/bin/python3', [join(root, 'dask_threaded_ref.py'), '--leaves', String(LEAVES)], { encoding: 'utf8' });
    const x = JSON.parse(py.trim().split('\n').at(-1));
    return { first: x.seconds * 1000, warm: NaN, answer: (LEAVES * (LEAVES + 1)) / 2 };
  }
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', `${tool},${name}`], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

const one = arg('child', undefined);
if (one !== undefined) {
  const [tool, name] = one.split(',');
  await child(tool, name);
  process.exit(0);
}

if (!existsSync(csv)) throw new Error(`${csv} is missing: run bench/dataframe.mjs once (it converts vega-datasets' flights-3m.parquet)`);
const runs = Number(arg('runs', '5'));
const only = arg('only', 'mean,size,filter,graph').split(',');
const tools = arg('tools', 'tsdask,polars,duckdb,dask').split(',');
const load = () => execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
console.log(`cold-start: median of ${runs} fresh processes per tool, alternating; Node ${process.version}; load average ${load()}`);
for (const name of only) {
  const list = name === 'graph' ? tools.filter((t) => t === 'tsdask' || t === 'dask') : tools.filter((t) => t !== 'dask');
  const res = Object.fromEntries(list.map((t) => [t, []]));
  for (let r = 0; r < runs; r++) for (const t of list) res[t].push(runChild(t, name));
  const answers = new Set(list.flatMap((t) => res[t].map((x) => String(x.answer))));
  const title = name === 'graph' ? `${LEAVES / 1000}k leaves + tree sum, delayed, threads (${2 * LEAVES - 1} tasks)` : QUERIES[name].title;
  console.log(`\n${title}${answers.size === 1 ? '' : `  ANSWERS DIFFER: ${[...answers].join(' / ')}`}`);
  const base = median(res[list[0]].map((x) => x.first));
  const baseWarm = median(res[list[0]].map((x) => x.warm));
  for (const t of list) {
    const first = median(res[t].map((x) => x.first));
    const warm = median(res[t].map((x) => x.warm));
    const perTask = name === 'graph' ? `  ${((first * 1000) / (2 * LEAVES - 1)).toFixed(1)} µs/task` : '';
    console.log(
      `  ${t.padEnd(7)} first ${(first / 1000).toFixed(3)} s (x${(first / base).toFixed(2)} of tsdask)${perTask}` +
        (Number.isNaN(warm) ? '' : `   warm ${(warm / 1000).toFixed(3)} s (x${(warm / baseWarm).toFixed(2)})`) +
        `   all first: ${res[t].map((x) => (x.first / 1000).toFixed(2)).join(' ')}`,
    );
  }
}
console.log(`\nload average at the end ${load()}`);
