/**
 * LocalCluster: a scheduler and N workers as child processes of this one, on this machine, as
 * Dask's LocalCluster. start() generates a token (unless given; it travels in the children's
 * TSDASK_TOKEN, never on argv), runs the scheduler bin and reads its
 * `tsdask-scheduler listening at tcp://HOST:PORT` line, then runs the workers and reads each one's
 * `tsdask-worker NAME listening at ... connected to ...` line. close() stops them all (SIGTERM,
 * SIGKILL after 3 s); they are also killed when this process exits. Each worker runs under a
 * nanny by default (the worker bin's default, as Dask's LocalCluster with processes): the nanny
 * is the child, the worker its child; the nanny's `tsdask-nanny NAME started worker pid PID` and
 * the worker's listening line (passed through, again after each restart) keep `workers` current.
 * The scheduler serves the cluster's dashboard on a free port (`dashboard` option);
 * `dashboardUrl` is read from its `tsdask-scheduler dashboard at URL` line, with the token added.
 *
 *   const cluster = await LocalCluster.start({ nWorkers: 2 });
 *   const client = cluster.client();
 *   ...
 *   await client.close();
 *   await cluster.close();
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateToken } from '../comm/token.js';
import { formatAddress, parseAddress } from '../protocol/address.js';
import { ClusterChild } from './child.js';
import { ClusterError, type ChildExit } from './errors.js';
import { NANNY_ENDED_LINE, NANNY_STARTED_LINE, WORKER_LINE } from './lines.js';
import { openClient, type Client } from './open-client.js';
import { Adaptive, type AdaptOptions } from './adaptive.js';
import type { TlsFiles } from '../comm/tls.js';

/** Options of a LocalCluster; every one has a default. */
export interface LocalClusterOptions {
  /** How many worker processes (default 2; 0 starts the scheduler alone). */
  nWorkers?: number;
  /** Threads per worker, its `--nthreads` (default 1). */
  threadsPerWorker?: number;
  /** Each worker's `--memory-limit`, bytes or text such as '4GB' (default: the worker's own). */
  memoryLimit?: number | string;
  /** Run each worker under a nanny that restarts it when it dies and tells the scheduler why (default true; false passes --no-nanny). */
  nanny?: boolean;
  /** Workers that may die under one task before it fails with KilledWorkerError, the scheduler's --allowed-failures (default: the scheduler's, 3). */
  allowedFailures?: number;
  /** The cluster token (default: a newly generated one). */
  token?: string;
  /** The host the scheduler (and workers) bind (default 127.0.0.1). */
  host?: string;
  /** The scheduler's port (default 0: any free port). */
  schedulerPort?: number;
  /** TLS for every connection: PEM file paths, passed to each child as --tls-cert/--tls-key/--tls-ca and used by client(). */
  tls?: TlsFiles;
  /**
   * Survive a scheduler restart: each worker keeps its results and dials the scheduler again for
   * this long (its `--reconnect-timeout`), and `client()` reconnects and reclaims what it held
   * (default: off, as Dask's, where everything is lost with the scheduler).
   */
  reconnectTimeoutMs?: number;
  /** Extra environment variables for the children, over this process's. */
  env?: Record<string, string | undefined>;
  /** The scheduler script (default: this package's dist/bin/scheduler.js). */
  schedulerBin?: string;
  /** The worker script (default: this package's dist/bin/worker.js). */
  workerBin?: string;
  /** Node flags for every child, for example ['--max-old-space-size=8192']. */
  nodeArgs?: string[];
  /** How long each child may take to print its listening line, in ms (default 30 000). */
  startTimeoutMs?: number;
  /** How long close() waits after SIGTERM before SIGKILL, in ms (default 3 000). */
  closeTimeoutMs?: number;
  /**
   * Serve the cluster's dashboard from the scheduler: true or `{ port }` (default: on, port 0 = a
   * free one, as tests run many clusters at once; off with a custom schedulerBin, which may not
   * know the flags). Read the page's URL (it carries the token) from `dashboardUrl`.
   */
  dashboard?: boolean | { port?: number };
  /** Receives every line the children print (default: kept, not shown; the last 50 stderr lines go into errors). */
  onLog?: (child: string, line: string) => void;
}

