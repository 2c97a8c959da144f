/**
 * /metrics on a scheduler and a worker (in this process, on 127.0.0.1), scraped over HTTP as
 * Prometheus does and parsed by a small parser written here from the format's description (not
 * the code under test). After a client computes three results (held by their futures) of 1000 float64 each, the numbers
 * are checked against what is known independently: one worker and one client connected, three
 * tasks in memory at the scheduler and at the worker, 3 x 8000 bytes managed by the worker.
 * Other paths answer 404 and other methods 405.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, SchedulerServer, Worker } from '@tsdask/scheduler-distributed';

const TOKEN = 'm'.repeat(64);
let server: SchedulerServer;
let worker: Worker;
let client: Client;

beforeAll(async () => {
  server = await SchedulerServer.start({ token: TOKEN, metrics: { port: 0 }, log: () => {} });
  worker = await Worker.start({ scheduler: `127.0.0.1:${server.address.port}`, token: TOKEN, metricsPort: 0, log: () => {} });
  client = new Client(`127.0.0.1:${server.address.port}`, { token: TOKEN });
  await client.ready();
});
afterAll(async () => {
  await client?.close();
  await worker?.close();
  await server?.close();
});

interface Scraped {
  types: Map<string, string>;
  /** `name{k="v",...}` (labels sorted) -> value. */
  samples: Map<string, number>;
}

/** Parses the text format: comment lines, then `name{labels} value`; every sample's family must have had its TYPE line. */
function parse(text: string): Scraped {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (gauge|counter)$/.exec(line);
    if (type !== null) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`not a sample line: ${line}`);
    if (!types.has(m[1]!)) throw new Error(`sample before its TYPE line: ${line}`);
    const labels: string[] = [];
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels.push(`${l[1]}="${l[2]}"`);
    samples.set(labels.length > 0 ? `${m[1]}{${labels.sort().join(',')}}` : m[1]!, Number(m[3]));
  }
  return { types, samples };
}

async function scrape(url: string): Promise<Scraped> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

it('the scheduler and the worker serve their metrics, and the numbers match what was computed', async () => {
  // Futures hold their results on the worker until released.
  const parts = [0, 1, 2].map((i) => client.submit((k: number) => new Float64Array(1000).fill(k), i));
  expect(((await client.gather(parts)) as Float64Array[]).map((p) => p.length)).toEqual([1000, 1000, 1000]);

  expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const s = await scrape(server.metricsUrl!);
  expect(s.types.get('dask_scheduler_tasks')).toBe('gauge');
  expect(s.samples.get('dask_scheduler_workers')).toBe(1);
  expect(s.samples.get('dask_scheduler_clients')).toBe(1);
  expect(s.samples.get('dask_scheduler_tasks{state="memory"}')).toBe(3);
  expect(s.samples.get('dask_scheduler_tasks{state="processing"}')).toBe(0);
  expect(s.samples.get('tsdask_scheduler_memory_bytes')).toBe(3 * 8000);
  expect(s.samples.get('process_resident_memory_bytes')).toBeGreaterThan(1e6);

  const w = await scrape(worker.metricsUrl!);
  expect(w.samples.get('dask_worker_tasks{state="memory"}')).toBe(3);
  expect(w.samples.get('dask_worker_tasks{state="executing"}')).toBe(0);
  expect(w.samples.get('dask_worker_threads')).toBe(1);
  expect(w.samples.get('dask_worker_memory_bytes{type="managed"}')).toBe(3 * 8000);
  expect(w.samples.get('dask_worker_memory_bytes{type="spilled"}')).toBe(0);
  expect(w.samples.get('tsdask_worker_scheduler_connected')).toBe(1);
});

it('answers 404 off /metrics and 405 for a POST', async () => {
  const base = server.metricsUrl!.replace(/\/metrics$/, '');
  expect((await fetch(`${base}/other`)).status).toBe(404);
  expect((await fetch(server.metricsUrl!, { method: 'POST' })).status).toBe(405);
});
