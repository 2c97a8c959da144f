// The main job (`npm start`): one real computation per collection, each on every core with a
// progress bar on stderr.
//   1. delayed:   a Monte Carlo estimate of pi
//   2. arrays:    statistics of a seeded random 20000 x 5000 array (800 MB, never held whole)
//   3. dataframes: mean departure delay by origin over 3 million real flights
//                 (vega-datasets' flights-3m.parquet), joined with airport names
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compute, delayed } from 'tsdask';
import * as da from 'tsdask/array';
import { col, readCSV, readParquet } from 'tsdask/dataframe';
// Only for the worker count and shutting the pool down; 'tsdask' loads the schedulers itself.
import { closePool, defaultWorkers } from '@tsdask/scheduler-local';

const seconds = (t0) => ((performance.now() - t0) / 1000).toFixed(2);
console.log(`tsdask on ${defaultWorkers()} worker threads\n`);

// 1. delayed: self-contained functions travel to worker threads as source.
const countInside = delayed(
  (seed, n) => {
    let s = seed >>> 0 || 1;
    const next = () => {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      return s / 4294967296;
    };
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const x = next();
      const y = next();
      if (x * x + y * y <= 1) inside++;
    }
    return inside;
  },
  { name: 'count-inside', pure: true },
);
const add = delayed((a, b) => a + b, { name: 'add', pure: true });
let level = Array.from({ length: 32 }, (_, i) => countInside(i + 1, 2_000_000));
while (level.length > 1) {
  const next = [];
  for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? add(level[i], level[i + 1]) : level[i]);
  level = next;
}
let t0 = performance.now();
const [inside] = await compute(level[0], { progress: true });
const pi = (4 * inside) / 64e6;
console.log(`1. delayed: pi ~ ${pi.toFixed(5)} from 64M random points (error ${Math.abs(pi - Math.PI).toExponential(1)}) in ${seconds(t0)} s\n`);

// 2. arrays: chunks are generated, reduced and dropped; elementwise chains fuse into one pass.
const x = da.random.random([20000, 5000], { chunks: [2000, 5000], seed: 1 });
console.log(`2. arrays: ${x}`);
t0 = performance.now();
const [mean, std, fused] = await compute(x.mean(), x.std(), x.add(1).mul(2).sqrt().mean(), { progress: true });
console.log(
  `   mean ${mean.toFixed(5)} (1/2 expected), std ${std.toFixed(5)} (${(1 / Math.sqrt(12)).toFixed(5)} expected), ` +
    `mean of sqrt(2(x+1)) ${fused.toFixed(5)} in ${seconds(t0)} s\n`,
);

// 3. dataframes: real data shipped by the vega-datasets package.
const data = fileURLToPath(new URL('../node_modules/vega-datasets/data/', import.meta.url));
const flights = readParquet(join(data, 'flights-3m.parquet'), { columns: ['delay', 'origin'] });
const airports = readCSV(join(data, 'airports.csv'), { columns: ['iata', 'name', 'city'] });
t0 = performance.now();
const byOrigin = flights
  .groupBy('origin')
  .agg({ mean_delay: ['delay', 'mean'], flights: ['delay', 'size'] })
  .filter(col('flights').ge(10000))
  .merge(airports, { leftOn: 'origin', rightOn: 'iata', how: 'left' })
  .sortValues('mean_delay', { ascending: false });
const table = await byOrigin.compute({ progress: true });
console.log(`3. dataframes: mean departure delay by origin, 3M flights, busiest airports (>= 10k flights), in ${seconds(t0)} s`);
const rows = table.toArray().slice(0, 8);
for (const r of rows)
  console.log(
    `   ${r.origin}  ${String(r.name ?? '')
      .slice(0, 38)
      .padEnd(38)} ${r.mean_delay.toFixed(1).padStart(6)} min over ${r.flights} flights`,
  );
await closePool();
