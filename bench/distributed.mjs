// The distributed scheduler against Dask's, on a 2-worker LocalCluster (1 thread per worker):
//   (a) map: 20k trivial independent tasks, client.map(inc, range(N)) then gather: µs per task end
//       to end, and the scheduler process's CPU µs per task (utime + stime from /proc/PID/stat);
//   (b) chain: 1000 tasks inc(inc(...)) with delayed (linear fusion off, so each hop is a task): µs per hop;
//   (c) groupBy: flights-3m.parquet (vega-datasets) mean delay by origin: seconds on the cluster,
//       and on 'threads' with 2 workers for the cluster / threads ratio.
// Then bench/dask_distributed_ref.py runs the same graphs on Dask's distributed in the same sitting
// (skipped, with a line that says why, when no python3 with distributed is found) and a table
// prints each figure, tsdask, Dask, Dask / tsdask, and the issue's goal.
//
//   npm run build && node bench/distributed.mjs [--runs 3] [--tasks 20000] [--chain 1000] [--only map,chain,groupby] [--dask-runs 3 (0: no Dask)]
//   Python: $DASK_PYTHON, else bench/.data/dask-venv/bin/python (has pyarrow, see the .py header), else /usr/bin/python3.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalCluster } from '@tsdask/scheduler-distributed';
import { readParquet } from '@tsdask/dataframe';
import { closePool } from '@tsdask/scheduler-local';
import { delayed } from 'tsdask';
import { arg, median } from './cli.mjs';

const runs = Number(arg('runs', '3'));
const nTasks = Number(arg('tasks', '20000'));
const hops = Number(arg('chain', '1000'));
const only = arg('only', 'map,chain,groupby').split(',');
const daskRuns = Number(arg('dask-runs', String(runs)));
const root = dirname(fileURLToPath(import.meta.url));
const parquet = join(root, '..', 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
/** CPU seconds (user + system) process `pid` has used so far, from /proc/PID/stat. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 (utime) and 15 (stime)
}

const inc = (x) => x + 1; // self-contained: its source travels to the workers

/** (a) client.map then gather; µs per task and the scheduler's CPU µs per task. */
async function mapOnce(client, schedulerPid, n) {
  const cpu0 = cpuSeconds(schedulerPid);
  const t0 = performance.now();
  const futures = client.map(
    inc,
    Array.from({ length: n }, (_, i) => i),
    { pure: false },
  );
  const out = await client.gather(futures);
  const ms = performance.now() - t0;
  const cpu = cpuSeconds(schedulerPid) - cpu0;
  let sum = 0;
  for (const v of out) sum += v;
  if (sum !== (n * (n + 1)) / 2) throw new Error(`map: wrong sum ${sum}`);
  for (const f of futures) f.release?.();
  return { usPerTask: (ms * 1000) / n, cpuUsPerTask: (cpu * 1e6) / n };
}

/** (b) a chain of `n` delayed incs from 0; µs per hop. */
async function chainOnce(client, n) {
  const step = delayed(inc, { name: 'inc' });
  let x = 0;
  for (let i = 0; i < n; i++) x = step(x);
  const t0 = performance.now();
  const out = await x.compute({ scheduler: client, optimize: { fuse: false } });
  const ms = performance.now() - t0;
  if (out !== n) throw new Error(`chain: wrong end value ${out}`);
  return (ms * 1000) / n;
}

/** (c) mean delay by origin from the parquet file; seconds and the result table. */
async function groupByOnce(opts) {
  const t0 = performance.now();
  const table = await readParquet(parquet, { columns: ['origin', 'delay'] })
    .groupBy('origin')
    .agg({ delay: ['delay', 'mean'] })
    .compute(opts);
  return { s: (performance.now() - t0) / 1000, table };
}

/** The result table as origin -> mean, to compare the cluster's answer with 'threads'. */
function means(table) {
  const o = [...table.getChild('origin')];
  const d = [...table.getChild('delay')];
  return new Map(o.map((k, i) => [String(k), Number(d[i])]));
}

/** Runs tsdask's three figures; returns { map, chain, groupby }. */
async function runTsdask() {
  const out = {};
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1 });
  const client = cluster.client();
  try {
    const pid = cluster.schedulerProcess.pid;
    console.log(`tsdask LocalCluster at ${cluster.address}: scheduler pid ${pid}, workers ${cluster.workers.map((w) => w.address).join(', ')}`);
    if (only.includes('map')) {
      await mapOnce(client, pid, nTasks); // warm-up, a whole run untimed: compile (JIT) every process's hot path, connect, ship the function
      const rs = [];
      for (let r = 0; r < runs; r++) rs.push(await mapOnce(client, pid, nTasks));
      out.map = { usPerTask: median(rs.map((r) => r.usPerTask)), cpuUsPerTask: median(rs.map((r) => r.cpuUsPerTask)), all: rs };
      console.log(
        `  map ${nTasks}: µs/task ${rs.map((r) => r.usPerTask.toFixed(1)).join(' ')}; scheduler CPU µs/task ${rs.map((r) => r.cpuUsPerTask.toFixed(1)).join(' ')}`,
      );
    }
    if (only.includes('chain')) {
      await chainOnce(client, 100);
      const rs = [];
      for (let r = 0; r < runs; r++) rs.push(await chainOnce(client, hops));
      out.chain = { usPerHop: median(rs), all: rs };
      console.log(`  chain ${hops}: µs/hop ${rs.map((r) => r.toFixed(1)).join(' ')}`);
    }
    if (only.includes('groupby')) {
      const threadsOpts = { scheduler: 'threads', numWorkers: 2 };
      const ref = means((await groupByOnce(threadsOpts)).table); // warms the pool and the page cache
      const got = means((await groupByOnce({ scheduler: client })).table);
      for (const [k, v] of ref)
        if (!(Math.abs(got.get(k) - v) <= 1e-9 * Math.max(1, Math.abs(v)))) throw new Error(`groupBy: origin ${k}: cluster ${got.get(k)}, threads ${v}`);
      if (got.size !== ref.size) throw new Error(`groupBy: ${got.size} origins on the cluster, ${ref.size} on threads`);
      const cl = [];
      const th = [];
      for (let r = 0; r < runs; r++) {
        cl.push((await groupByOnce({ scheduler: client })).s);
        th.push((await groupByOnce(threadsOpts)).s);
      }
      out.groupby = { s: median(cl), threadsS: median(th), origins: ref.size };
      console.log(`  groupBy (${ref.size} origins): cluster s ${cl.map((x) => x.toFixed(3)).join(' ')}; threads s ${th.map((x) => x.toFixed(3)).join(' ')}`);
    }
  } finally {
    await client.close();
    await cluster.close();
    await closePool();
  }
  return out;
}

