// Where the first 100k-leaf delayed compute of a fresh process goes (bench/cold-start.mjs --only
// graph measures it end to end): the same warm-up as there (one tiny compute, startPool()), then
// the phases of the first compute timed one by one, wall and main-thread CPU: build (delayed
// calls), lower (graphOf: lowering and the task-level passes), run (the scheduler: order, batches,
// workers, result). Then the same again in the same process: the warm figures.
//   node bench/cold-graph-phases.mjs [--leaves 100000] [--repeat 3]
import { performance } from 'node:perf_hooks';
import { arg } from './cli.mjs';

const leaves = Number(arg('leaves', '100000'));
const repeat = Number(arg('repeat', '2'));
const cpu = () => process.cpuUsage();
const cpuMs = (c) => (c.user + c.system) / 1000;
const rows = [];
const t0 = performance.now();
const { delayed, graphOf, computeGraph, resolveScheduler } = await import('@tsdask/core-graph');
const local = await import('@tsdask/scheduler-local');
const tImport = performance.now();
await delayed((x) => x + 1)(1).compute({ scheduler: 'threads' });
await local.startPool();
const tPool = performance.now();
const { buildDelayed } = await import('./graphs.mjs');
const scheduler = await resolveScheduler('threads');
rows.push(['import', tImport - t0], ['pool + first tiny compute', tPool - tImport]);
for (let r = 0; r < repeat; r++) {
  const phase = (name, fn) => {
    const t = performance.now();
    const c = cpu();
    const v = fn();
    rows.push([`${r === 0 ? 'first' : 'warm'} ${name}`, performance.now() - t, cpuMs(cpu()) - cpuMs(c)]);
    return v;
  };
  const tRun = performance.now();
  const d = phase('build', () => buildDelayed(leaves));
  const { graph, outputs } = phase('lower + optimize', () => graphOf([d], {}));
  const t = performance.now();
  const c = cpu();
  const [v] = await computeGraph(scheduler, graph, outputs);
  rows.push([`${r === 0 ? 'first' : 'warm'} run (order, batches, workers)`, performance.now() - t, cpuMs(cpu()) - cpuMs(c)]);
  rows.push([`${r === 0 ? 'first' : 'warm'} total`, performance.now() - tRun]);
  if (v !== (leaves * (leaves + 1)) / 2) throw new Error(`wrong sum ${v}`);
}
await local.closePool();
for (const [name, ms, c] of rows)
  console.log(`${name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms${c === undefined ? '' : `  (process CPU ${c.toFixed(1)} ms)`}`);