/** A worker of the cluster: its name, process id and data address (`host:port`, as the scheduler names it). */
export interface ClusterWorkerInfo {
  /** `worker-0`, `worker-1`, ... (its `--name`). */
  name: string;
  /** The worker process's id (the one running now, after a nanny's restart). */
  pid: number;
  /** Its data address `host:port`, the name the scheduler and the protocol know it by (a restarted worker has a new one). */
  address: string;
  /** The process id of its nanny, when it runs under one. */
  nannyPid?: number;
}

/** What a worker child's stdout lines said last: the worker's pid (from its nanny) and address. */
interface Seen {
  workerPid: number | undefined;
  address: string | undefined;
}

const PACKAGE_ROOT = new URL('../../', import.meta.url); // from src/cluster/ and dist/cluster/ alike
const SCHEDULER_LINE = /^tsdask-scheduler listening at (tcp:\/\/\S+)\s*$/;
const DASHBOARD_LINE = /^tsdask-scheduler dashboard at (https?:\/\/\S+)\s*$/;

/** A scheduler and workers running as child processes of this process. */
export class LocalCluster {
  /** The token every connection to this cluster must present. */
  readonly token: string;
  private readonly opts: LocalClusterOptions;
  private scheduler: ClusterChild | undefined;
  private schedulerAddress: string | undefined;
  private dashboard: string | undefined;
  private readonly workerChildren: ClusterChild[] = [];
  private readonly seen: Seen[] = [];
  /** killWorker calls waiting for a nanny's `ended` line, by worker pid. */
  private readonly endWaiters = new Map<number, (line: RegExpExecArray) => void>();
  private started = false;
  private nextWorker = 0;
  private adaptive: Adaptive | undefined;
  private starting: Promise<this> | undefined;
  private closing: Promise<void> | undefined;

  /** Starts a LocalCluster and resolves once the scheduler and every worker listen: `new LocalCluster(opts).start()`. */
  static start(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
    return new LocalCluster(opts).start();
  }

  /** A cluster that is not started yet: call `await cluster.start()`. */
  constructor(opts: LocalClusterOptions = {}) {
    const bad = (what: string) => new ClusterError('TSDASK_CLUSTER_BAD_OPTION', `LocalCluster: ${what}.`);
    const n = opts.nWorkers ?? 2;
    if (!Number.isInteger(n) || n < 0) throw bad(`nWorkers must be a whole number >= 0, not ${n}`);
    const t = opts.threadsPerWorker ?? 1;
    if (!Number.isInteger(t) || t < 1) throw bad(`threadsPerWorker must be a whole number >= 1, not ${t}`);
    if (opts.token === '') throw bad('token must not be empty (leave it out to have one generated)');
    const f = opts.allowedFailures;
    if (f !== undefined && (!Number.isInteger(f) || f < 0)) throw bad(`allowedFailures must be a whole number >= 0, not ${f}`);
    this.opts = opts;
    this.token = opts.token ?? generateToken();
  }

  /** Runs the scheduler, then the workers; resolves once all listen. On failure it stops whatever it started and throws ClusterError. */
  start(): Promise<this> {
    if (this.closing !== undefined) return Promise.reject(notRunning('start() after close()'));
    return (this.starting ??= this.run());
  }

