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
 *
 * The children's command lines and the lines they print are read in spawn.ts; the options in options.ts.
 */
import { generateToken } from '../comm/token.js';
import { parseAddress } from '../protocol/address.js';
import type { ClusterChild } from './child.js';
import { ClusterError, type ChildExit } from './errors.js';
import { openClient, type Client } from './open-client.js';
import { Adaptive, type AdaptOptions } from './adaptive.js';
import type { ClusterWorkerInfo, LocalClusterOptions } from './options.js';
import { schedulerChild, watchWorkerLine, workerChild, type Seen } from './spawn.js';

export type { ClusterWorkerInfo, LocalClusterOptions } from './options.js';

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
    const h = opts.heartbeatTimeoutMs;
    if (h !== undefined && !(Number.isFinite(h) && h > 0)) throw bad(`heartbeatTimeoutMs must be a number of milliseconds > 0, not ${h}`);
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
    const seen: Seen = { workerPid: undefined, address: undefined };
    const child = workerChild(this.opts, this.token, this.address, `worker-${this.nextWorker++}`, (line) => watchWorkerLine(seen, line, this.endWaiters));
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

  /** Runs the scheduler bin on `port` and waits for its listening (and dashboard) line. */
  private async startScheduler(port: number): Promise<void> {
    const { child, ready } = schedulerChild(this.opts, this.token, port);
    this.scheduler = child; // before the wait: a start that fails stops it
    const up = await ready;
    this.schedulerAddress = up.address;
    this.dashboard = up.dashboardUrl;
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

function notRunning(what: string): ClusterError {
  return new ClusterError(
    'TSDASK_CLUSTER_NOT_RUNNING',
    `LocalCluster: ${what}: the cluster is not running. Call await cluster.start() first (or LocalCluster.start(opts)), and nothing after close().`,
  );
}
