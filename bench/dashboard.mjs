// Dashboard overhead: the same computation of ~100k tasks (50k leaves inc(i) summed by a binary
// tree of add tasks, raw ops by module URL, on 'threads') with and without the dashboard, in
// one run. "with": the dashboard's hub subscribed for that compute and a real page open in
// headless Chromium, connected over the WebSocket and drawing. "without": no subscriber at all
// (the server and the idle page stay up, so only the dashboard's work differs). Runs alternate;
// prints the median of each, and the slowdown ratio. Goal: under 5%. A third variant, a
// subscriber that does nothing, separates the scheduler's cost of emitting events from the
// dashboard's own. Besides wall time it prints CPU time per compute: this process (all its
// threads) and the Chromium processes (from /proc, Linux), and the page's frames and script
// time, because on a 2-core machine every millisecond the page takes is one the workers lose.
//
//   node bench/dashboard.mjs [--leaves 50000] [--runs 7]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeGraph, getScheduler, graphOf } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { startDashboard } from '@tsdask/dashboard';
import { chromium } from 'playwright-core';
import { buildRaw } from './graphs.mjs';
import { arg, median } from './cli.mjs';

const leaves = Number(arg('leaves', '50000'));
const runs = Number(arg('runs', '7'));

if (!existsSync('/usr/bin/chromium')) {
  console.error('bench:dashboard needs /usr/bin/chromium (run scripts/ensure-system-deps.sh)');
  process.exit(1);
}
const { graph, outputs } = graphOf([buildRaw(leaves)], { optimize: { fuse: false, inline: false } });
const expected = (leaves * (leaves - 1)) / 2 + leaves;
const sched = await getScheduler('threads');
const dash = await startDashboard({ port: 0, global: false, print: null });
const profile = mkdtempSync(join(tmpdir(), 'tsdask-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(dash.url);
await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live');

/** CPU ms used so far by every Chromium process (utime + stime from /proc; 0 where there is no /proc). */
function chromiumCpuMs() {
  let ticks = 0;
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('chrom')) continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10; // USER_HZ = 100
}
const pageStats = () => page.evaluate(() => ({ frames: Number(document.body.dataset.frames ?? 0), ms: Number(document.body.dataset.renderMs ?? 0) }));

const noop = { taskBatch() {} };
async function once(withDashboard, eventsOnly = false) {
  const batches0 = dash.hub.batchesSent;
  const page0 = await pageStats();
  const chrome0 = chromiumCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const opts = withDashboard ? { callbacks: [dash.hub.callbacks] } : eventsOnly ? { callbacks: [noop] } : {};
  const [v] = await computeGraph(sched, graph, outputs, opts);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const nodeCpu = (cpu.user + cpu.system) / 1000;
  const chromeCpu = chromiumCpuMs() - chrome0;
  const page1 = await pageStats();
  if (v !== expected) throw new Error(`wrong result ${v}, expected ${expected}`);
  if (withDashboard) {
    // The page must have seen the whole compute, else "with" measured nothing.
    await page.waitForFunction((n) => document.getElementById('overall-text')?.dataset['done'] === String(n), graph.size, { timeout: 30_000 });
  }
  await new Promise((r) => setTimeout(r, 300)); // let the page draw its last frame outside the timing
  const page2 = await pageStats();
  return {
    ms,
    batches: dash.hub.batchesSent - batches0,
    nodeCpu,
    chromeCpu,
    frames: page1.frames - page0.frames,
    renderMs: page1.ms - page0.ms,
    framesAfter: page2.frames - page1.frames,
  };
}

console.log(`dashboard overhead: ${graph.size} tasks on 'threads', ${runs} runs each (alternating), median; Node ${process.version}`);
await once(false); // warm-up: pool start, JIT
await once(true);
const without = [];
const withD = [];
const eventsOnly = [];
const cpu = { without: [], with: [], chromeWithout: [], chromeWith: [], frames: [], renderMs: [], framesAfter: [] };
let batches = 0;
for (let r = 0; r < runs; r++) {
  const order = r % 2 === 0 ? [false, true] : [true, false];
  for (const w of order) {
    const res = await once(w);
    if (w) {
      withD.push(res.ms);
      batches += res.batches;
      cpu.with.push(res.nodeCpu);
      cpu.chromeWith.push(res.chromeCpu);
      cpu.frames.push(res.frames);
      cpu.renderMs.push(res.renderMs);
      cpu.framesAfter.push(res.framesAfter);
    } else {
      without.push(res.ms);
      cpu.without.push(res.nodeCpu);
      cpu.chromeWithout.push(res.chromeCpu);
    }
  }
  eventsOnly.push((await once(false, true)).ms);
}
const a = median(without);
const b = median(withD);
console.log(`without dashboard: median ${a.toFixed(0)} ms  (runs: ${without.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`with dashboard:    median ${b.toFixed(0)} ms  (runs: ${withD.map((x) => x.toFixed(0)).join(', ')})`);
const e = median(eventsOnly);
console.log(
  `scheduler events only (a subscriber that does nothing): median ${e.toFixed(0)} ms, ratio ${(e / a).toFixed(3)}: the scheduler's own cost of emitting events`,
);
console.log(`dashboard on top of the event stream: ratio ${(b / e).toFixed(3)}`);
const m = (xs) => median(xs).toFixed(0);
console.log(
  `CPU per compute (median): this process ${m(cpu.without)} ms without, ${m(cpu.with)} ms with; Chromium ${m(cpu.chromeWithout)} ms without, ${m(cpu.chromeWith)} ms with (10 ms ticks)`,
);
console.log(
  `page (median): ${m(cpu.frames)} frame(s) drawn during a compute, ${median(cpu.renderMs).toFixed(1)} ms of drawing script; ${m(cpu.framesAfter)} after it ended (the final state, outside the timing)`,
);
console.log(`messages per compute: ${(batches / runs).toFixed(1)} batches for ${graph.size} tasks (${((graph.size * 1000) / b).toFixed(0)} tasks/s)`);
console.log(`slowdown ratio: ${(b / a).toFixed(3)} (${(((b - a) / a) * 100).toFixed(1)}%; goal < 5%)`);
await page.screenshot({ path: join(tmpdir(), 'tsdask-bench-dashboard.png') });
await context.close();
rmSync(profile, { recursive: true, force: true });
await dash.close();
await closePool();
