// A graph sent as layers against the same graph sent task by task (issue 14: "the client sends a
// graph as layers where it can and in chunks where it cannot"; client/encode-layers.ts).
//
// Two graphs of about --tasks tasks:
//   tree   million-tasks.mjs's graph: 7/8 leaves inc(i) = sum(i, 1), a tree of sums of 8 over them
//          (the leaves are one template; the tree's levels, block j reading blocks 8j..8j+7, are not)
//   map    leaves inc(i), then two maps over them (twice(i) = leaf + leaf, plus(i) = twice + leaf + 3),
//          then the tree: three templated layers
// Figures, per graph, for 'parts' (update-graph-part, today's path) and 'layers':
//   B/task        bytes of all the graph's messages as msgpack (what the frames carry), per task
//   msgs          how many messages
//   client ms     encodeGraph + cutting into messages (layers: finding and checking templates too)
//   intake ms     the scheduler's side in this process: unpack every message, expand the layer
//                 messages, assemble (GraphAssembly, as client-session does), cycle check
//   max msg ms    the longest single message's unpack + expand + add (what one event-loop turn holds)
// and with --cluster, on a 2-worker LocalCluster: ingest s (the scheduler's intake.lastMs: last
// message in -> all taken in) and run s (run() to done, computing included), the answer checked
// against a plain loop. Runs alternate parts/layers in the same process; medians of --runs.
//
//   npm run build && node bench/graph-layers.mjs [--tasks 100000] [--runs 5] [--cluster]
import { loadavg } from 'node:os';
import { Packr } from 'msgpackr';
import { lowerArrays } from '@tsdask/core-graph';
import { encodeGraph, graphMessages, LocalCluster, splitUpdateGraph } from '@tsdask/scheduler-distributed';
import { GraphAssembly } from '../packages/scheduler-distributed/dist/scheduler/wire-graph.js';
import { layerPart } from '../packages/scheduler-distributed/dist/scheduler/layer-intake.js';
import { arg, median } from './cli.mjs';

const args = process.argv.slice(2);
const nTasks = Number(arg('tasks', '100000'));
const runs = Number(arg('runs', '5'));
const withCluster = args.includes('--cluster');
const SUM = '@tsdask/core-graph/ops#sum';
const packr = new Packr({ useRecords: false });

/** The graph (see the header), its root key and the expected value. */
function build(kind, n, tag) {
  const keys = [];
  const nodes = [];
  const leaves = kind === 'tree' ? Math.floor((n * 7) / 8) : Math.floor((n * 7) / 24);
  let want = 0;
  let level = [];
  for (let i = 0; i < leaves; i++) {
    keys.push(`inc-${tag},${i}`);
    nodes.push({ op: SUM, args: [i, 1] });
    if (kind === 'tree') {
      level.push(`inc-${tag},${i}`);
      want += i + 1;
    }
  }
  if (kind === 'map') {
    for (let i = 0; i < leaves; i++) {
      keys.push(`twice-${tag},${i}`);
      nodes.push({ op: SUM, args: [{ ref: `inc-${tag},${i}` }, { ref: `inc-${tag},${i}` }] });
    }
    for (let i = 0; i < leaves; i++) {
      keys.push(`plus-${tag},${i}`);
      nodes.push({ op: SUM, args: [{ ref: `twice-${tag},${i}` }, { ref: `inc-${tag},${i}` }, 3] });
      level.push(`plus-${tag},${i}`);
      want += 3 * (i + 1) + 3;
    }
  }
  for (let depth = 0; level.length > 1; depth++) {
    const next = [];
    for (let j = 0; j < level.length; j += 8) {
      next.push(`sum-${depth}-${tag},${j / 8}`);
      keys.push(next.at(-1));
      nodes.push({ op: SUM, args: level.slice(j, j + 8).map((ref) => ({ ref })) });
    }
    level = next;
  }
  return { graph: lowerArrays(keys, nodes), root: level[0], want };
}

