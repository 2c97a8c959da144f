// The built tsdask-worker bin against the fake scheduler: its stdout line, registration from
// its flags, the token from the environment, exit codes (0 on SIGTERM, 1 when the scheduler
// goes away, 2 on bad arguments) and --help; its spill folder in --local-directory, removed on
// SIGTERM, and after a SIGKILL removed by the next worker that spills there. The worker itself,
// so --no-nanny (the nanny is tested in test/integration/nanny.test.ts against a real scheduler).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeWireValue, FakeScheduler, getData, TOKEN, type WorkerLink } from './fake-scheduler.js';

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
  const child = spawn(process.execPath, [BIN, ...args, '--no-nanny'], { env: { ...process.env, TSDASK_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const run = startBin([`tcp://${fake.address}`, '--nthreads', '2', '--name', 'bin-w', '--memory-limit', '1MiB', '--token', TOKEN]);
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
    const run = startBin([fake.address], { TSDASK_TOKEN: TOKEN });
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
    expect(help.stdout()).toMatch(/--local-directory/);
  });

  it('exits 2 on a memory fraction outside (0, 1]', async () => {
    const run = startBin(['127.0.0.1:1', '--token', 'x', '--memory-target', '1.5']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/--memory-target must be a fraction in \(0, 1\] or false, got '1.5'/);
  });

  it('spills to --local-directory; SIGTERM removes the folder; after SIGKILL the next worker to spill there removes it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'tsdask-bin-spill-'));
    try {
      const fake = await FakeScheduler.start();
      fakes.push(fake);
      const folders = () => readdirSync(parent).filter((n) => n.startsWith('tsdask-spill-'));
      const files = () => folders().flatMap((f) => readdirSync(join(parent, f)));
      const until = async (cond: () => boolean) => {
        for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
        expect(cond()).toBe(true);
      };
      // Eight values of 16 KB on a 100 kB limit: what is over the 60 kB target spills (the target alone acts).
      const startSpilling = async (name: string): Promise<Run> => {
        const arrived = fake.nextWorker();
        const memory = ['--memory-limit', '100kB', '--memory-spill', 'false', '--memory-pause', 'false'];
        const run = startBin([`tcp://${fake.address}`, '--name', name, ...memory, '--local-directory', parent, '--token', TOKEN]);
        await run.firstLine;
        const link: WorkerLink = await arrived;
        for (let i = 0; i < 8; i++) {
          link.send({ type: 'receive-data', key: `v${i}`, nbytes: 16_000 }, encodeWireValue(new Float64Array(2000).fill(i)));
          await link.next('task-finished', `v${i}`);
        }
        return run;
      };
      const one = await startSpilling('one');
      await until(() => folders().length === 1 && files().length > 0);
      one.child.kill('SIGTERM');
      expect(await one.exited).toBe(0);
      expect(folders()).toEqual([]);

      const two = await startSpilling('two');
      await until(() => folders().length === 1 && files().length > 0);
      const left = folders();
      two.child.kill('SIGKILL');
      await two.exited;
      expect(folders()).toEqual(left); // a killed process cannot clean up

      const three = await startSpilling('three');
      await until(() => folders().length === 1 && folders()[0] !== left[0]);
      three.child.kill('SIGTERM');
      expect(await three.exited).toBe(0);
      expect(folders()).toEqual([]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
