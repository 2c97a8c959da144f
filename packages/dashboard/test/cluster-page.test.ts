/**
 * The page's cluster panels in real headless Chromium (Debian's /usr/bin/chromium; skipped with a
 * message where it is missing): a dashboard fed cluster events by hand (no processes) shows the
 * workers panel hidden until a worker joins, then each worker's threads, processing and held
 * bytes, a worker that left as gone with its reason, the bytes moved per pair (summed by hand
 * below), and a nanny's restart with why the worker died (its panel hidden until one comes),
 * live, with no page error.
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CLUSTER_COMPUTE_ID as C } from '@tsdask/core-graph';
import { startDashboard, type DashboardHandle } from '@tsdask/dashboard';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`\n!!! ${CHROMIUM} is missing: the dashboard cluster page test is SKIPPED !!!\n`);

describe.skipIf(!haveChromium)('cluster panels in headless Chromium', () => {
  let browser: Browser | undefined;
  let dash: DashboardHandle | undefined;
  afterAll(async () => {
    await browser?.close();
    await dash?.close();
  });

  it('shows workers joining and leaving, their load and memory, and transfers per pair', async () => {
    dash = await startDashboard({ port: 0, token: 'cluster-page', print: null, global: false, intervalMs: 20 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const page = await browser.newPage({ viewport: { width: 1300, height: 1200 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(dash.url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live');
    expect(await page.evaluate(() => document.getElementById('workers-section')!.hidden)).toBe(true);

    const send = dash.hub.callbacks.event!;
    send({ type: 'worker-added', computeId: C, worker: 'h:1', name: 'alice', nthreads: 4, memoryLimit: 1 << 30 });
    send({ type: 'worker-added', computeId: C, worker: 'h:2', name: 'bob', nthreads: 2, memoryLimit: 0 });
    send({ type: 'worker-memory', computeId: C, worker: 'h:1', held: 5000, processing: 3 });
    send({ type: 'transfer', computeId: C, from: 'h:2', to: 'h:1', keys: 2, bytes: 1000, ms: 3 });
    send({ type: 'transfer', computeId: C, from: 'h:2', to: 'h:1', keys: 1, bytes: 24, ms: 1 });
    send({ type: 'worker-removed', computeId: C, worker: 'h:2', name: 'bob', reason: 'connection closed' });
    expect(await page.evaluate(() => document.getElementById('restarts-section')!.hidden)).toBe(true);
    send({
      type: 'nanny-report',
      computeId: C,
      worker: 'h:1',
      name: 'alice',
      reason: 'memory',
      how: 'killed at 96% of its memory limit',
      rss: 1000,
      memoryLimit: 1 << 30,
    });

    await page.waitForFunction(() => document.querySelectorAll('#workers tbody tr[data-state="gone"]').length === 1, undefined, { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('#restarts tbody tr').length === 1, undefined, { timeout: 10_000 });
    const seen = await page.evaluate(() => ({
      hidden: document.getElementById('workers-section')!.hidden,
      workers: [...document.querySelectorAll<HTMLElement>('#workers tbody tr')].map((r) => ({ ...r.dataset }) as Record<string, string | undefined>),
      goneText: document.querySelector('#workers tbody tr[data-state="gone"]')?.textContent ?? '',
      links: [...document.querySelectorAll<HTMLElement>('#transfers tbody tr')].map((r) => ({ ...r.dataset })),
      recent: document.querySelectorAll('#recent-transfers tbody tr').length,
      restartsHidden: document.getElementById('restarts-section')!.hidden,
      restarts: [...document.querySelectorAll<HTMLElement>('#restarts tbody tr')].map(
        (r) => ({ ...r.dataset, text: r.textContent ?? '' }) as Record<string, string | undefined>,
      ),
    }));
    expect(seen.hidden).toBe(false);
    expect(seen.workers.map((w) => [w['name'], w['worker'], w['state'], w['processing'], w['held']])).toEqual([
      ['alice', 'h:1', 'running', '3', '5000'],
      ['bob', 'h:2', 'gone', '0', '0'],
    ]);
    expect(seen.goneText).toContain('gone: connection closed');
    expect(seen.links).toEqual([{ from: 'h:2', to: 'h:1', bytes: '1024' }]);
    expect(seen.recent).toBe(2);
    expect(seen.restartsHidden).toBe(false);
    expect(seen.restarts.map((r) => [r['name'], r['reason'], r['count']])).toEqual([['alice', 'memory', '1']]);
    expect(seen.restarts[0]!.text).toContain('killed at 96% of its memory limit');
    expect(pageErrors).toEqual([]);
  });
});
