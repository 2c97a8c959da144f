// Task overhead: graphs of N trivial leaves (a fan-out of inc(i)) summed by a binary tree of
// add tasks (about 2N tasks), built with `delayed` and as raw tasks (a key -> task map with
// module ops). Prints build, optimize and execute time, µs per task end to end on 'sync' and
// 'threads', graph bytes per task (graph B/task: the growth of the live heap and array buffers,
// shared ones included, from before the graph is built to after build + graphOf, measured after
// a GC outside the timed phases) and its two parts for raw graphs: the user's own key -> task
// map (user B/task: keys, task objects, args arrays, `{ ref }` objects, the Map; measured after
// a GC once the map is built) and what tsdask keeps beside it (tsdask B/task: the rest; all of
// graph B/task for delayed, whose delayed() calls are tsdask's), each configuration's peak RSS
// (each runs in its own process, so the peak is its own) and that peak per task (RSS B/task: the whole process, graph, results,
// V8 and the worker threads, over the graph's tasks), and each row's µs per task over that of
// its kind and scheduler at 100k leaves (200k tasks): flat cost per task reads 1.00 all the way
// down. CPU µs/task is the process's CPU time (main thread and worker threads) over the same
// phases, per task, and exec CPU the same over execution alone: on a shared machine, where
// wall time depends on the other processes' load, they compare builds.
// The raw kind's key -> task map is the user's program, as the loop that calls `delayed` is for
// the other kind: its building is timed apart (user ms, with its own CPU µs/task) and left out of
// total, µs/task and CPU µs/task, which count tsdask's work from the map on (for delayed, the
// delayed() calls themselves are tsdask's work and stay in build).
// 5M leaves (10M tasks) needs a large heap: children run with --max-old-space-size=20000.
//
//   npm run bench -- [--sizes 100000,1000000,5000000] [--runs 5] [--schedulers sync,threads] [--kinds delayed,raw]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { computeGraph, getScheduler, graphOf } from '@tsdask/core-graph';
import { closePool, defaultWorkers } from '@tsdask/scheduler-local';
import { buildDelayed, rawCollection, rawTasks } from './graphs.mjs';
import { arg, median } from './cli.mjs';

/**
 * Collects twice before memory is read: array buffers (shared ones too) that one collection
 * found dead are freed by a sweeper that runs after it, so one collection alone still counts
 * the scratch arrays of lowering and optimizing (about 26 B/task at 2M tasks).
 */
function collect() {
  globalThis.gc?.();
  globalThis.gc?.();
}

