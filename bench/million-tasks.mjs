// A graph of a million tasks submitted to a 2-worker LocalCluster (issue 14, "Million-task graphs"):
// how long the scheduler takes to take it in, its heap per task, and the longest block of its event
// loop, beside Dask's LocalCluster on a 100k-task graph in the same run (bench/dask_million_ref.py).
//
// The graph: 7/8 of the tasks are leaves inc(i) = i + 1 (core-graph's `sum` op of [i, 1]), the rest
// a tree of sums, 8 inputs each, down to one key; the result is checked against a plain loop. The
// client sends it in parts of GRAPH_PART_TASKS (5k) tasks (update-graph-part), encoding about 10 ms of
// parts per event-loop turn while the earlier ones are on the wire (Connection.sendEach); the
// scheduler reads at most ~10 ms of them per turn (comm/connection.ts), checks the graph for cycles
// and takes it into its state machine in slices of <= 20 ms, yielding between them. Releasing the
// output at the end forgets the million records in slices too (state/release.ts, release-slices.ts). Figures, from the
// scheduler itself (client.schedulerStats(), scheduler/stats.ts):
//   ingest s          the client's run() to the end of the scheduler's last slice (client-side
//                     encoding included), and the scheduler's part alone (last part in -> all in),
//                     with the scheduler process's CPU time in that part (steadier under load)
//   CPU s             the client process's CPU time from run() to all in (building the messages, encoding
//                     and sending them), and the scheduler process's (all its threads, and its main thread
//                     alone, from /proc): under load these are steadier than the wall figures
//   heap B/task       the scheduler's V8 heapUsed once the graph is in, less before (both after a
//                     full gc), per task of the graph (the bound: 500)
//   max block ms      the longest event-loop delay (monitorEventLoopDelay) while the graph went in
//                     (the bound: 100) and over the whole run (ingest, execution, and the release
//                     of the output when the client closes, until the scheduler has forgotten every
//                     task; each part also alone); p99 beside it; and the most CPU time the
//                     scheduler's main thread spent in one block (Linux), which the load of other
//                     processes does not inflate. The full GC the bench forces for the heap figure
//                     blocks the loop for hundreds of ms at 1M tasks (it was the 802 ms "block
//                     after ingest" of earlier notes): the run's figure leaves it out (a reset
//                     once it is recorded), and its round trip is printed apart
//   worker silence ms the longest a worker went unheard by the scheduler during the run (heartbeats
//                     every 1000 ms; the heartbeat timeout is 30000)
//   slice ms          the longest intake slice, wall and CPU time (the scheduler's own work per slice;
//                     the loop's longest block also has message decoding and GC pauses in it)
//   poll ms           the longest round trip of a second client's stats question while the graph
//                     went in: the scheduler answers others between slices
// BENCH_NODE_ARGS adds node flags to the cluster's processes (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"),
// BENCH_LOG=1 prints what they print (e.g. with --trace-gc).
// Medians over --runs runs (one cluster each). On a loaded machine the event-loop figures include
// the time the OS did not run the scheduler at all: read them beside the load average printed.
//
//   npm run build && node bench/million-tasks.mjs [--tasks 1000000] [--runs 1] [--dask-tasks 100000 (0: no Dask)] [--layers on|off] [--ingest-only]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lowerArrays } from '@tsdask/core-graph';
import { LocalCluster } from '@tsdask/scheduler-distributed';
import { arg, median } from './cli.mjs';

const args = process.argv.slice(2);
const nTasks = Number(arg('tasks', '1000000'));
const runs = Number(arg('runs', '1'));
const daskTasks = Number(arg('dask-tasks', '100000'));
// --layers off: send the graph as task parts only (config distributed.layers: false).
const layers = arg('layers', 'on') !== 'off';
// --ingest-only: stop once the graph is in (no execution, no release figures): for A/B runs of the intake.
const ingestOnly = args.includes('--ingest-only');
const root = dirname(fileURLToPath(import.meta.url));
const SUM = '@tsdask/core-graph/ops#sum';

/** The graph of about `n` tasks (see the header), its output key and the expected result. */
function buildGraph(n) {
  const keys = [];
  const nodes = [];
  const leaves = Math.floor((n * 7) / 8);
  for (let i = 0; i < leaves; i++) {
    keys.push(`inc-bench,${i}`);
    nodes.push({ op: SUM, args: [i, 1] });
  }
  let level = keys.slice();
  for (let depth = 0; level.length > 1; depth++) {
    const next = [];
    for (let j = 0; j < level.length; j += 8) {
      const k = `sum-${depth}-bench,${j / 8}`;
      keys.push(k);
      nodes.push({ op: SUM, args: level.slice(j, j + 8).map((r) => ({ ref: r })) });
      next.push(k);
    }
    level = next;
  }
  let expected = 0;
  for (let i = 0; i < leaves; i++) expected += i + 1; // the plain loop
  return { graph: lowerArrays(keys, nodes), output: level[0], expected };
}

