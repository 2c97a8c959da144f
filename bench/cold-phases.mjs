// Where the first query's time goes, in one fresh process: module loading, the pool's start,
// planning (readCSV's sample and schema, the graph), and in the compute each task's start and
// stop on its worker (from the event stream), relative to the compute's start.
//   node bench/cold-phases.mjs [--query mean|size|filter] [--blocksize 64MB]
//   (add --cpu-prof --cpu-prof-dir=DIR before the script for profiles of main thread and workers)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './cli.mjs';

const csv = join(dirname(fileURLToPath(import.meta.url)), '.data', 'flights-3m.csv');
const query = arg('query', 'mean');
const blocksize = arg('blocksize', undefined);
const opts = { scheduler: 'threads' };
const ms = (t) => `${t.toFixed(0)} ms`;

const t0 = performance.now();
const { readCSV, col } = await import('@tsdask/dataframe');
const { delayed, graphOf } = await import('@tsdask/core-graph');
const { closePool, startPool } = await import('@tsdask/scheduler-local');
const t1 = performance.now();
await delayed((x) => x + 1)(1).compute(opts);
await startPool();
const t2 = performance.now();
const plan = () => {
  const df = readCSV(csv, blocksize === undefined ? {} : { blocksize });
  if (query === 'mean') return df.groupBy('origin').agg({ delay: ['delay', 'mean'] });
  if (query === 'size') return df.groupBy(['origin', 'destination']).size();
  return df.filter(col('delay').gt(60));
};
for (const round of ['first', 'second']) {
  const a = performance.now();
  const q = plan();
  const b = performance.now();
  const { graph } = graphOf([q], opts);
  const c = performance.now();
  const events = [];
  const cb = { tasks: (evs) => events.push(...evs.filter((e) => e.state === 'memory').map((e) => ({ ...e }))) };
  const d = performance.now();
  await q.compute({ ...opts, callbacks: [cb] });
  const e = performance.now();
  if (round === 'first') console.log(`import ${ms(t1 - t0)} | pool up (tiny compute) ${ms(t2 - t1)}`);
  console.log(`${round}: plan ${ms(b - a)} | graphOf ${ms(c - b)} (${graph.size} tasks) | compute ${ms(e - d)} | total ${ms(e - a)}`);
  for (const x of events.sort((p, q) => p.start - q.start)) {
    console.log(`   w${x.worker} ${x.group.padEnd(28)} start +${ms(x.start).padStart(7)} run ${ms(x.stop - x.start).padStart(7)}`);
  }
}
await closePool();
