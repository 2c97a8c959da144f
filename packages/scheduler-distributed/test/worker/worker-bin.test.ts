// The built tsdask-worker bin against the fake scheduler: its stdout line, registration from
// its flags, the token from the environment, exit codes (0 on SIGTERM, 1 when the scheduler
// goes away, 2 on bad arguments) and --help. The worker itself, so --no-nanny (the nanny is
// tested in test/integration/nanny.test.ts against a real scheduler).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeScheduler, getData, TOKEN } from './fake-scheduler.js';

const BIN = fileURLToPath(new URL('../../dist/bin/worker.js', import.meta.url));
const children: ChildProcess[] = [];
const fakes: FakeScheduler[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of fakes.splice(0)) await f.close();
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  firstLine: Promise<string>;
}

function startBin(args: string[], env: Record<string, string | undefined> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TSDASK_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    void exited.then((code) => reject(new Error(`tsdask-worker exited (${code}) before printing a line; stderr: ${err}`)));
  });
  firstLine.catch(() => undefined);
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { child, stdout: () => out, stderr: () => err, exited, firstLine };
}

describe('tsdask-worker bin', () => {
  it('prints its listening line, registers with its flags, serves data, and exits 0 on SIGTERM', async () => {
    const fake = await FakeScheduler.start();
    fakes.push(fake);
    const arrived = fake.nextWorker();
    const run = startBin([`tcp://${fake.address}`, '--nthreads', '2', '--name', 'bin-w', '--memory-limit', '1MiB', '--token', TOKEN, '--no-nanny']);
    const line = await run.firstLine;
    const m = /^tsdask-worker bin-w listening at tcp:\/\/(127\.0\.0\.1:\d+) connected to tcp:\/\/(127\.0\.0\.1:\d+)$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(m![2]).toBe(fake.address);
    const link = await arrived;
    expect(link.registration).toMatchObject({ name: 'bin-w', address: m![1], nthreads: 2, memoryLimit: 2 ** 20, pid: run.child.pid });
    link.send({ type: 'compute-task', key: 'k', node: JSON.stringify({ op: '@tsdask/core-graph/ops#sum', args: [20, 22] }), priority: 0, inputs: [] });
    await link.next('task-finished', 'k');
    expect((await getData(m![1]!, ['k'])).values.get('k')).toBe(42);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('takes the token from TSDASK_TOKEN and exits 1 when the scheduler goes away', async () => {
    const fake = await FakeScheduler.start();
    fakes.push(fake);
    const arrived = fake.nextWorker();
    const run = startBin([fake.address, '--no-nanny'], { TSDASK_TOKEN: TOKEN });
    await run.firstLine;
    (await arrived).conn.close();
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/closed.*stopping/);
  });

  it('exits 2 with a clear message on a bad flag, a missing address or a missing token; --help prints the usage', async () => {
    // started together: each is a process start
    const bad = startBin(['127.0.0.1:1', '--token', 'x', '--bogus']);
    const noAddress = startBin(['--token', 'x']);
    const noToken = startBin(['127.0.0.1:1']);
    const badThreads = startBin(['127.0.0.1:1', '--token', 'x', '--nthreads', 'two']);
    const help = startBin(['--help']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/tsdask-worker: .*--bogus/);
    expect(await noAddress.exited).toBe(2);
    expect(noAddress.stderr()).toMatch(/scheduler address/);
    expect(await noToken.exited).toBe(2);
    expect(noToken.stderr()).toMatch(/no token.*TSDASK_TOKEN/);
    expect(await badThreads.exited).toBe(2);
    expect(badThreads.stderr()).toMatch(/--nthreads must be a whole number/);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: tsdask-worker <scheduler-address>/);
    expect(help.stdout()).toMatch(/--memory-limit/);
  });
});
