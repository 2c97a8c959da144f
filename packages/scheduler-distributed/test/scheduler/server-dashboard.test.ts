/**
 * The scheduler's dashboard option, in process and through the bin: guarded by the cluster
 * token, fed the scheduler's own workers (a fake worker joins, the dashboard's state shows it),
 * a taken port is logged and replaced by a free one (as Dask does for 8787), close() stops it;
 * the bin prints its URL after the listening line (with the token only when it generated it),
 * serves it until it exits, and prints none with --no-dashboard (the ideas of distributed's
 * test_dashboard_non_standard_ports, test_dashboard_port_zero and test_no_dashboard).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { HelloMessage } from '@tsdask/dashboard';
import { Cleanup, fakeWorker, Mailbox, startServer, TOKEN } from './server-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const BIN = fileURLToPath(new URL('../../dist/bin/scheduler.js', import.meta.url));

/** A TCP port held by someone else on 127.0.0.1. */
async function takenPort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  cleanup.add(() => new Promise((r) => s.close(r)));
  return (s.address() as { port: number }).port;
}

/** The dashboard's snapshot, read with the token. */
async function state(url: string): Promise<HelloMessage> {
  const res = await fetch(new URL('/api/state', url), { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as HelloMessage;
}

/**
 * Runs the bin until it printed `lines` stdout lines, runs `whileUp` (default: waits 300 ms, so a
 * line that should not come has time to show up), stops it with SIGTERM and resolves with its
 * stdout lines once it exited.
 */
function binLines(args: string[], env: Record<string, string>, lines: number, whileUp?: (lines: string[]) => Promise<void>): Promise<string[]> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TSDASK_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup.add(() => child.kill('SIGKILL'));
  let out = '';
  let up = false;
  const got = () => out.split('\n').filter((l) => l !== '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bin printed no ${lines} lines in 20 s: ${out}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (up || got().length < lines || !out.endsWith('\n')) return;
      up = true;
      clearTimeout(timer);
      (whileUp ?? (() => new Promise((r) => setTimeout(r, 300))))(got()).then(
        () => child.kill('SIGTERM'),
        (err: unknown) => {
          child.kill('SIGKILL');
          reject(err as Error);
        },
      );
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(got());
    });
  });
}

describe('the scheduler dashboard', () => {
  it('needs the token, shows the workers that joined, takes a free port when its port is taken, and stops on close()', async () => {
    const port = await takenPort();
    const { server, logs } = await startServer(cleanup, { dashboard: { port } });
    const url = server.dashboardUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(new URL(url).port).not.toBe(String(port));
    expect(new URL(url).searchParams.get('token')).toBe(TOKEN);
    expect(logs.some((l) => l.includes(`dashboard port ${port}`) && l.includes('taken'))).toBe(true);
    expect((await fetch(new URL('/api/state', url))).status).toBe(401);

    await fakeWorker(server, new Mailbox(), '127.0.0.1:1001', cleanup, 3);
    const hello = await state(url);
    expect(hello.workers.map((w) => w.name)).toEqual(['127.0.0.1:1001']);
    expect(hello.cluster?.workers).toEqual([expect.objectContaining({ nthreads: 3, state: 'running' })]);

    await server.close();
    await expect(fetch(new URL('/api/state', url))).rejects.toThrow();
  });

  it('is off unless asked for', async () => {
    const { server } = await startServer(cleanup);
    expect(server.dashboardUrl).toBeUndefined();
  });

  it('the bin prints the URL after the listening line, with the token only when it generated it; none with --no-dashboard', async () => {
    // As distributed's test_dashboard_non_standard_ports: it answers while the scheduler runs, and not after.
    let page = '';
    const generated = await binLines(['--port', '0', '--dashboard-port', '0'], {}, 3, async (lines) => {
      page = lines[2]!.replace('tsdask-scheduler dashboard at ', '');
      expect((await fetch(page)).status).toBe(200);
      expect((await fetch(new URL('/api/state', page))).status).toBe(401);
    });
    expect(generated[0]).toMatch(/^tsdask-scheduler listening at tcp:\/\//);
    const token = /^tsdask-scheduler token: (\S+)$/.exec(generated[1]!)![1]!;
    expect(generated[2]).toMatch(new RegExp(`^tsdask-scheduler dashboard at http://127\\.0\\.0\\.1:\\d+/\\?token=${token}$`));
    await expect(fetch(page)).rejects.toThrow();

    const given = await binLines(['--port', '0', '--dashboard-port', '0'], { TSDASK_TOKEN: 'from-env' }, 2);
    expect(given[1]).toMatch(/^tsdask-scheduler dashboard at http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(given.join('\n')).not.toContain('from-env');

    const off = await binLines(['--port', '0', '--no-dashboard'], { TSDASK_TOKEN: 'from-env' }, 1);
    expect(off).toHaveLength(1);
    expect(off[0]).toMatch(/^tsdask-scheduler listening at/);
  });
});