/** Runs bench/dask_distributed_ref.py; returns its JSON, or a string saying why it did not run. */
function runDask() {
  if (daskRuns <= 0) return 'skipped (--dask-runs 0)';
  const venv = join(root, '.data', 'dask-venv', 'bin', 'python');
  const py = process.env.DASK_PYTHON ?? (existsSync(venv) ? venv : existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const probe = spawnSync(py, ['-c', 'import distributed'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    return `skipped: ${py} ${probe.error !== undefined ? 'is missing' : 'has no distributed'} (apt-get install -y python3-distributed; see bench/dask_distributed_ref.py)`;
  }
  console.log(`Dask reference: ${py} bench/dask_distributed_ref.py --runs ${daskRuns} (a few minutes)`);
  const r = spawnSync(
    py,
    [join(root, 'dask_distributed_ref.py'), '--runs', String(daskRuns), '--tasks', String(nTasks), '--chain', String(hops), '--only', only.join(',')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) return `failed: exit ${r.status ?? r.signal}`;
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const fmt = (x, digits = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '-');
const ratio = (dask, ts) => (typeof dask === 'number' && typeof ts === 'number' && ts > 0 ? `${(dask / ts).toFixed(1)}x` : '-');
const met = (x, goal) => (typeof x === 'number' ? (x <= goal ? 'met' : 'not met') : '');

console.log(
  `distributed: 2 workers x 1 thread on 127.0.0.1; ${nTasks} map tasks, ${hops}-hop chain, flights-3m; median of ${runs} runs; Node ${process.version}`,
);
const ts = await runTsdask();
const dk = runDask();
const d = typeof dk === 'object' ? dk : {};
if (typeof dk === 'string') console.log(`Dask reference ${dk}`);
else console.log(`Dask ${dk.dask}, distributed ${dk.distributed}, Python ${dk.python}, cluster '${dk.cluster}', worker-saturation ${dk.workerSaturation}`);

const rows = [
  ['map: µs per task, end to end', ts.map?.usPerTask, d.map?.usPerTask, 'd', 100, '<= 100 µs'],
  ['map: scheduler CPU µs per task', ts.map?.cpuUsPerTask, d.map?.schedulerCpuUsPerTask, 'd', 50, '<= 50 µs'],
  ['chain: µs per hop', ts.chain?.usPerHop, d.chain?.usPerHop, 'd', 1000, '<= 1000 µs'],
  ['groupBy flights-3m: s on the cluster', ts.groupby?.s, d.groupby?.seconds, 'd', undefined, ''],
  ["groupBy flights-3m: s on 'threads' (2)", ts.groupby?.threadsS, undefined, '', undefined, ''],
  ['groupBy: cluster / threads', ts.groupby === undefined ? undefined : ts.groupby.s / ts.groupby.threadsS, undefined, '', 1.3, '<= 1.3x'],
];
console.log(`\n${'figure'.padEnd(40)} ${'tsdask'.padStart(10)} ${'Dask'.padStart(10)} ${'Dask/tsdask'.padStart(12)}  goal`);
for (const [name, t, k, hasRatio, goal, goalText] of rows) {
  const digits = name.startsWith('groupBy') ? 3 : 1;
  console.log(
    `${name.padEnd(40)} ${fmt(t, digits).padStart(10)} ${fmt(k, digits).padStart(10)} ${(hasRatio ? ratio(k, t) : '').padStart(12)}  ${goalText}${goal === undefined ? '' : ` (${met(t, goal)})`}`,
  );
}
if (d.groupby?.skipped !== undefined) console.log(`Dask groupBy ${d.groupby.skipped}`);