/** The in-process figures of one way of sending. */
function measure(graph, root, layers) {
  const t0 = performance.now();
  const msg = encodeGraph(1, graph, [root]);
  const msgs = layers ? [...graphMessages(msg, graph)] : splitUpdateGraph(msg);
  const clientMs = performance.now() - t0;
  const frames = msgs.map((m) => packr.pack(m));
  const bytes = frames.reduce((s, f) => s + f.byteLength, 0);
  const t1 = performance.now();
  const a = new GraphAssembly();
  let maxMsgMs = 0;
  for (let i = 0; i < frames.length - 1; i++) {
    const s = performance.now();
    const m = packr.unpack(frames[i]);
    a.add(m.type === 'update-graph-layer' ? layerPart(m, a.index) : m);
    maxMsgMs = Math.max(maxMsgMs, performance.now() - s);
  }
  const last = packr.unpack(frames.at(-1));
  const { check, graph: got } = a.complete(
    last,
    () => false,
    () => false,
    'bench',
  );
  check.step(Infinity);
  const intakeMs = performance.now() - t1;
  if (got.size !== graph.size) throw new Error(`the scheduler got ${got.size} tasks, not ${graph.size}`);
  return { bytesPerTask: bytes / graph.size, msgs: msgs.length, clientMs, intakeMs, maxMsgMs };
}

const fmt = (x, d = 1) => x.toFixed(d);
console.log(
  `graph-layers: ~${nTasks} tasks, ${runs} runs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const kind of ['tree', 'map']) {
  const { graph, root } = build(kind, nTasks, kind);
  const res = { parts: [], layers: [] };
  for (let r = 0; r < runs; r++)
    for (const way of r % 2 === 0 ? ['parts', 'layers'] : ['layers', 'parts']) res[way].push(measure(graph, root, way === 'layers'));
  const med = (way, f) => median(res[way].map((x) => x[f]));
  console.log(`\n${kind}: ${graph.size} tasks`);
  console.log('way      B/task   msgs   client ms   intake ms   max msg ms');
  for (const way of ['parts', 'layers'])
    console.log(
      `${way.padEnd(8)} ${fmt(med(way, 'bytesPerTask')).padStart(6)} ${String(med(way, 'msgs')).padStart(6)} ${fmt(med(way, 'clientMs')).padStart(11)} ${fmt(med(way, 'intakeMs')).padStart(11)} ${fmt(med(way, 'maxMsgMs')).padStart(12)}`,
    );
  console.log(
    `ratio layers/parts: bytes ${fmt(med('layers', 'bytesPerTask') / med('parts', 'bytesPerTask'), 3)}, client ${fmt(med('layers', 'clientMs') / med('parts', 'clientMs'), 2)}, intake ${fmt(med('layers', 'intakeMs') / med('parts', 'intakeMs'), 2)}`,
  );
}

if (withCluster) {
  const cluster = await LocalCluster.start({ nWorkers: 2, dashboard: false });
  const client = cluster.client();
  await client.ready();
  const sched = client.asScheduler();
  try {
    for (const kind of ['tree', 'map']) {
      const res = { parts: [], layers: [] };
      for (let r = 0; r < runs; r++) {
        for (const way of r % 2 === 0 ? ['parts', 'layers'] : ['layers', 'parts']) {
          const { graph, root, want } = build(kind, nTasks, `${kind}${r}${way}`);
          const t0 = performance.now();
          await sched.run(graph, [root], { 'distributed.layers': way === 'layers' }).done;
          const runS = (performance.now() - t0) / 1000;
          const [got] = await sched.gather([root]);
          sched.release([root]);
          if (got !== want) throw new Error(`${kind} ${way}: got ${got}, want ${want}`);
          const s = await client.schedulerStats();
          res[way].push({ ingestS: s.intake.lastMs / 1000, runS });
        }
      }
      for (const way of ['parts', 'layers'])
        console.log(
          `cluster ${kind} ${way}: ingest s ${fmt(median(res[way].map((x) => x.ingestS)), 2)}, run s ${fmt(median(res[way].map((x) => x.runS)), 2)} (answer checked)`,
        );
    }
  } finally {
    await client.close();
    await cluster.close();
  }
}
