/**
 * The nanny (Dask's distributed/nanny.py): a small parent process that runs one worker as its
 * child, watches it and starts it again when it dies. It
 * - connects to the scheduler as role 'nanny' (token handshake) and sends register-nanny with
 *   its id; the worker it spawns gets that id (TSDASK_NANNY_ID) and sends it in register-worker,
 *   so the scheduler waits for the nanny's word when that worker's connection drops;
 * - passes the worker's stdout through (the listening line LocalCluster reads) and adds its own
 *   lines (`tsdask-nanny NAME started worker pid PID`, `... worker pid PID ended with code C`);
 *   passes its stderr through and keeps the last 30 lines;
 * - samples the worker's RSS every 200 ms and kills it (SIGKILL) when what it uses past 95% of
 *   the memory limit: RSS above the RSS it had once it printed its listening line (modules and
 *   threads loaded), the measure the worker's own spill and pause thresholds use
 *   (worker/memory-manager.ts), so a small limit is not spent by Node itself;
 * - on a death that no one asked for, sends worker-died (memory, signal or exit code, RSS, last
 *   lines) and starts the worker again, at most 5 times a minute, then gives up (exit code 1);
 * - stops the worker (SIGTERM, SIGKILL after a grace period) on stop(); ends with the worker
 *   when the worker exits 0 (the scheduler closed it) or when the scheduler is gone.
 * The worker runs with TSDASK_EXIT_WITH_PARENT=1 and a stdin pipe from the nanny, so it never
 * outlives the nanny, even one killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import { firstMessage, welcomeErrors } from '../comm/handshake.js';
import { redial } from '../comm/redial.js';
import { connect } from '../comm/tcp.js';
import type { TlsOptions } from '../comm/tls.js';
import { eachLine, pushTail, WORKER_LINE } from '../cluster/lines.js';
import { formatAddress, parseAddress } from '../protocol/address.js';
import { checkToNanny } from '../protocol/check.js';
import type { NannyToScheduler } from '../protocol/messages.js';
import { deathReason, describeDeath, overMemory, RestartBudget, TAIL_LINES, type WorkerDeath } from './policy.js';
import { readRss } from './rss.js';

/** How long Nanny.start waits for the scheduler's nanny-welcome, in ms. */
const REGISTER_TIMEOUT_MS = 30_000;

/** Options of Nanny.start. */
export interface NannyOptions {
  /** The scheduler's address: `tcp://host:port` or `host:port`. */
  scheduler: string;
  /** The cluster token. */
  token: string;
  /** TLS for its scheduler connection (as the worker's). */
  tls?: TlsOptions;
  /** The worker's --name, also the nanny's name in its lines (default `nanny-PID`). */
  name?: string;
  /** The worker's memory limit in bytes (0: none; then the nanny never kills it for memory). */
  memoryLimit: number;
  /** What to run: node's arguments for the worker (script and flags, `--no-nanny` among them). */
  workerArgs: string[];
  /** The worker's environment (default: this process's). */
  env?: Record<string, string | undefined>;
  /** How often the worker's RSS is read, in ms (default 200). */
  sampleMs?: number;
  /** After stop(), how long the worker has to exit after SIGTERM before SIGKILL, in ms (default 5000). */
  graceMs?: number;
  /** When the scheduler connection drops, register again with the same address for this long, keeping the worker (default 0: stop with it). */
  reconnectTimeoutMs?: number;
  /** The restart budget (default: 5 in 60 s). */
  budget?: RestartBudget;
  /** Where the nanny's stdout lines go (default: stdout). */
  out?: (line: string) => void;
  /** Where its stderr lines go, its worker's included (default: stderr). */
  err?: (line: string) => void;
}

/** How a nanny ended: 0 when stopped or its worker was closed by the scheduler, 1 otherwise. */
export interface NannyExit {
  /** The exit code the nanny's process should end with. */
  code: number;
  /** Why it ended, in words. */
  reason: string;
}

/** A running nanny; start one with Nanny.start. */
export class Nanny {
  /** Its id at the scheduler (what its workers' register-worker carries). */
  readonly id: string;
  /** Its name in its lines: the worker's --name, or `nanny-PID`. */
  readonly name: string;
  /** Resolves once the nanny has stopped its worker and closed its scheduler connection. */
  readonly done: Promise<NannyExit>;
  readonly #opts: NannyOptions;
  #conn: Connection;
  readonly #budget: RestartBudget;
  readonly #out: (line: string) => void;
  readonly #err: (line: string) => void;
  #child: ChildProcess | undefined;
  #finish!: (exit: NannyExit) => void;
  #finished = false;
  #stopping = false;
  #schedulerGone = false;
  #warnedRss = false;

