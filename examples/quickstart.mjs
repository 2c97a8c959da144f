// The quickstart notebook's tour as a plain script (`node examples/quickstart.mjs` after
// `npm run build`): arrays, dataframes on vega-datasets' flights, delayed, futures with a
// module function, the dashboard and visualize. Outside a notebook the summaries print as text
// and the progress bar draws on stderr (a line every few seconds when stderr is not a terminal).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delayed, getClient, op } from 'tsdask';
import * as da from 'tsdask/array';
import { col, fromRecords } from 'tsdask/dataframe';
import { startDashboard } from '@tsdask/dashboard';
import { closePool } from '@tsdask/scheduler-local';

// Arrays: a summary, a compute with progress, the graph as DOT text.
const x = da.arange(1_000_000, { chunks: 100_000, dtype: 'float64' });
const y = x.mul(2).add(1);
console.log(String(y));
console.log(`sum of 2x+1 over 0..999999: ${await y.sum().compute({ progress: true })}`);
console.log(`the sum's graph: ${(await x.sum().visualize({ format: 'dot' })).split('\n').length} lines of DOT`);

// Dataframes: 20,000 real flights.
const records = JSON.parse(readFileSync(fileURLToPath(new URL('../node_modules/vega-datasets/data/flights-20k.json', import.meta.url)), 'utf8'));
const flights = fromRecords(records, { npartitions: 4 });
console.log(String(flights));
const byOrigin = flights
  .filter(col('delay').isNotNull())
  .groupBy('origin')
  .agg({ mean_delay: ['delay', 'mean'], flights: ['delay', 'size'] })
  .sortValues('flights', { ascending: false });
console.log(await byOrigin.head(8)); // the head as a text table with its row count

// Delayed functions.
const inc = delayed((v) => v + 1, { name: 'inc' });
const add = delayed((a, b) => a + b, { name: 'add' });
console.log(`add(inc(1), inc(2)) = ${await add(inc(1), inc(2)).compute()}`);

// Futures; a function with a free variable travels as a module export (resolved against this file).
const client = getClient();
const squares = client.map((v) => v * v, [1, 2, 3, 4]);
const scaled = client.submit(op(new URL('./helpers.mjs', import.meta.url).href, 'scale'), 21);
console.log(await client.gather(squares), await scaled.result());

// The dashboard around one compute.
const dashboard = await startDashboard({ port: 0 });
const m = await da.random
  .random([2000, 2000], { chunks: [500, 500], seed: 1 })
  .mean()
  .compute();
await dashboard.close();
console.log(`mean of 4M uniform numbers: ${Number(m).toFixed(2)}`);
await closePool();