async function once(graph, output, expected) {
  const cluster = await LocalCluster.start({
    nWorkers: 2,
    dashboard: false,
    nodeArgs: ['--max-old-space-size=8192', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    // BENCH_LOG=1: print what the scheduler and workers print (with BENCH_NODE_ARGS=--trace-gc, their GC pauses)
    ...(process.env.BENCH_LOG ? { onLog: (child, line) => console.error(`[${child}] ${line}`) } : {}),
  });
  try {
    return await measure(cluster, graph, output, expected);
  } finally {
    await cluster.close();
  }
}

/** CPU seconds of process `pid` (all its threads, GC helpers included) and of its main thread, from /proc (Linux), or NaN. */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ');
    const main = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'latin1').split(' ')[0]) / 1e9;
    return { all: (Number(f[11]) + Number(f[12])) / 100, main }; // utime, stime in clock ticks (100 per second)
  } catch {
    return { all: NaN, main: NaN };
  }
}

async function measure(cluster, graph, output, expected) {
  const client = cluster.client();
  const watcher = cluster.client();
  await Promise.all([client.ready(), watcher.ready()]);
  const before = await watcher.schedulerStats({ gc: true, reset: true });
  const spid = cluster.schedulerProcess.pid;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const sc0 = cpuOf(spid);
  const sched = client.asScheduler();
  const handle = sched.run(graph, [output], { 'distributed.layers': layers });
  let poll = 0;
  let s;
  for (;;) {
    const p0 = performance.now();
    s = await watcher.schedulerStats();
    poll = Math.max(poll, performance.now() - p0);
    if (s.intake.graphs > before.intake.graphs) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ingestS = (performance.now() - t0) / 1000;
  const cpu1 = process.cpuUsage(cpu0);
  const clientCpuS = (cpu1.user + cpu1.system) / 1e6;
  const sc1 = cpuOf(spid);
  const schedCpuS = sc1.all - sc0.all;
  const schedMainCpuS = sc1.main - sc0.main;
  const inLoop = s.loop;
  const g0 = performance.now();
  const after = await watcher.schedulerStats({ gc: true });
  const forcedGcMs = performance.now() - g0;
  // The full GC just forced (for the heap figure) blocks the scheduler's loop for hundreds of ms at a
  // million tasks: the bench's own doing, left out of the run's figure by a reset once it is recorded.
  await new Promise((r) => setTimeout(r, 100));
  await watcher.schedulerStats({ reset: true });
  // The figures of the ingest (all a run gives with --ingest-only).
  const ingest = {
    ingestS,
    clientCpuS,
    schedCpuS,
    schedMainCpuS,
    schedulerIngestS: s.intake.lastMs / 1000,
    schedulerIngestCpuS: s.intake.lastCpuMs / 1000,
    bytesPerTask: (after.heapUsed - before.heapUsed) / graph.size,
    maxBlockMs: inLoop.maxMs,
    blockCpuMs: inLoop.blockCpuMs ?? NaN,
    p99BlockMs: inLoop.p99Ms,
    pollMs: poll,
    sliceMs: s.intake.longestSliceMs,
    sliceCpuMs: s.intake.longestSliceCpuMs,
    forcedGcMs,
  };
  if (ingestOnly) {
    await Promise.all([client.close(), watcher.close()]);
    return ingest;
  }
  await handle.done;
  const [value] = await sched.gather([output]);
  if (value !== expected) throw new Error(`wrong result ${value}, expected ${expected} (plain loop)`);
  const totalS = (performance.now() - t0) / 1000;
  const end = await watcher.schedulerStats({ reset: true });
  // Closing the client releases the output: the scheduler forgets the graph's million records.
  const r0 = performance.now();
  await client.close();
  let rel;
  do {
    await new Promise((r) => setTimeout(r, 50));
    rel = await watcher.schedulerStats();
  } while (rel.tasks > 0 && performance.now() - r0 < 300_000);
  const releaseS = (performance.now() - r0) / 1000;
  await watcher.close();
  return {
    ...ingest,
    runMaxBlockMs: Math.max(inLoop.maxMs, end.loop.maxMs, rel.loop.maxMs),
    execMaxBlockMs: end.loop.maxMs,
    releaseS,
    releaseMaxBlockMs: rel.loop.maxMs,
    tasksLeftAfterRelease: rel.tasks,
    workerSilenceMs: end.loop.workerSilenceMs,
    totalS,
    tasksLeft: after.tasks,
  };
}

const fmt = (x, d = 1) => (x === undefined || x === null ? '-' : Number(x).toFixed(d));
const { graph, output, expected } = buildGraph(nTasks);
console.log(
  `tsdask: ${graph.size} tasks, 2-worker LocalCluster (1 thread each), ${runs} run(s); load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const rows = [];
for (let r = 0; r < runs; r++) {
  const row = await once(graph, output, expected);
  rows.push(row);
  console.log(`  run ${r + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v.toFixed(3))])))}`);
}
const med = (k) => median(rows.map((x) => x[k]));

let dask;
if (daskTasks > 0) {
  const py = process.env.DASK_PYTHON ?? '/usr/bin/python3';
  console.log(`dask: ${daskTasks} tasks with ${py} bench/dask_million_ref.py ...`);
  const res = spawnSync(py, [join(root, 'dask_million_ref.py'), '--tasks', String(daskTasks)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status === 0) dask = JSON.parse(res.stdout.trim().split('\n').at(-1));
  else console.log(`  Dask skipped: ${(res.stderr || String(res.error)).trim().split('\n').slice(-3).join(' | ')}`);
}

console.log('');
console.log(`figure                         tsdask (${graph.size} tasks)   dask (${dask?.tasks ?? '-'} tasks)   goal`);
console.log(`ingest, client to all in, s    ${fmt(med('ingestS'), 2).padStart(12)}   ${fmt(dask && dask.ingest_ms / 1000, 2).padStart(12)}   <= 10 (1M)`);
console.log(
  `  client process CPU in it, s    ${fmt(med('clientCpuS'), 2).padStart(12)}   ${'-'.padStart(12)}   (encoding and sending; other figures are wall time)`,
);
console.log(
  `  scheduler CPU in it, s         ${fmt(med('schedCpuS'), 2).padStart(12)}   ${'-'.padStart(12)}   (its process, GC threads included; main thread: ${fmt(med('schedMainCpuS'), 2)} s)`,
);
console.log(
  `  of it in the scheduler, s    ${fmt(med('schedulerIngestS'), 2).padStart(12)}   ${'-'.padStart(12)}   (last part in -> all in; its CPU: ${fmt(med('schedulerIngestCpuS'), 2)} s)`,
);
console.log(
  `scheduler bytes per task       ${fmt(med('bytesPerTask'), 0).padStart(12)}   ${fmt(dask?.bytes_per_task, 0).padStart(12)}   <= 500 (tsdask: V8 heap; Dask: RSS)`,
);
console.log(`longest loop block, ingest ms  ${fmt(med('maxBlockMs')).padStart(12)}   ${'-'.padStart(12)}   <= 100`);
console.log(`  its own CPU time, ms          ${fmt(med('blockCpuMs')).padStart(12)}   ${'-'.padStart(12)}   (main thread, Linux; the load's share left out)`);
console.log(`longest loop block, run ms     ${fmt(med('runMaxBlockMs')).padStart(12)}   ${fmt(dask?.max_block_ms).padStart(12)}`);
console.log(`  while it ran, ms             ${fmt(med('execMaxBlockMs')).padStart(12)}`);
console.log(
  `  while it was released, ms    ${fmt(med('releaseMaxBlockMs')).padStart(12)}   ${'-'.padStart(12)}   (${fmt(med('releaseS'), 1)} s to forget it all)`,
);
console.log(`forced GC round trip, ms       ${fmt(med('forcedGcMs')).padStart(12)}   ${'-'.padStart(12)}   (the bench's heap figure; left out above)`);
console.log(`longest intake slice, wall ms  ${fmt(med('sliceMs')).padStart(12)}   ${'-'.padStart(12)}   (work per slice: 20 ms)`);
console.log(`  its CPU time, ms             ${fmt(med('sliceCpuMs')).padStart(12)}   ${'-'.padStart(12)}   (wall - CPU: the OS ran others)`);
console.log(`p99 loop delay, ingest ms      ${fmt(med('p99BlockMs')).padStart(12)}`);
console.log(`longest worker silence ms      ${fmt(med('workerSilenceMs')).padStart(12)}   ${'-'.padStart(12)}   < 30000 (heartbeat timeout)`);
console.log(`other client's poll, max ms    ${fmt(med('pollMs')).padStart(12)}`);
console.log(`submit to result, s            ${fmt(med('totalS'), 1).padStart(12)}   ${fmt(dask?.total_s, 1).padStart(12)}`);
if (dask !== undefined) console.log(`ingest per task, Dask / tsdask: ${fmt(dask.ingest_ms / 1000 / dask.tasks / (med('ingestS') / graph.size), 2)}x`);
console.log(
  `load average now ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
