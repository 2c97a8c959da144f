// P2P shuffle at scale: a merge of two generated tables (int64 k and a / b, 16 bytes a row in
// memory) of at least 4 times the workers' combined memory limit, on a LocalCluster of
// `--workers` workers with `--limit` each (spilling, no nanny: the limit is what the worker
// itself keeps to). The join is reduced on the cluster to its row count and column sums, checked
// against a plain loop over the left rows (right keys are unique: row k of the right holds key
// k). Partitions are read in CSV blocks of `--blocksize` (default: a 32nd of the limit, so one
// partition is a small fraction of it: see below). Prints, per method, seconds (median of --runs) and each worker's peak RSS (VmHWM) beside
// its RSS once started; `--method both` runs the task-based shuffle too, as the baseline.
// `--kill-after N` SIGKILLs the last worker once N p2p transfers have sent their buckets (mid-shuffle;
// no nanny, so it is not replaced): the survivors finish, and the answer is checked the same way.
//
//   node bench/p2p-shuffle.mjs [--gb 2] [--limit 256MiB] [--workers 2] [--runs 1] [--method p2p|tasks|both] [--blocksize auto|16MB] [--verbose] [--memory-series FILE] [--kill-after N]
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compute, config } from '@tsdask/core-graph';
import { readCSV } from '@tsdask/dataframe';
import { LocalCluster, parseMemoryLimit } from '@tsdask/scheduler-distributed';
import { arg, median } from './cli.mjs';

const args = process.argv.slice(2);
const gb = Number(arg('gb', '2'));
const limit = parseMemoryLimit(arg('limit', '256MiB'));
const nWorkers = Number(arg('workers', '2'));
const runs = Number(arg('runs', '1'));
const method = arg('method', 'p2p');
// One partition is a small fraction of a worker's limit, as Dask's guidance has it (the user's
// choice there too): the join kernel's heap on one partition is about 13x its bytes (measured:
// 213 MiB on a 16 MiB partition), and each task thread's heap is capped at the limit.
const blocksize = arg('blocksize', 'auto') === 'auto' ? Math.max(256 * 1024, Math.floor(limit / 32)) : arg('blocksize');
const verbose = args.includes('--verbose');
const series = arg('memory-series', undefined); // a file: every memory line, with seconds since the compute began
const killAfter = arg('kill-after', undefined) === undefined ? undefined : Number(arg('kill-after'));
if (killAfter !== undefined && !(Number.isInteger(killAfter) && killAfter >= 1 && nWorkers >= 2))
  throw new Error(`--kill-after takes a whole number of transfers >= 1, on 2 workers or more; got ${arg('kill-after')} on ${nWorkers}`);

const rows = Math.ceil((gb * 2 ** 30) / 2 / 16); // per table
const KEYS = Math.ceil(rows * 1.25);
const mb = (b) => (b / 2 ** 20).toFixed(0);

async function writeTable(path, col, row) {
  const out = createWriteStream(path);
  out.write(`k,${col}\n`);
  for (let start = 0; start < rows; start += 100_000) {
    let s = '';
    for (let i = start; i < Math.min(rows, start + 100_000); i++) s += `${row(i)}\n`;
    if (!out.write(s)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

// The reference: left row i has key (i * 7919) % KEYS and a = i % 1_000_003; right row i has key i and b = (i * 31) % 999_983.
function reference() {
  let n = 0;
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < rows; i++) {
    const k = (i * 7919) % KEYS;
    if (k >= rows) continue;
    n++;
    sumA += i % 1_000_003;
    sumB += (k * 31) % 999_983;
  }
  return [n, sumA, sumB];
}

function status(pid, field) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return NaN; // the worker died (its log says why; --verbose prints it)
  }
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m === null ? NaN : Number(m[1]) * 1024;
}

