/**
 * The dashboard end to end, in real headless Chromium (Debian's /usr/bin/chromium, installed
 * by scripts/ensure-system-deps.sh from `npm test`'s pretest): start a dashboard, open the
 * page, run a computation on 'threads', wait for 100%, and check that the task stream and the
 * memory view show the counts worked out by hand below. Saves test-results/dashboard.png.
 */
// The page.evaluate() callbacks below run in the browser, so this file sees the DOM's types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { compute, delayed, type Lazy } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { startDashboard } from '@tsdask/dashboard';
import { spin } from './support/spin.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`\n!!! ${CHROMIUM} is missing and could not be installed: the dashboard browser test is SKIPPED !!!\n`);
}

const N = 24; // chunks
const LEN = 1000; // float64 per chunk

describe.skipIf(!haveChromium)('dashboard in headless Chromium', () => {
  let browser: Browser | undefined;
  const profile = mkdtempSync(join(tmpdir(), 'tsdask-chromium-'));
  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await closePool();
  });

  it('shows a computation live to 100%, with the task stream and memory per worker', async () => {
    const dash = await startDashboard({ port: 0, token: 'e2e-token', print: null });
    try {
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
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
      browser = context.browser() ?? undefined;
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(dash.url);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live');

      // mk(i): a chunk of LEN float64; square it; sum it; add the sums in a binary tree.
      const mk = delayed((i: number) => new Float64Array(1000).fill(i), { name: 'mk' });
      const square = delayed((a: Float64Array) => a.map((x) => x * x), { name: 'square' });
      const sum = delayed((a: Float64Array) => a.reduce((t, x) => t + x, 0), { name: 'sum' });
      const add = delayed((a: number, b: number) => a + b, { name: 'add' });
      const squares = Array.from({ length: N }, (_, i) => square(mk(i)));
      let level: Lazy<number>[] = squares.map((s) => sum(s));
      while (level.length > 1) {
        const next: Lazy<number>[] = [];
        for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? add(level[i]!, level[i + 1]!) : level[i]!);
        level = next;
      }
      const [total] = await compute(level[0]!, ...squares, { scheduler: 'threads', numWorkers: 2, optimize: { fuse: false, inline: false } });
      let expectedTotal = 0;
      for (let i = 0; i < N; i++) expectedTotal += LEN * i * i;
      expect(total).toBe(expectedTotal);

      // 24 mk + 24 square + 24 sum + 23 add.
      const ntasks = N * 3 + (N - 1);
      await page.waitForFunction(() => document.getElementById('overall-text')?.dataset['finished'] === 'ok', undefined, { timeout: 20_000 });
      const seen = await page.evaluate(() => {
        const d = (id: string) => ({ ...(document.getElementById(id) as HTMLElement).dataset });
        const groups = [...document.querySelectorAll<HTMLElement>('#progress tbody tr')].map((r) => ({ ...r.dataset }));
        return { overall: d('overall-text'), stream: d('stream-summary'), memory: d('memory-summary'), graph: d('graph-summary'), groups };
      });
      expect(seen.overall).toMatchObject({ percent: '100', done: String(ntasks), total: String(ntasks) });
      expect(seen.groups.map((g) => [g['group'], g['done'], g['total']])).toEqual([
        ['mk', '24', '24'],
        ['square', '24', '24'],
        ['sum', '24', '24'],
        ['add', '23', '23'],
      ]);
      // Every task drawn in the task stream, on the rows of the pool's threads.
      expect(Number(seen.stream['tasks'])).toBe(ntasks);
      const rows = Number(seen.stream['workers']);
      expect(rows).toBeGreaterThanOrEqual(1);
      expect(rows).toBeLessThanOrEqual(2);
      // Memory: the squares are outputs, so still held: N chunks of LEN float64, plus the 8-byte total.
      expect(Number(seen.memory['held'])).toBe(N * LEN * 8 + 8);
      expect(Number(seen.memory['spilled'])).toBe(0);
      expect(Number(seen.memory['tasks'])).toBe(ntasks);
      expect(Number(seen.memory['workers'])).toBe(rows);
      expect(seen.graph['nodes']).toBe(String(ntasks));
      expect(pageErrors).toEqual([]);

      // A long task shows in the task stream while it runs (an open bar on its worker's row).
      const long = compute(spin(2500), { scheduler: 'threads', numWorkers: 2 });
      await page.waitForFunction(() => document.getElementById('stream-summary')?.dataset['running'] === '1', undefined, { timeout: 10_000 });
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/dashboard-running.png', fullPage: true });
      expect(await long).toEqual([2500]);
      await page.waitForFunction(() => document.getElementById('stream-summary')?.dataset['running'] === '0', undefined, { timeout: 10_000 });
      expect(pageErrors).toEqual([]);

      await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
      await context.close();
      browser = undefined;
    } finally {
      await dash.close();
    }
  });
});
