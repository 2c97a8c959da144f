// The Nanny against a real in-process scheduler, with tiny stand-in workers (`node -e` scripts)
// so no worker process is needed: a worker that dies at once is reported each time and
// restarted until the budget is spent, then the nanny gives up with code 1; stop() stops a
// worker that runs and ends with code 0; a worker that exits 0 (closed by the scheduler) ends
// the nanny with code 0; the nanny ends when its scheduler goes away.
import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerServer } from '@tsdask/scheduler-distributed';
import { Nanny, type NannyOptions } from '../../src/nanny/nanny.js';
import { RestartBudget } from '../../src/nanny/policy.js';
import { isAlive } from '../cluster/stand-ins.js';

const TOKEN = 'n'.repeat(64);
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

async function scheduler(): Promise<{ server: SchedulerServer; logs: string[] }> {
  const logs: string[] = [];
  const server = await SchedulerServer.start({ token: TOKEN, log: (l) => logs.push(l) });
  open.push(server);
  return { server, logs };
}

/** A nanny running `script` (node -e) as its worker; its stdout and stderr lines collected. */
async function nanny(server: SchedulerServer, script: string, extra: Partial<NannyOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const n = await Nanny.start({
    scheduler: `127.0.0.1:${server.address.port}`,
    token: TOKEN,
    name: 'nw',
    memoryLimit: 0,
    workerArgs: ['-e', script],
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...extra,
  });
  open.push({ close: () => n.stop() });
  return { n, out, err };
}

describe('Nanny', () => {
  it('reports and restarts a worker that dies, and gives up with code 1 once the restart budget is spent', async () => {
    const { server, logs } = await scheduler();
    const { n, out, err } = await nanny(server, "process.stderr.write('cannot start: no disk\\n'); process.exit(3)", { budget: new RestartBudget(2, 60_000) });
    expect(await n.done).toEqual({ code: 1, reason: 'the worker keeps dying' });
    const started = out.filter((l) => /^tsdask-nanny nw started worker pid \d+$/.test(l));
    const ended = out.filter((l) => /^tsdask-nanny nw worker pid \d+ ended with code 3$/.test(l));
    expect([started.length, ended.length]).toEqual([3, 3]); // the first run and 2 restarts
    expect(err.filter((l) => l === 'cannot start: no disk')).toHaveLength(3); // passed through
    expect(err.join('\n')).toMatch(/died 3 times within 60 s; not restarting it again/);
    // Each death was reported; the scheduler logs the nanny's words.
    await new Promise((r) => setTimeout(r, 100));
    const reports = logs.filter((l) => /reports: exited with code 3( \(using [^)]+\))?; last log lines: cannot start: no disk$/.test(l));
    expect(reports).toHaveLength(3);
  });

  it('stop() stops a running worker and ends with code 0; the worker is gone', async () => {
    const { server } = await scheduler();
    const { n, out } = await nanny(server, "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)");
    const pid = n.workerPid!;
    expect(isAlive(pid)).toBe(true);
    expect(await n.stop()).toEqual({ code: 0, reason: 'stopped' });
    expect(isAlive(pid)).toBe(false);
    // code 0 from its handler, or SIGTERM itself if it came before the handler was installed
    expect(
      out.filter((l) => l === `tsdask-nanny nw worker pid ${pid} ended with code 0` || l === `tsdask-nanny nw worker pid ${pid} ended with signal SIGTERM`),
    ).toHaveLength(1);
  });

  it('ends with code 0 when its worker exits 0 (closed by the scheduler), without a restart', async () => {
    const { server } = await scheduler();
    const { n, out } = await nanny(server, 'setTimeout(() => process.exit(0), 100)');
    expect(await n.done).toEqual({ code: 0, reason: 'the worker was closed' });
    expect(out.filter((l) => l.includes('started worker'))).toHaveLength(1);
  });

  it('ends when its scheduler goes away, once its worker has', async () => {
    const { server } = await scheduler();
    // A stand-in worker that, as a real one, stops (code 1) when it loses its scheduler: here, after a moment.
    const { n } = await nanny(server, 'setTimeout(() => process.exit(1), 300); setInterval(() => {}, 1000)');
    await server.close();
    expect(await n.done).toEqual({ code: 1, reason: 'lost the scheduler' });
  });
});
