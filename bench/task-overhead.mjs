// Task overhead: graphs of N trivial leaves (a fan-out of inc(i)) summed by a binary tree of
// add tasks (about 2N tasks), built with `delayed` and as raw tasks. Prints build, optimize and
// execute time, µs per task end to end on 'sync' and 'threads', and graph bytes per task.
//
//   node --expose-gc bench/task-overhead.mjs [--sizes 10000,100000,1000000] [--runs 3]
import { compute, delayed, graphOf, getScheduler, HighLevelGraph, MaterializedLayer, op, Collection } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = arg('sizes', '10000,100000,1000000').split(',').map(Number);
const runs = Number(arg('runs', '3'));
const schedulers = arg('schedulers', 'sync,threads').split(',');
const gc = globalThis.gc ?? (() => {});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function treeSum(leaves, add) {
  let level = leaves;
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? add(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

function buildDelayed(n) {
  const inc = delayed((x) => x + 1, { name: 'inc' });
  const add = delayed((a, b) => a + b, { name: 'add' });
  const leaves = new Array(n);
  for (let i = 0; i < n; i++) leaves[i] = inc(i);
  return treeSum(leaves, add);
}

// Raw tasks: a plain key -> task map in one MaterializedLayer, ops by module URL.
class RawGraph extends Collection {
  constructor(layer, key) { super(); this.layer = layer; this.key = key; }
  get graph() { return new HighLevelGraph([this.layer]); }
  get outputKeys() { return [this.key]; }
  finalize(v) { return v[0]; }
}
const OPS = new URL('./ops.mjs', import.meta.url).href;
function buildRaw(n) {
  const incOp = op(OPS, 'inc').opId;
  const addOp = op(OPS, 'add').opId;
  const tasks = new Map();
  let level = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = `inc,${i}`;
    tasks.set(k, { op: incOp, args: [i] });
    level[i] = k;
  }
  let depth = 0;
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 < level.length) {
        const k = `add-${depth},${i >> 1}`;
        tasks.set(k, { op: addOp, args: [{ ref: level[i] }, { ref: level[i + 1] }] });
        next.push(k);
      } else next.push(level[i]);
    }
    level = next;
    depth++;
  }
  return new RawGraph(new MaterializedLayer('raw', tasks), level[0]);
}

async function once(kind, n, schedulerName) {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const coll = kind === 'delayed' ? buildDelayed(n) : buildRaw(n);
  const t1 = performance.now();
  const { graph, outputs } = graphOf([coll], {});
  const t2 = performance.now();
  const heapGraph = process.memoryUsage().heapUsed - heap0;
  const sched = await getScheduler(schedulerName);
  const [result] = await sched.get(graph, outputs, {});
  const t3 = performance.now();
  const expected = (n * (n - 1)) / 2 + n;
  if (result !== expected) throw new Error(`wrong result ${result}, expected ${expected}`);
  return { ntasks: graph.size, build: t1 - t0, optimize: t2 - t1, execute: t3 - t2, total: t3 - t0, bytesPerTask: heapGraph / graph.size };
}

console.log(`task-overhead: ${runs} runs each, median shown; Node ${process.version}`);
console.log('kind     leaves    tasks     sched    build ms  optim ms  exec ms   total ms  µs/task  graph B/task');
for (const n of sizes) {
  for (const kind of ['delayed', 'raw']) {
    for (const s of schedulers) {
      if (s === 'sync' && n > 100000 && kind === 'raw') continue;
      const rs = [];
      await once(kind, Math.min(n, 1000), s); // warm-up: pool start, JIT
      for (let r = 0; r < (n >= 1000000 ? 1 : runs); r++) rs.push(await once(kind, n, s));
      const m = (f) => median(rs.map(f));
      console.log(
        [kind.padEnd(8), String(n).padEnd(9), String(rs[0].ntasks).padEnd(9), s.padEnd(8),
          m((r) => r.build).toFixed(0).padStart(8), m((r) => r.optimize).toFixed(0).padStart(9),
          m((r) => r.execute).toFixed(0).padStart(8), m((r) => r.total).toFixed(0).padStart(10),
          ((m((r) => r.total) * 1000) / rs[0].ntasks).toFixed(2).padStart(8),
          m((r) => r.bytesPerTask).toFixed(0).padStart(12)].join(' '),
      );
    }
  }
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await closePool();