  /** Connects to the scheduler, registers (waits for nanny-welcome) and starts the worker; rejects when the scheduler cannot be reached or refuses. */
  static async start(opts: NannyOptions): Promise<Nanny> {
    const id = `${process.pid}-${randomBytes(6).toString('hex')}`;
    return new Nanny(opts, await registerNanny(opts, id), id);
  }

  private constructor(opts: NannyOptions, conn: Connection, id: string) {
    this.#opts = opts;
    this.#conn = conn;
    this.id = id;
    this.name = opts.name ?? `nanny-${process.pid}`;
    this.#budget = opts.budget ?? new RestartBudget();
    this.#out = opts.out ?? ((line) => void process.stdout.write(`${line}\n`));
    this.#err = opts.err ?? ((line) => void process.stderr.write(`${line}\n`));
    this.done = new Promise((resolve) => (this.#finish = resolve));
    this.#attach(conn);
    this.#spawn();
  }

  /** Takes `conn` as the scheduler connection; its loss stops the worker, or (with a reconnect window) registers again with the same id. */
  #attach(conn: Connection): void {
    this.#conn = conn;
    // After its welcome the scheduler sends a nanny nothing: anything it sends is a protocol error.
    conn.onFrame(() => conn.close(new MessageShapeError('message', 'The scheduler sent this nanny a message after nanny-welcome; a nanny only reports.')));
    void conn.closed.then(() => {
      if (this.#conn !== conn || this.#finished || this.#stopping) return;
      const windowMs = this.#opts.reconnectTimeoutMs ?? 0;
      if (windowMs <= 0) return this.#lostScheduler();
      // Its worker keeps its results and reconnects too (worker/reconnect.ts); the nanny follows it to the new scheduler.
      this.#log(`the connection to the scheduler at ${this.#opts.scheduler} closed; reconnecting for up to ${windowMs} ms`);
      this.#schedulerGone = true; // a worker that ends meanwhile (its own window passed) ends the nanny too, without a restart
      redial(() => registerNanny(this.#opts, this.id), { timeoutMs: windowMs, stopped: () => this.#finished || this.#stopping }).then(
        (fresh) => {
          if (this.#finished || this.#stopping) return fresh.close();
          this.#log(`reconnected to the scheduler at ${this.#opts.scheduler}`);
          this.#schedulerGone = false;
          this.#attach(fresh);
        },
        () => {
          this.#schedulerGone = false;
          this.#lostScheduler();
        },
      );
    });
  }

  /** The running worker's pid (undefined between a death and its restart). */
  get workerPid(): number | undefined {
    return this.#child?.pid;
  }

  /** Stops the worker (SIGTERM, then SIGKILL after the grace period) and the nanny; resolves when both are done. */
  stop(): Promise<NannyExit> {
    if (!this.#stopping) {
      this.#stopping = true;
      const child = this.#child;
      if (child === undefined) this.#end({ code: 0, reason: 'stopped' });
      else {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), this.#opts.graceMs ?? 5000).unref();
      }
    }
    return this.done;
  }

  #log(line: string): void {
    this.#err(`tsdask-nanny ${this.name}: ${line}`);
  }

  #send(msg: NannyToScheduler): void {
    if (!this.#conn.isClosed) this.#conn.send(msg);
  }

  #end(exit: NannyExit): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#conn.close();
    // Once closed, a last report has been written out: the bin may exit the process then.
    void this.#conn.closed.then(() => this.#finish(exit));
  }

  #lostScheduler(): void {
    if (this.#finished || this.#stopping) return;
    this.#schedulerGone = true;
    this.#log(`the connection to the scheduler at ${this.#opts.scheduler} closed; the worker stops with it`);
    const child = this.#child;
    if (child === undefined) return this.#end({ code: 1, reason: 'lost the scheduler' });
    // The worker sees the same scheduler go and exits by itself; if it does not, stop it.
    setTimeout(() => {
      if (this.#child === child) void this.stop();
    }, 10_000).unref();
  }

  #spawn(): void {
    const o = this.#opts;
    const child = spawn(process.execPath, o.workerArgs, {
      env: { ...(o.env ?? process.env), TSDASK_NANNY_ID: this.id, TSDASK_EXIT_WITH_PARENT: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child = child;
    const pid = child.pid ?? 0;
    const tail: string[] = [];
    let address = '';
    let rss = 0;
    /** The worker's RSS once it is up (its listening line): what the limit is counted above. */
    let baseline: number | undefined;
    let started = false;
    let killedForMemory = false;
    if (pid !== 0) this.#out(`tsdask-nanny ${this.name} started worker pid ${pid}`);
    eachLine(child.stdout!, (line) => {
      const m = WORKER_LINE.exec(line);
      if (m !== null) {
        address = formatAddress(parseAddress(m[2]!));
        started = true;
      }
      this.#out(line);
    });
    eachLine(child.stderr!, (line) => {
      pushTail(tail, line, TAIL_LINES);
      this.#err(line);
    });
    child.stdin!.on('error', () => {}); // a worker that is gone: nothing to do, 'close' follows

    let sampling = false;
    const sampler = setInterval(() => {
      if (sampling || killedForMemory) return;
      sampling = true;
      void readRss(pid).then((bytes) => {
        sampling = false;
        if (bytes === undefined && o.memoryLimit > 0 && !this.#warnedRss && this.#child === child) {
          this.#warnedRss = true;
          this.#log(`cannot read the worker's memory (/proc/${pid}/status): the nanny does not enforce --memory-limit on this system`);
        }
        if (bytes === undefined || this.#child !== child || killedForMemory || !started) return;
        baseline ??= bytes;
        rss = Math.max(0, bytes - baseline);
        if (!overMemory(rss, o.memoryLimit) || this.#stopping) return;
        killedForMemory = true;
        // Report first, so the scheduler has the reason before it sees the connection drop.
        const death = this.#death(address, pid, null, null, rss, true, tail);
        this.#log(`worker pid ${pid}: ${describeDeath(death)}; killing it (SIGKILL)`);
        this.#send({ type: 'worker-died', ...death });
        child.kill('SIGKILL');
      });
    }, o.sampleMs ?? 200);

    child.on('error', (err) => this.#log(`could not run the worker: ${err.message}`));
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearInterval(sampler);
      if (this.#child === child) this.#child = undefined;
      this.#out(`tsdask-nanny ${this.name} worker pid ${pid} ended with ${signal !== null ? `signal ${signal}` : `code ${code ?? 'unknown'}`}`);
      if (this.#stopping) return this.#end({ code: 0, reason: 'stopped' });
      if (this.#schedulerGone) return this.#end({ code: code === 0 ? 0 : 1, reason: 'lost the scheduler' });
      if (code === 0 && !killedForMemory) return this.#end({ code: 0, reason: 'the worker was closed' });
      const death = this.#death(address, pid, code, signal, rss, killedForMemory, tail);
      if (!killedForMemory) {
        this.#log(`worker pid ${pid}: ${describeDeath(death)}`);
        this.#send({ type: 'worker-died', ...death });
      }
      if (!this.#budget.allow(Date.now())) {
        this.#log(
          `the worker died ${this.#budget.max + 1} times within ${this.#budget.windowMs / 1000} s; not restarting it again. ` +
            'Look at its last log lines above for why it dies, fix that, and start it again.',
        );
        return this.#end({ code: 1, reason: 'the worker keeps dying' });
      }
      this.#log('restarting the worker');
      this.#spawn();
    });
  }

  #death(address: string, pid: number, code: number | null, signal: string | null, rss: number, memory: boolean, tail: string[]): WorkerDeath {
    return {
      address,
      name: this.#opts.name ?? '',
      pid,
      ...(code !== null ? { code } : {}),
      ...(signal !== null ? { signal } : {}),
      rss,
      memoryLimit: this.#opts.memoryLimit,
      reason: deathReason(memory, signal),
      lastLines: [...tail],
    };
  }
}

/** Dials the scheduler as role 'nanny' and registers as `id`; resolves with the welcomed connection. */
async function registerNanny(opts: NannyOptions, id: string): Promise<Connection> {
  const { host, port } = parseAddress(opts.scheduler);
  const conn = await connect({ host, port, token: opts.token, role: 'nanny', ...(opts.tls !== undefined ? { tls: opts.tls } : {}) });
  try {
    const remote = conn.remote;
    const welcome = firstMessage(
      conn,
      REGISTER_TIMEOUT_MS,
      welcomeErrors(
        remote,
        'nanny',
        (ms) =>
          `The scheduler at ${remote} did not answer register-nanny within ${ms} ms. Check that it is a tsdask scheduler of the same version, or run the worker with --no-nanny.`,
      ),
    );
    conn.send({ type: 'register-nanny', id, name: opts.name ?? '', pid: process.pid } satisfies NannyToScheduler);
    const msg = checkToNanny(await welcome);
    if (msg.type !== 'nanny-welcome') throw new MessageShapeError('message.type', `The scheduler answered register-nanny with '${msg.type as string}'.`);
  } catch (err) {
    conn.close(err as Error);
    throw err;
  }
  return conn;
}