const dir = mkdtempSync(join(tmpdir(), 'tsdask-bench-p2p-'));
try {
  const left = join(dir, 'left.csv');
  const right = join(dir, 'right.csv');
  let t0 = performance.now();
  await Promise.all([writeTable(left, 'a', (i) => `${(i * 7919) % KEYS},${i % 1_000_003}`), writeTable(right, 'b', (i) => `${i},${(i * 31) % 999_983}`)]);
  const want = reference();
  const inMemory = 2 * rows * 16;
  console.log(
    `tables: 2 x ${rows} rows = ${mb(inMemory)} MiB in memory (${mb(statSync(left).size + statSync(right).size)} MiB of CSV, written in ${((performance.now() - t0) / 1000).toFixed(1)} s); ` +
      `${nWorkers} workers x ${mb(limit)} MiB = ${mb(nWorkers * limit)} MiB: ${(inMemory / (nWorkers * limit)).toFixed(1)}x the cluster's memory; CSV blocks of ${blocksize} bytes`,
  );
  for (const m of method === 'both' ? ['tasks', 'p2p'] : [method]) {
    const seconds = [];
    let peaks = [];
    for (let r = 0; r < runs; r++) {
      const tmp = mkdtempSync(join(dir, 'tmp-'));
      // Each worker logs its memory every 250 ms (worker/memory-log.ts); the peak of each figure is printed per worker.
      const tops = new Map();
      const seriesLines = [];
      let cluster;
      let sends = 0;
      let killed;
      const restarts = [];
      const onLog = (child, line) => {
        if (/ p2p \S+: input \d+ sent /.test(line) && ++sends === killAfter && killed === undefined) {
          const at = ((performance.now() - t0) / 1000).toFixed(1);
          killed = cluster
            .killWorker(nWorkers - 1, 'SIGKILL')
            .then((exit) => `worker-${nWorkers - 1} killed (${exit?.signal}) at ${at} s, after ${killAfter} transfers had sent`);
        }
        if (/p2p shuffle \S+: run \d+ moves output/.test(line)) restarts.push(line.slice(line.indexOf('p2p shuffle')));
        if (series !== undefined && / (thread-)?memory /.test(line))
          seriesLines.push(
            `${((performance.now() - t0) / 1000).toFixed(2)} ${child}${line.slice(line.indexOf(' memory') >= 0 ? line.indexOf(' memory') : line.indexOf(' thread-memory'))}`,
          );
        const m = / memory (rss=.*) paused=/.exec(line) ?? / thread-memory (.*)/.exec(line);
        if (m === null) {
          if (verbose) console.log(`${child}: ${line}`);
          return;
        }
        const top = tops.get(child) ?? {};
        const pre = m[0].startsWith(' thread') ? 'thread.' : '';
        for (const kv of m[1].trim().split(' ')) {
          const [k, v] = kv.split('=');
          top[pre + k] = Math.max(top[pre + k] ?? 0, Number(v));
        }
        tops.set(child, top);
      };
      cluster = await LocalCluster.start({
        nWorkers,
        threadsPerWorker: 1,
        memoryLimit: limit,
        nanny: false,
        env: { TMPDIR: tmp, TSDASK_WORKER_MEMORY_LOG_MS: '250' },
        onLog,
      });
      const client = cluster.client();
      try {
        await client.ready();
        const pids = cluster.workerPids();
        const base = pids.map((p) => status(p, 'VmRSS'));
        config.set({ 'dataframe.shuffle.method': m });
        const joined = readCSV(left, { blocksize }).merge(readCSV(right, { blocksize }), { on: 'k' });
        t0 = performance.now();
        const got = await compute(joined.col('a').count(), joined.col('a').sum(), joined.col('b').sum(), { scheduler: client });
        seconds.push((performance.now() - t0) / 1000);
        const ok = got.map(Number).every((v, i) => v === want[i]);
        if (!ok) throw new Error(`${m}: wrong answer ${got.map(String)}, want ${want}`);
        if (killAfter !== undefined && m === 'p2p') {
          if (killed === undefined) throw new Error(`--kill-after ${killAfter}: only ${sends} transfers sent; no worker was killed`);
          console.log(`  ${await killed}; ${restarts.length} restart(s): ${restarts.join(' | ') || '(none)'}`);
        }
        peaks = pids.map((p, i) => {
          const hwm = status(p, 'VmHWM');
          return `worker ${i}: ${Number.isNaN(hwm) ? 'gone (killed)' : `peak RSS ${mb(hwm)} MiB`} (${mb(base[i])} MiB once started)`;
        });
        for (const [child, top] of [...tops].sort())
          console.log(
            `  ${m} ${child} peaks (MiB): ${Object.entries(top)
              .map(([k, v]) => `${k} ${v.toFixed(0)}`)
              .join(', ')}`,
          );
      } finally {
        await client.close();
        await cluster.close();
        if (series !== undefined) writeFileSync(series, seriesLines.join('\n') + '\n');
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    console.log(`${m}: ${median(seconds).toFixed(1)} s (median of ${runs}), right answer; ${peaks.join('; ')}`);
  }
} finally {
  config.set({ 'dataframe.shuffle.method': 'auto' });
  rmSync(dir, { recursive: true, force: true });
}