  private async run(): Promise<this> {
    const o = this.opts;
    try {
      await this.startScheduler(o.schedulerPort ?? 0);
      if (this.closing !== undefined) throw notRunning('close() while starting');
      for (let i = 0; i < (o.nWorkers ?? 2); i++) this.spawnWorker();
      await Promise.all(this.workerChildren.map((w) => w.ready));
      if (this.closing !== undefined) throw notRunning('close() while starting');
      this.started = true;
      // A user's program may end without close(): the children must not keep it alive, and the exit hook kills them.
      for (const c of this.children()) c.unref();
      return this;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Starts worker `worker-N` (N counts up from 0 over the cluster's life); resolves with it once it listens. */
  private spawnWorker(): ClusterChild {
    const o = this.opts;
    const host = o.host ?? '127.0.0.1';
    const name = `worker-${this.nextWorker++}`;
    const args = [this.address, '--nthreads', String(o.threadsPerWorker ?? 1), '--name', name];
    if (o.memoryLimit !== undefined) args.push('--memory-limit', String(o.memoryLimit));
    if (host !== '127.0.0.1') args.push('--host', host);
    if (o.nanny === false) args.push('--no-nanny');
    if (o.reconnectTimeoutMs !== undefined) args.push('--reconnect-timeout', String(o.reconnectTimeoutMs / 1000));
    args.push(...this.tlsArgs());
    const seen: Seen = { workerPid: undefined, address: undefined };
    const child = new ClusterChild({
      ...this.common(),
      onStdout: (line) => this.watch(seen, line),
      name,
      bin: binPath(o.workerBin, 'worker'),
      args,
      readyLine: WORKER_LINE,
      readyText: `tsdask-worker ${name} listening at tcp://HOST:PORT connected to ${this.address}`,
    });
    this.seen.push(seen);
    this.workerChildren.push(child);
    return child;
  }

  /**
   * Scales by load, as Dask's `cluster.adapt(minimum, maximum)`: every `intervalMs` (default
   * 1000) it asks the scheduler how many workers the queued and running work calls for (at most
   * `targetDurationMs` of expected work per worker, default 5000; durations measured per task
   * prefix) and starts workers up to `maximum`, or retires idle ones down to `minimum` once the
   * scheduler has named them `waitCount` times in a row (default 3); a retired worker closes only
   * after its results are copied to another (cluster/adaptive.ts). Replaces an earlier adapt();
   * `stop()` on the result, or close(), ends it.
   */
  adapt(opts: AdaptOptions = {}): Adaptive {
    if (!this.started || this.closing !== undefined) throw notRunning('cluster.adapt() outside start() .. close()');
    this.adaptive?.stop();
    const client = this.client();
    const adaptive = new Adaptive(opts, client.asScheduler(), {
      count: () => this.workerChildren.length,
      scaleUp: async (n) => {
        const started = Array.from({ length: n }, () => this.spawnWorker());
        await Promise.all(started.map((c) => c.ready));
        for (const c of started) c.unref();
      },
      ended: async (addresses) => {
        const gone = this.workerChildren.filter((_, i) => addresses.includes(this.seen[i]!.address ?? ''));
        await Promise.all(gone.map((c) => c.stop(this.opts.closeTimeoutMs ?? 3000)));
        for (const c of gone) {
          const i = this.workerChildren.indexOf(c);
          this.workerChildren.splice(i, 1);
          this.seen.splice(i, 1);
        }
      },
      close: () => client.close(),
      log: (line) => this.opts.onLog?.('adapt', line),
    });
    this.adaptive = adaptive;
    return adaptive;
  }

  /** What every child is started with: the environment (with the token), node flags, start timeout, log sink. */
  private common(): { env: Record<string, string | undefined>; nodeArgs: string[] | undefined; readyTimeoutMs: number; onLog: LocalClusterOptions['onLog'] } {
    const o = this.opts;
    return { env: { ...process.env, ...o.env, TSDASK_TOKEN: this.token }, nodeArgs: o.nodeArgs, readyTimeoutMs: o.startTimeoutMs ?? 30_000, onLog: o.onLog };
  }

  /** The --tls-* flags every child gets. */
  private tlsArgs(): string[] {
    const out: string[] = [];
    for (const field of ['cert', 'key', 'ca'] as const) {
      const file = this.opts.tls?.[field];
      if (file !== undefined) out.push(`--tls-${field}`, file);
    }
    return out;
  }

  /** Runs the scheduler bin on `port` and waits for its listening (and dashboard) line. */
  private async startScheduler(port: number): Promise<void> {
    const o = this.opts;
    const host = o.host ?? '127.0.0.1';
    const schedArgs = ['--host', host, '--port', String(port)];
    if (o.allowedFailures !== undefined) schedArgs.push('--allowed-failures', String(o.allowedFailures));
    const dash = o.dashboard ?? o.schedulerBin === undefined;
    if (dash !== false) schedArgs.push('--dashboard-port', String((dash === true ? undefined : dash.port) ?? 0));
    else if (o.schedulerBin === undefined) schedArgs.push('--no-dashboard');
    // With the dashboard on, the scheduler is up once its dashboard line (printed after the listening line) is read.
    let listening: string | undefined;
    const onLog = (child: string, line: string): void => {
      listening ??= SCHEDULER_LINE.exec(line)?.[1];
      o.onLog?.(child, line);
    };
    schedArgs.push(...this.tlsArgs());
    this.scheduler = new ClusterChild({
      ...this.common(),
      name: 'scheduler',
      bin: binPath(o.schedulerBin, 'scheduler'),
      args: schedArgs,
      onLog,
      readyLine: dash !== false ? DASHBOARD_LINE : SCHEDULER_LINE,
      readyText: dash !== false ? 'tsdask-scheduler dashboard at http://HOST:PORT/...' : 'tsdask-scheduler listening at tcp://HOST:PORT',
    });
    const ready = (await this.scheduler.ready)[1]!;
    // The bin does not print a token it was given: the URL gets it here.
    if (dash !== false) this.dashboard = ready.includes('?token=') ? ready : `${ready}?token=${encodeURIComponent(this.token)}`;
    this.schedulerAddress = dash !== false ? listening : ready;
    if (this.schedulerAddress === undefined)
      throw new ClusterError(
        'TSDASK_CLUSTER_BAD_OPTION',
        `LocalCluster: the scheduler printed its dashboard line without 'tsdask-scheduler listening at tcp://HOST:PORT' before it. ` +
          'A custom schedulerBin must print its listening line first; or pass dashboard: false.',
      );
  }

  /**
   * Kills the scheduler (SIGKILL, as a crash) and starts a new one on the same port. Workers
   * started with `reconnectTimeoutMs` keep their results and register them with it, and clients
   * from `client()` reconnect and reclaim what they held (see the README's "Scheduler restart").
   */
  async restartScheduler(): Promise<void> {
    if (!this.started || this.closing !== undefined) throw notRunning('cluster.restartScheduler() outside start() .. close()');
    const { port } = parseAddress(this.address);
    const old = this.scheduler!;
    old.kill('SIGKILL');
    await old.ended();
    await this.startScheduler(port);
    this.scheduler!.unref();
  }

  /** The scheduler's address, `tcp://HOST:PORT`. */
  get address(): string {
    if (this.schedulerAddress === undefined || this.starting === undefined) throw notRunning('cluster.address before start()');
    return this.schedulerAddress;
  }

  /** The dashboard's URL (it carries the token), or undefined when the dashboard is off. */
  get dashboardUrl(): string | undefined {
    return this.dashboard;
  }

  /** The scheduler process: its pid and address (for example to read its CPU time). */
  get schedulerProcess(): { pid: number; address: string } {
    const s = this.scheduler;
    if (s === undefined) throw notRunning('cluster.schedulerProcess before start()');
    return { pid: s.pid, address: this.address };
  }

  /** The workers started, in order: name, pid and data address as they are now (a nanny's restart changes pid and address), and the nanny's pid. */
  get workers(): readonly ClusterWorkerInfo[] {
    if (!this.started) return [];
    return this.workerChildren.map((c, i) => {
      const s = this.seen[i]!;
      const info: ClusterWorkerInfo = { name: c.name, pid: s.workerPid ?? c.pid, address: s.address ?? '' };
      if (s.workerPid !== undefined) info.nannyPid = c.pid;
      return info;
    });
  }

  /** The worker processes' ids now, in worker order (as Dask's LocalCluster offers its workers' processes; see `workers` for names, addresses and nannies). */
  workerPids(): number[] {
    return this.workers.map((w) => w.pid);
  }

  /** Reads a worker child's stdout line: a nanny's started/ended line or the worker's listening line. */
  private watch(seen: Seen, line: string): void {
    const w = WORKER_LINE.exec(line);
    if (w !== null) {
      seen.address = formatAddress(parseAddress(w[2]!));
      return;
    }
    const started = NANNY_STARTED_LINE.exec(line);
    if (started !== null) {
      seen.workerPid = Number(started[2]);
      seen.address = undefined;
      return;
    }
    const ended = NANNY_ENDED_LINE.exec(line);
    if (ended !== null) this.endWaiters.get(Number(ended[2]))?.(ended);
  }

  /** A Client on this cluster's scheduler with its token (close it before the cluster). */
  client(): Client {
    if (this.closing !== undefined) throw notRunning('cluster.client() after close()');
    return openClient(this.address, this.token, this.opts.tls, this.opts.reconnectTimeoutMs);
  }

  /**
   * Sends `signal` (default SIGKILL, as `kill -9`) to worker `i` (index or name) and resolves with
   * how it ended; with undefined when it still runs after closeTimeoutMs (a signal such as SIGSTOP).
   * Under a nanny the signal goes to the worker process, and the nanny starts a new one.
   */
  async killWorker(i: number | string, signal: NodeJS.Signals = 'SIGKILL'): Promise<ChildExit | undefined> {
    const w = typeof i === 'number' ? this.workerChildren[i] : this.workerChildren.find((c) => c.name === i);
    if (w === undefined) {
      const names = this.workerChildren.map((c) => c.name).join(', ') || 'none';
      throw new ClusterError('TSDASK_CLUSTER_NO_SUCH_WORKER', `LocalCluster.killWorker: no worker ${JSON.stringify(i)}; the workers are ${names}.`);
    }
    const info = this.workers[this.workerChildren.indexOf(w)];
    if (info?.nannyPid === undefined) return this.signalChild(w, signal);
    return this.signalNannied(w, info.pid, signal);
  }

  /** Signals the worker process of nanny `c` and waits (closeTimeoutMs at most) for the nanny's line saying how it ended. */
  private async signalNannied(c: ClusterChild, pid: number, signal: NodeJS.Signals): Promise<ChildExit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<ChildExit | undefined>((resolve) => {
      this.endWaiters.set(pid, (m) => {
        const signalled = m[3] === 'signal';
        resolve({ name: c.name, pid, code: signalled ? null : Number(m[4]), signal: signalled ? (m[4] as NodeJS.Signals) : null, stderr: c.stderr() });
      });
      timer = setTimeout(() => resolve(undefined), this.opts.closeTimeoutMs ?? 3000);
    });
    try {
      process.kill(pid, signal);
    } catch {
      // it ended meanwhile; the nanny's line says how
    }
    try {
      return await ended;
    } finally {
      clearTimeout(timer);
      this.endWaiters.delete(pid);
    }
  }

  /** Sends `signal` (default SIGKILL) to the scheduler and resolves with how it ended (for tests: a client whose scheduler dies). */
  async killScheduler(signal: NodeJS.Signals = 'SIGKILL'): Promise<ChildExit | undefined> {
    const s = this.scheduler;
    if (s === undefined) throw notRunning('cluster.killScheduler before start()');
    return this.signalChild(s, signal);
  }

  /** Signals a child and waits closeTimeoutMs at most for it to end (undefined: it still runs). */
  private async signalChild(c: ClusterChild, signal: NodeJS.Signals): Promise<ChildExit | undefined> {
    c.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const later = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.opts.closeTimeoutMs ?? 3000)));
    try {
      return await Promise.race([c.ended(), later]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** How each child that has ended so far ended: exit code or signal, and its last stderr lines. */
  exits(): ChildExit[] {
    return this.children().flatMap((c) => (c.exit === undefined ? [] : [c.exit]));
  }

  /** Stops every child: SIGTERM to the workers, then the scheduler, SIGKILL after closeTimeoutMs. Idempotent. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await this.adaptive?.stop();
      const grace = this.opts.closeTimeoutMs ?? 3000;
      await Promise.all(this.workerChildren.map((w) => w.stop(grace)));
      await this.scheduler?.stop(grace);
    })());
  }

  /** `await using cluster = await LocalCluster.start()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private children(): ClusterChild[] {
    return this.scheduler === undefined ? [...this.workerChildren] : [this.scheduler, ...this.workerChildren];
  }
}

/** The script to run: the option, else this package's dist/bin/NAME.js; it must exist. */
function binPath(given: string | undefined, name: 'scheduler' | 'worker'): string {
  const path = given ?? fileURLToPath(new URL(`dist/bin/${name}.js`, PACKAGE_ROOT));
  if (!existsSync(path)) {
    throw new ClusterError(
      'TSDASK_CLUSTER_BIN_MISSING',
      `LocalCluster: the ${name} script ${path} does not exist. ` +
        (given === undefined ? 'Build @tsdask/scheduler-distributed first (npm run build).' : `Check the ${name}Bin option.`),
    );
  }
  return path;
}

function notRunning(what: string): ClusterError {
  return new ClusterError(
    'TSDASK_CLUSTER_NOT_RUNNING',
    `LocalCluster: ${what}: the cluster is not running. Call await cluster.start() first (or LocalCluster.start(opts)), and nothing after close().`,
  );
}