async function once(kind, n, schedulerName) {
  collect();
  const mem0 = process.memoryUsage();
  const heap0 = mem0.heapUsed + mem0.arrayBuffers;
  // the user's raw map, timed apart (see the header)
  const u0 = process.cpuUsage();
  const tu = performance.now();
  const spec = kind === 'raw' ? rawTasks(n) : undefined;
  const user = performance.now() - tu;
  const userCpu = process.cpuUsage(u0);
  // the user's map alone (raw), outside the timed phases
  let heapUser = 0;
  if (spec !== undefined) {
    collect();
    const mem1 = process.memoryUsage();
    heapUser = mem1.heapUsed + mem1.arrayBuffers - heap0;
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const coll = spec === undefined ? buildDelayed(n) : rawCollection(spec);
  const t1 = performance.now();
  const { graph, outputs } = graphOf([coll], {});
  const t2 = performance.now();
  const c2 = process.cpuUsage(c0);
  // What building and lowering left for the collector is not graph memory: count what stays
  // live (the user's graph objects and the lowered graph), outside the timed phases.
  collect();
  const mem2 = process.memoryUsage();
  const heapGraph = mem2.heapUsed + mem2.arrayBuffers - heap0;
  const t2b = performance.now();
  const c2b = process.cpuUsage();
  const [result] = await computeGraph(await getScheduler(schedulerName), graph, outputs, {});
  const t3 = performance.now();
  const c3 = process.cpuUsage(c2b);
  if (result !== (n * (n + 1)) / 2) throw new Error(`wrong result ${result}`);
  if (coll === undefined) throw new Error('no collection'); // it stays live while its graph runs, as in a user's program
  return {
    ntasks: graph.size,
    user,
    userCpu: (userCpu.user + userCpu.system) / 1000,
    build: t1 - t0,
    optimize: t2 - t1,
    execute: t3 - t2b,
    total: t2 - t0 + (t3 - t2b),
    cpu: (c2.user + c2.system + c3.user + c3.system) / 1000,
    execCpu: (c3.user + c3.system) / 1000,
    bytesPerTask: heapGraph / graph.size,
    userBytesPerTask: heapUser / graph.size,
  };
}

// Child: one configuration, several runs, one JSON line.
const one = arg('one', undefined);
if (one !== undefined) {
  const [kind, n, sched, runs] = one.split(',');
  await once(kind, 1000, sched); // warm-up: start the pool, compile
  const rs = [];
  for (let r = 0; r < Number(runs); r++) rs.push(await once(kind, Number(n), sched));
  const m = (f) => median(rs.map(f));
  console.log(
    JSON.stringify({
      ntasks: rs[0].ntasks,
      user: m((r) => r.user),
      userCpu: m((r) => r.userCpu),
      build: m((r) => r.build),
      optimize: m((r) => r.optimize),
      execute: m((r) => r.execute),
      total: m((r) => r.total),
      cpu: m((r) => r.cpu),
      execCpu: m((r) => r.execCpu),
      bytesPerTask: m((r) => r.bytesPerTask),
      userBytesPerTask: m((r) => r.userBytesPerTask),
      peakRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
  await closePool();
  process.exit(0);
}

const sizes = arg('sizes', '10000,100000,1000000').split(',').map(Number);
const kinds = arg('kinds', 'delayed,raw').split(',');
const runs = Number(arg('runs', '5'));
const schedulers = arg('schedulers', 'sync,threads').split(',');
const self = fileURLToPath(import.meta.url);
console.log(
  `task-overhead: fan-out of N inc() leaves + tree sum; median of ${runs} runs (1 for N >= 1M); ${defaultWorkers()} worker threads; Node ${process.version}`,
);
console.log(
  'kind     leaves    tasks     sched    user ms  user CPU µs/task  build ms  optim ms  exec ms   total ms  µs/task  vs 100k  CPU µs/task  exec CPU  graph B/task  user B/task  tsdask B/task  peak RSS MB  RSS B/task',
);
const base = new Map();
for (const n of sizes) {
  for (const kind of kinds) {
    for (const s of schedulers) {
      const r = n >= 1_000_000 ? 1 : runs;
      const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=20000', self, '--one', `${kind},${n},${s},${r}`], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const x = JSON.parse(out.trim().split('\n').at(-1));
      const perTask = (x.total * 1000) / x.ntasks;
      if (n === 100_000) base.set(`${kind},${s}`, perTask);
      const vs = base.get(`${kind},${s}`);
      console.log(
        [
          kind.padEnd(8),
          String(n).padEnd(9),
          String(x.ntasks).padEnd(9),
          s.padEnd(8),
          (kind === 'raw' ? x.user.toFixed(0) : '-').padStart(7),
          (kind === 'raw' ? ((x.userCpu * 1000) / x.ntasks).toFixed(2) : '-').padStart(17),
          x.build.toFixed(0).padStart(8),
          x.optimize.toFixed(0).padStart(9),
          x.execute.toFixed(0).padStart(8),
          x.total.toFixed(0).padStart(10),
          perTask.toFixed(2).padStart(8),
          (vs === undefined ? '' : (perTask / vs).toFixed(2)).padStart(8),
          ((x.cpu * 1000) / x.ntasks).toFixed(2).padStart(12),
          ((x.execCpu * 1000) / x.ntasks).toFixed(2).padStart(9),
          x.bytesPerTask.toFixed(0).padStart(13),
          (kind === 'raw' ? x.userBytesPerTask.toFixed(0) : '-').padStart(12),
          (x.bytesPerTask - x.userBytesPerTask).toFixed(0).padStart(14),
          x.peakRssMB.toFixed(0).padStart(12),
          ((x.peakRssMB * 1024 * 1024) / x.ntasks).toFixed(0).padStart(11),
        ].join(' '),
      );
    }
  }
}
