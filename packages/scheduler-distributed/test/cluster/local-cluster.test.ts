import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterError } from '../../src/cluster/errors.js';
import { LocalCluster, type LocalClusterOptions } from '../../src/cluster/local-cluster.js';
import { gone, isAlive, makeStandIns, printedPids } from './stand-ins.js';

let standIns: ReturnType<typeof makeStandIns> | undefined;
let cluster: LocalCluster | undefined;
let strays: number[] = []; // pids started outside this process: killed here should a test fail
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
  for (const pid of strays.filter(isAlive)) process.kill(pid, 'SIGKILL');
  strays = [];
  standIns?.remove();
  standIns = undefined;
});

/** A cluster on the stand-in bins, with `env` added (STANDIN_DIR is always set). */
function standInCluster(opts: LocalClusterOptions = {}, env: Record<string, string> = {}) {
  standIns = makeStandIns();
  cluster = new LocalCluster({ schedulerBin: standIns.bin, workerBin: standIns.bin, ...opts, env: { STANDIN_DIR: standIns.dir, ...env } });
  return { cluster, s: standIns };
}

/** What a rejected promise rejected with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('LocalCluster on stand-in bins', () => {
  it('starts the scheduler and the workers and reads their addresses from their listening lines', async () => {
    const { cluster, s } = standInCluster({ nWorkers: 3, threadsPerWorker: 2, memoryLimit: '1GB' });
    await cluster.start();
    const sched = s.record('scheduler');
    expect(cluster.address).toBe(`tcp://127.0.0.1:${sched.port}`);
    expect(cluster.schedulerProcess.pid).toBe(sched.pid);
    expect(sched.argv).toEqual(['--host', '127.0.0.1', '--port', '0']);
    expect(cluster.workers).toEqual(
      [0, 1, 2].map((i) => {
        const w = s.record(`worker-${i}`);
        return { name: `worker-${i}`, pid: w.pid, address: `127.0.0.1:${w.port}` };
      }),
    );
    expect(s.record('worker-1').argv).toEqual([`tcp://127.0.0.1:${sched.port}`, '--nthreads', '2', '--name', 'worker-1', '--memory-limit', '1GB']);
    expect(cluster.exits()).toEqual([]);
  });

  it('hands the token to every child in TSDASK_TOKEN, never on the command line', async () => {
    const { cluster, s } = standInCluster({ nWorkers: 1 });
    await cluster.start();
    expect(cluster.token).toMatch(/^[0-9a-f]{64}$/);
    for (const name of ['scheduler', 'worker-0']) {
      const r = s.record(name);
      expect(r.token).toBe(cluster.token);
      expect(r.argv.join(' ')).not.toContain(cluster.token);
    }
    await cluster.close();
    const { cluster: c2, s: s2 } = standInCluster({ nWorkers: 0, token: 'my-token' });
    await c2.start();
    expect(c2.token).toBe('my-token');
    expect(s2.record('scheduler').token).toBe('my-token');
  });

  it('close() stops every child (SIGTERM), is idempotent, and exits() says how each ended', async () => {
    const { cluster } = standInCluster({ nWorkers: 2 });
    await cluster.start();
    const pids = [cluster.schedulerProcess.pid, ...cluster.workers.map((w) => w.pid)];
    expect(pids.every(isAlive)).toBe(true);
    await Promise.all([cluster.close(), cluster.close()]);
    await cluster.close();
    expect(pids.filter(isAlive)).toEqual([]);
    const exits = cluster.exits();
    expect(exits.map((e) => [e.name, e.pid, e.code, e.signal])).toEqual([
      ['scheduler', pids[0], 0, null],
      ['worker-0', pids[1], 0, null],
      ['worker-1', pids[2], 0, null],
    ]);
    expect(exits[1]!.stderr).toEqual(['standin worker-0: starting']);
    expect(() => cluster.client()).toThrow(ClusterError);
  });

  it('hands every line the children print to onLog, and Symbol.asyncDispose closes the cluster', async () => {
    const lines: string[] = [];
    const { cluster, s } = standInCluster({ nWorkers: 1, onLog: (child, line) => lines.push(`${child}| ${line}`) });
    await cluster.start();
    const port = s.record('scheduler').port;
    expect(lines).toContain(`scheduler| tsdask-scheduler listening at tcp://127.0.0.1:${port}`);
    expect(lines).toContain('worker-0| standin worker-0: starting');
    await cluster[Symbol.asyncDispose]();
    expect(cluster.exits().map((e) => [e.name, e.code])).toEqual([
      ['scheduler', 0],
      ['worker-0', 0],
    ]);
  });

  it('close() kills with SIGKILL a child that ignores SIGTERM', async () => {
    const { cluster } = standInCluster({ nWorkers: 2, closeTimeoutMs: 500 }, { STANDIN_STUBBORN: 'worker-1' });
    await cluster.start();
    await cluster.close();
    const byName = new Map(cluster.exits().map((e) => [e.name, e]));
    expect(byName.get('worker-1')!.signal).toBe('SIGKILL');
    expect(byName.get('worker-1')!.stderr).toContain('standin worker-1: ignoring SIGTERM');
    expect(cluster.workers.filter((w) => isAlive(w.pid))).toEqual([]);
  });

  it('killWorker(i) kills one worker with SIGKILL and leaves the others running', async () => {
    const { cluster } = standInCluster({ nWorkers: 2 });
    await cluster.start();
    const exit = await cluster.killWorker(1);
    expect(exit).toMatchObject({ name: 'worker-1', pid: cluster.workers[1]!.pid, code: null, signal: 'SIGKILL' });
    expect(cluster.exits().map((e) => e.name)).toEqual(['worker-1']);
    expect(isAlive(cluster.workers[0]!.pid)).toBe(true);
    expect(isAlive(cluster.schedulerProcess.pid)).toBe(true);
    const err = await rejection(cluster.killWorker(5));
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).code).toBe('TSDASK_CLUSTER_NO_SUCH_WORKER');
    expect(await cluster.killWorker('worker-0', 'SIGTERM')).toMatchObject({ name: 'worker-0', code: 0, signal: null });
  });

  it('a scheduler that exits before its listening line fails start() with its exit code and stderr', async () => {
    const { cluster } = standInCluster({ nWorkers: 2 }, { STANDIN_FAIL: 'scheduler' });
    const err = await rejection(cluster.start());
    expect(err).toBeInstanceOf(ClusterError);
    const e = err as ClusterError;
    expect(e.code).toBe('TSDASK_CLUSTER_CHILD_EXITED');
    expect(e.child).toBe('scheduler');
    expect(e.exit).toMatchObject({ code: 3, signal: null });
    expect(e.stderr).toEqual(['standin scheduler: starting', 'standin scheduler: cannot bind the port (on purpose)']);
    expect(e.message).toContain('cannot bind the port (on purpose)');
    expect(e.message).toContain('exited with code 3');
    expect(cluster.workers).toEqual([]);
  });

  it('a worker that exits before its line fails start(), names the worker, and stops the others', async () => {
    const { cluster, s } = standInCluster({ nWorkers: 3 }, { STANDIN_FAIL: 'worker-1' });
    const err = (await rejection(cluster.start())) as ClusterError;
    expect(err.code).toBe('TSDASK_CLUSTER_CHILD_EXITED');
    expect(err.child).toBe('worker-1');
    expect(err.message).toContain('standin worker-1: cannot bind the port (on purpose)');
    // Everything it had started is gone (the others may or may not have written their records yet).
    expect(isAlive(s.record('scheduler').pid)).toBe(false);
    expect(cluster.exits().map((e) => e.name)).toEqual(['scheduler', 'worker-0', 'worker-1', 'worker-2']);
    expect(cluster.exits().filter((e) => isAlive(e.pid))).toEqual([]);
  });

  it('a child that never prints its line fails start() with START_TIMEOUT and its stderr, and is stopped', async () => {
    const { cluster } = standInCluster({ nWorkers: 1, startTimeoutMs: 3000 }, { STANDIN_SILENT: 'scheduler' });
    const err = (await rejection(cluster.start())) as ClusterError;
    expect(err.code).toBe('TSDASK_CLUSTER_START_TIMEOUT');
    expect(err.child).toBe('scheduler');
    expect(err.message).toContain('within 3000 ms');
    // What it printed on stderr by then (its one line, unless the machine is very busy) is in the error.
    expect(['standin scheduler: starting']).toEqual(expect.arrayContaining(err.stderr));
    for (const l of err.stderr) expect(err.message).toContain(l);
    expect(cluster.exits().map((e) => e.name)).toEqual(['scheduler']);
    expect(isAlive(cluster.exits()[0]!.pid)).toBe(false);
  });

  it('a missing bin is a typed error before anything is spawned; bad options are refused', async () => {
    const err = (await rejection(new LocalCluster({ schedulerBin: '/nonexistent/scheduler.js' }).start())) as ClusterError;
    expect(err.code).toBe('TSDASK_CLUSTER_BIN_MISSING');
    expect(err.message).toContain('/nonexistent/scheduler.js');
    expect(() => new LocalCluster({ nWorkers: -1 })).toThrow(/nWorkers/);
    expect(() => new LocalCluster({ threadsPerWorker: 0 })).toThrow(/threadsPerWorker/);
    expect(() => new LocalCluster({ allowedFailures: -1 })).toThrow(/allowedFailures/);
    expect(() => new LocalCluster({ heartbeatTimeoutMs: 0 })).toThrow(/heartbeatTimeoutMs/);
    expect(() => new LocalCluster().address).toThrow(ClusterError);
  });

  it('nanny: false passes --no-nanny to each worker, allowedFailures and heartbeatTimeoutMs pass theirs to the scheduler', async () => {
    const { cluster, s } = standInCluster({ nWorkers: 1, nanny: false, allowedFailures: 1, heartbeatTimeoutMs: 5000 });
    await cluster.start();
    expect(s.record('scheduler').argv).toEqual(['--host', '127.0.0.1', '--port', '0', '--allowed-failures', '1', '--heartbeat-timeout', '5000ms']);
    expect(s.record('worker-0').argv).toEqual([cluster.address, '--nthreads', '1', '--name', 'worker-0', '--no-nanny']);
    // a worker without a nanny: its own pid, no nanny pid
    expect(cluster.workers).toEqual([{ name: 'worker-0', pid: s.record('worker-0').pid, address: `127.0.0.1:${s.record('worker-0').port}` }]);
    expect(cluster.workers[0]).not.toHaveProperty('nannyPid');
  });

  /** Writes a parent script that starts a LocalCluster on the stand-ins, prints the pids, then runs `tail` (code). */
  function parentScript(tail: string): string {
    const s = (standIns = makeStandIns());
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const parent = join(s.dir, 'parent.mjs');
    writeFileSync(
      parent,
      `import { LocalCluster } from ${JSON.stringify(dist)};\n` +
        `const c = await LocalCluster.start({ nWorkers: 2, schedulerBin: ${JSON.stringify(s.bin)}, workerBin: ${JSON.stringify(s.bin)}, env: { STANDIN_DIR: ${JSON.stringify(s.dir)} } });\n` +
        'console.log(JSON.stringify([c.schedulerProcess.pid, ...c.workers.map((w) => w.pid)]));\n' +
        tail,
    );
    return parent;
  }

  it('leaves no orphan when the parent process ends without close()', async () => {
    const parent = parentScript('');
    // The parent returns by itself: the children do not keep it alive, and its exit kills them.
    const pids = JSON.parse(execFileSync(process.execPath, [parent], { encoding: 'utf8', timeout: 60_000 }).trim()) as number[];
    strays = pids;
    expect(pids).toEqual([standIns!.record('scheduler').pid, standIns!.record('worker-0').pid, standIns!.record('worker-1').pid]);
    for (const pid of pids) expect(await gone(pid)).toBe(true);
  });

  it('leaves no orphan when the parent is killed by SIGTERM, and the parent still dies of it', async () => {
    const parent = spawn(process.execPath, [parentScript('setInterval(() => {}, 1000);\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
    strays = [parent.pid!];
    const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => parent.once('exit', (code, signal) => resolve([code, signal])));
    const pids = await printedPids(parent);
    strays.push(...pids);
    expect(pids.every(isAlive)).toBe(true);
    parent.kill('SIGTERM');
    expect(await ended).toEqual([null, 'SIGTERM']);
    for (const pid of pids) expect(await gone(pid)).toBe(true);
  });
});
