// Where the time of readCSV -> groupBy('origin') mean delay goes: main-thread phases, and each
// task's time in the workers (from the event stream) beside the wall time.
//   node --expose-gc bench/csv-phases.mjs [--runs 5] [--blocksize 16MB]
// With --cpu mean|size|filter: that cold-start query on the 'sync' scheduler (one thread), --runs
// times in this process, each run's CPU time (process.cpuUsage: steadier than wall time on a
// loaded machine; the first run includes loading and compiling the modules). Run it in fresh
// processes of two builds, alternating, for an A/B.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { col, readCSV } from '@tsdask/dataframe';
import { graphOf } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { arg } from './cli.mjs';

const runs = Number(arg('runs', '5'));
const blocksize = arg('blocksize', '16MB');
const csv = join(dirname(fileURLToPath(import.meta.url)), '.data', 'flights-3m.csv');
const opts = { scheduler: 'threads' };
const ms = (t) => `${t.toFixed(1)} ms`;

const cpuQuery = arg('cpu', undefined);
if (cpuQuery !== undefined) {
  const sync = { scheduler: 'sync' };
  const queries = {
    mean: async () =>
      (
        await readCSV(csv)
          .groupBy('origin')
          .agg({ delay: ['delay', 'mean'] })
          .compute(sync)
      ).numRows,
    size: async () => (await readCSV(csv).groupBy(['origin', 'destination']).size().compute(sync)).numRows,
    filter: async () => readCSV(csv).filter(col('delay').gt(60)).len(sync),
  };
  const out = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const answer = await queries[cpuQuery]();
    const c = process.cpuUsage(c0);
    out.push(`${((c.user + c.system) / 1000).toFixed(0)} ms CPU (${(performance.now() - t0).toFixed(0)} wall, answer ${answer})`);
  }
  console.log(`${cpuQuery}: ${out.join(' | ')}`);
  await closePool();
  process.exit(0);
}

const query = () =>
  readCSV(csv, { blocksize })
    .groupBy('origin')
    .agg({ delay: ['delay', 'mean'] });
await query().compute(opts); // warm pool and page cache
for (let r = 0; r < runs; r++) {
  globalThis.gc?.();
  const t0 = performance.now();
  const q = query();
  const t1 = performance.now();
  const { graph } = graphOf([q], opts);
  const t2 = performance.now();
  const events = [];
  const cb = {
    tasks: (evs) => {
      for (const e of evs) if (e.state === 'memory') events.push({ ...e });
    },
  };
  const t3 = performance.now();
  const table = await q.compute({ ...opts, callbacks: [cb] });
  const t4 = performance.now();
  const byGroup = new Map();
  const byWorker = new Map();
  for (const e of events) {
    const d = e.stop - e.start;
    const g = byGroup.get(e.group) ?? { n: 0, ms: 0, max: 0 };
    g.n++;
    g.ms += d;
    g.max = Math.max(g.max, d);
    byGroup.set(e.group, g);
    const w = byWorker.get(e.worker) ?? { n: 0, ms: 0, first: Infinity, last: 0 };
    w.n++;
    w.ms += d;
    w.first = Math.min(w.first, e.start);
    w.last = Math.max(w.last, e.stop);
    byWorker.set(e.worker, w);
  }
  console.log(
    `run ${r}: total ${ms(t4 - t0)} | readCSV+groupBy build ${ms(t1 - t0)} | graphOf ${ms(t2 - t1)} (${graph.size} tasks) | compute ${ms(t4 - t3)} | rows ${table.numRows}`,
  );
  for (const [g, v] of byGroup) console.log(`   task ${g.padEnd(28)} n ${String(v.n).padStart(3)}  sum ${ms(v.ms).padStart(10)}  max ${ms(v.max)}`);
  for (const [w, v] of byWorker) console.log(`   worker ${String(w).padEnd(4)} tasks ${v.n}  busy ${ms(v.ms)}  span ${ms(v.first)} .. ${ms(v.last)}`);
}
await closePool();
