// Dashboard overhead: the same computation of ~100k tasks (50k leaves inc(i) summed by a binary
// tree of add tasks, raw ops by module URL, on 'threads') with and without the dashboard, in
// one run. "with": the dashboard's hub subscribed for that compute and a real page open in
// headless Chromium, connected over the WebSocket and drawing. "without": no subscriber at all
// (the server and the idle page stay up, so only the dashboard's work differs). Runs alternate;
// prints the median of each, and the slowdown ratio. Goal: under 5%. A third variant, a
// subscriber that does nothing, separates the scheduler's cost of emitting events from the
// dashboard's own.
//
//   node bench/dashboard.mjs [--leaves 50000] [--runs 7]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getScheduler, graphOf } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { startDashboard } from '@tsdask/dashboard';
import { chromium } from 'playwright-core';
import { buildRaw } from './graphs.mjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const leaves = Number(arg('leaves', '50000'));
const runs = Number(arg('runs', '7'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(dash.url);
await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live');

const noop = { tasks() {} };
async function once(withDashboard, eventsOnly = false) {
  const batches0 = dash.hub.batchesSent;
  const t0 = performance.now();
  const opts = withDashboard ? { callbacks: [dash.hub.callbacks] } : eventsOnly ? { callbacks: [noop] } : {};
  const [v] = await sched.get(graph, outputs, opts);
  const ms = performance.now() - t0;
  if (v !== expected) throw new Error(`wrong result ${v}, expected ${expected}`);
  if (withDashboard) {
    // The page must have seen the whole compute, else "with" measured nothing.
    await page.waitForFunction((n) => document.getElementById('overall-text')?.dataset['done'] === String(n), graph.size, { timeout: 30_000 });
  }
  await new Promise((r) => setTimeout(r, 300)); // let the page draw its last frame outside the timing
  return { ms, batches: dash.hub.batchesSent - batches0 };
}

console.log(`dashboard overhead: ${graph.size} tasks on 'threads', ${runs} runs each (alternating), median; Node ${process.version}`);
await once(false); // warm-up: pool start, JIT
await once(true);
const without = [];
const withD = [];
const eventsOnly = [];
let batches = 0;
for (let r = 0; r < runs; r++) {
  const order = r % 2 === 0 ? [false, true] : [true, false];
  for (const w of order) {
    const res = await once(w);
    if (w) {
      withD.push(res.ms);
      batches += res.batches;
    } else without.push(res.ms);
  }
  eventsOnly.push((await once(false, true)).ms);
}
const a = median(without);
const b = median(withD);
console.log(`without dashboard: median ${a.toFixed(0)} ms  (runs: ${without.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`with dashboard:    median ${b.toFixed(0)} ms  (runs: ${withD.map((x) => x.toFixed(0)).join(', ')})`);
const e = median(eventsOnly);
console.log(`scheduler events only (a subscriber that does nothing): median ${e.toFixed(0)} ms, ratio ${(e / a).toFixed(3)}: the scheduler's own cost of emitting events`);
console.log(`dashboard on top of the event stream: ratio ${(b / e).toFixed(3)}`);
console.log(`messages per compute: ${(batches / runs).toFixed(1)} batches for ${graph.size} tasks (${((graph.size * 1000) / b).toFixed(0)} tasks/s)`);
console.log(`slowdown ratio: ${(b / a).toFixed(3)} (${(((b - a) / a) * 100).toFixed(1)}%; goal < 5%)`);
await page.screenshot({ path: join(tmpdir(), 'tsdask-bench-dashboard.png') });
await context.close();
rmSync(profile, { recursive: true, force: true });
await dash.close();
await closePool();
