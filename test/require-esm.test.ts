/**
 * Jupyter users reach us through the tslab kernel, which compiles cells to CommonJS and loads
 * our packages with Node's require of ESM (see ARCHITECTURE.md, "Where it runs"). Any top-level
 * await in a module graph, or an export condition that only `import` matches, breaks that. A
 * CommonJS script requires every package and computes on 'threads', in its own process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(process.cwd(), 'node_modules', '.tsdask-require-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('every package loads through require() and computes', () => {
  const script = join(dir, 'cell.cjs');
  writeFileSync(
    script,
    `
const core = require('@tsdask/core-graph');
const da = require('@tsdask/array');
const dd = require('@tsdask/dataframe');
const local = require('@tsdask/scheduler-local');
const dash = require('@tsdask/dashboard');
const tsdask = require('tsdask');
const tda = require('tsdask/array');
const tdd = require('tsdask/dataframe');
(async () => {
  const mean = await da.arange(1000, { chunks: 100 }).mean().compute({ scheduler: 'threads' });
  const df = dd.fromRecords([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 3 }], { npartitions: 2 });
  const sums = await df.groupBy('k').agg({ s: ['v', 'sum'] }).toRecords({ scheduler: 'threads' });
  const total = await core.delayed((x, y) => x + y)(2, 3).compute({ scheduler: 'threads' });
  const viaTsdask = await tsdask.delayed((x, y) => x * y)(6, 7).compute({ scheduler: 'threads' });
  const viaSubpaths = [typeof tda.arange, typeof tdd.fromRecords];
  await local.closePool();
  console.log(JSON.stringify({ mean, sums, total, dashboard: typeof dash.startDashboard, viaTsdask, viaSubpaths }));
})().catch((e) => { console.error(e); process.exit(1); });
`,
  );
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
  const got = JSON.parse(out.trim().split('\n').at(-1) as string);
  expect(got).toEqual({
    mean: 499.5,
    sums: [
      { k: 'a', s: 4 },
      { k: 'b', s: 2 },
    ],
    total: 5,
    dashboard: 'function',
    viaTsdask: 42,
    viaSubpaths: ['function', 'function'],
  });
});
