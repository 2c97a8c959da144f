/**
 * The scheduler process's core (SchedulerServer is its public face): it listens (comm `listen`, token handshake), gives
 * each connection a session by its role (worker-session.ts, client-session.ts; peers are
 * refused), feeds what they say to the pure SchedulerState and carries out its instructions:
 * compute-task and free-keys to workers, task-done and task-erred to every client that wants
 * the key. It keeps what the machine does not: which clients want which keys (client-wants.ts: a
 * key is released in the machine only when no client wants it), the user-function sources every worker must
 * have, scatters in flight (scatter.ts), and worker liveness (a worker silent for
 * `heartbeatTimeoutMs` is removed). A worker run by a nanny is removed when its nanny says why it
 * died, or `nannyHoldMs` after its connection dropped (nanny-reports.ts, nanny-session.ts).
 */
import type { TlsOptions } from '../comm/tls.js';
import { serializeError, type Callbacks, type Key } from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { RefusedInfo } from '../comm/handshake.js';
import type { HelloMessage } from '../comm/messages.js';
import { TRUSTED_MAX_CONTROL_BYTES } from '../comm/frames.js';
import { listen, type Listener } from '../comm/tcp.js';
import type { ComputeTaskMsg, SchedulerToClient, WireNode, WorkerDiedMsg } from '../protocol/messages.js';
import { ClientSession } from './client-session.js';
import { ClientWants } from './client-wants.js';
import { NannyReports } from './nanny-reports.js';
import { NannySession } from './nanny-session.js';
import { ClusterEvents } from './cluster-events.js';
import { GraphIntake } from './graph-intake.js';
import { ReleaseSlices } from './release-slices.js';
import { LoopMonitor } from './loop-monitor.js';
import type { SchedulerStats } from './stats.js';
import { SchedulerEventPump } from './event-pump.js';
import { RecoveredKeys } from './recovered-keys.js';
import { ClusterDumps } from './cluster-dump.js';
import { TaskDurations } from './adaptive.js';
import { RetireWorkers } from './retire.js';
import { Scatters } from './scatter.js';
import type { SchedulerInstruction, SchedulerStimulus } from './state/messages.js';
import { SchedulerState, type SchedulerStateOptions } from './state/scheduler-state.js';
import { MEMORY } from './state/task-states.js';
import { WorkerSession } from './worker-session.js';
import { SchedulerShuffles } from '../shuffle/scheduler-runs.js';

/** Options of SchedulerServer.start (and of the core behind it). */
export interface SchedulerOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: an ephemeral port; read `address`). */
  port?: number;
  /** The cluster token every connection must present. */
  token: string;
  /** TLS: serve with `cert`/`key`, verify peers against `ca` (PEM text; see comm/tls.ts). Default: plain TCP. */
  tls?: TlsOptions;
  /**
   * A worker that sends nothing for this long is removed (default 30 s). A worker that dies is
   * noticed at once by its connection or its nanny; this catches only a hung or cut-off one, so
   * it stays well above a loaded machine's silences (5.3 s seen at load 25 on 2 cores). Dask's
   * worker-ttl is 5 minutes.
   */
  heartbeatTimeoutMs?: number;
  /** Heartbeat interval asked of workers (default 1000 ms). */
  heartbeatMs?: number;
  /** How long the removal of a nanny'd worker whose connection dropped waits for its nanny's report (default 1000 ms). */
  nannyHoldMs?: number;
  /** Time a new connection has to send its hello (default: comm's 10 s). */
  handshakeTimeoutMs?: number;
  /** Move tasks waiting on busy workers to idle ones (default true). */
  stealing?: boolean;
  /** Settings of the state machine. */
  state?: SchedulerStateOptions;
  /** How long this scheduler waits for reconnecting workers to bring the keys a reconnecting client reclaims (default 10 s; recovered-keys.ts). */
  recoverWindowMs?: number;
  /** Called with every nanny's worker-died report and its one-line account (for the dashboard and logs). */
  onNannyReport?: (report: WorkerDiedMsg, how: string) => void;
  /** Called for every refused connection (after it is logged). */
  onRefused?: (info: RefusedInfo) => void;
  /** Where log lines go (default: stderr). */
  log?: (line: string) => void;
}

/** A running scheduler. */
/** The running scheduler's state and connections; sessions call into it. */
export class SchedulerCore {
  /** The bound host and port. */
  readonly address: { host: string; port: number };
  /** The state machine (for tests and diagnostics). */
  readonly state: SchedulerState;
  /** Live workers by data address (their id). */
  readonly workers = new Map<string, WorkerSession>();
  readonly clients = new Set<ClientSession>();
  /** Clients that want each key (a key absent here is released in the machine). */
  readonly wantedBy = new ClientWants<ClientSession>();
  /** Every user-function source seen, op id -> source (sent to each worker that joins). */
  readonly sources = new Map<string, string>();
  readonly scatters: Scatters;
  /** Keys brought by workers that outlived their scheduler, and clients' reclaims of them. */
  readonly recovered: RecoveredKeys;
  /** Cluster dumps waiting for their workers' parts. */
  readonly dumps: ClusterDumps;
  /** Measured task durations (for adapt) and workers being retired. */
  readonly durations = new TaskDurations();
  readonly retiring: RetireWorkers;
  /** Nannies' reports of how their workers died, and removals held for them. */
  readonly nannies: NannyReports;
  /** The event stream of computes (event-pump.ts) and of the cluster (cluster-events.ts). */
  readonly events: SchedulerEventPump;
  readonly clusterEvents: ClusterEvents;
  /** Graphs taken in slice by slice (graph-intake.ts), and how long the event loop blocks (loop-monitor.ts). */
  readonly intake: GraphIntake;
  readonly loop = new LoopMonitor();
  /** P2P shuffles: their runs, unpack placement and restarts (shuffle/scheduler-runs.ts). */
  readonly shuffles: SchedulerShuffles;
  readonly heartbeatMs: number;
  readonly log: (line: string) => void;
  /** SchedulerOptions.onNannyReport. */
  readonly onNannyReport: ((report: WorkerDiedMsg, how: string) => void) | undefined;
  #listener: Listener | undefined;
  #sweep: ReturnType<typeof setInterval> | undefined;
  /** Date.now() of the last heartbeat sweep. */
  #lastSweep = 0;
  #balancer: ReturnType<typeof setInterval> | undefined;
  #eventsFlush: ReturnType<typeof setImmediate> | undefined;
  /** Slices of a release walk that ran out of its budget. */
  readonly #releases = new ReleaseSlices(this);
  #clientIds = 0;
  #closing = false;
  #closed: Promise<void> | undefined;

  private constructor(opts: SchedulerOptions) {
    this.state = new SchedulerState(opts.state);
    this.heartbeatMs = opts.heartbeatMs ?? 1000;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.scatters = new Scatters(this);
    this.recovered = new RecoveredKeys(this, opts.recoverWindowMs);
    this.dumps = new ClusterDumps(this);
    this.retiring = new RetireWorkers(this);
    this.nannies = new NannyReports(opts.nannyHoldMs);
    this.onNannyReport = opts.onNannyReport;
    this.events = new SchedulerEventPump(this.state);
    this.clusterEvents = new ClusterEvents(() => this.events.callbacks());
    this.intake = new GraphIntake(this);
    this.shuffles = new SchedulerShuffles(this.state, this.state.allowedFailures, this.log);
    this.state.restrict = (t) => this.shuffles.ownerFor(t);
    this.address = { host: opts.host ?? '127.0.0.1', port: 0 };
  }

  /** Starts a scheduler listening on host:port. */
  static async start(opts: SchedulerOptions): Promise<SchedulerCore> {
    const s = new SchedulerCore(opts);
    s.#listener = await listen({
      token: opts.token,
      ...(opts.tls !== undefined ? { tls: opts.tls } : {}),
      host: s.address.host,
      port: opts.port ?? 0,
      ...(opts.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: opts.handshakeTimeoutMs } : {}),
      onRefused: (info) => {
        s.log(`tsdask-scheduler: refused a connection from ${info.remote}: ${info.reason}`);
        opts.onRefused?.(info);
      },
      onConnection: (conn, hello) => s.#accept(conn, hello),
      // A client (authenticated) sends whole graphs in one update-graph: past the default 16 MiB for a few hundred thousand tasks.
      limitsFor: (hello) => (hello.role === 'client' ? { maxControlBytes: TRUSTED_MAX_CONTROL_BYTES } : undefined),
    });
    Object.assign(s.address, s.#listener.address);
    const timeout = opts.heartbeatTimeoutMs ?? 30_000;
    const every = Math.max(10, Math.min(250, timeout / 4));
    s.#lastSweep = Date.now();
    s.#sweep = setInterval(() => s.#checkHeartbeats(timeout, every), every);
    s.#sweep.unref();
    // Work stealing: every 100 ms (Dask's interval), idle workers may take tasks waiting on busy ones.
    if (opts.stealing !== false) {
      s.#balancer = setInterval(() => {
        if (s.workers.size < 2) return;
        try {
          s.apply({ type: 'balance' });
        } catch (err) {
          s.log(`tsdask-scheduler: internal error while balancing: ${(err as Error).stack ?? String(err)}`);
        }
      }, 100);
      s.#balancer.unref();
    }
    return s;
  }

  /** The scheduler's own figures (stats.ts). */
  stats(): SchedulerStats {
    const mem = process.memoryUsage();
    return {
      tasks: this.state.tasks.size,
      workers: this.workers.size,
      heapUsed: mem.heapUsed,
      rss: mem.rss,
      loop: this.loop.read(),
      intake: this.intake.stats,
    };
  }

  /** Tells workers to exit, closes every connection and stops listening. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#sweep);
    if (this.#eventsFlush !== undefined) clearImmediate(this.#eventsFlush);
    clearInterval(this.#balancer);
    this.#releases.close();
    this.intake.close();
    this.loop.close();
    this.nannies.close();
    this.recovered.close();
    this.dumps.close();
    this.retiring.close();
    for (const w of this.workers.values()) w.closeWorker('the scheduler is closing');
    await Promise.all([...this.workers.values()].map((w) => w.conn.flushed()));
    await this.#listener?.close();
  }

  #accept(conn: Connection, hello: HelloMessage): void {
    if (this.#closing) return conn.close();
    if (hello.role === 'worker') new WorkerSession(this, conn);
    else if (hello.role === 'client') this.clients.add(new ClientSession(this, conn, `client-${++this.#clientIds}`));
    else if (hello.role === 'nanny') new NannySession(this, conn);
    else
      this.reject(
        conn,
        new MessageShapeError('hello.role', `The scheduler serves clients, workers and nannies; role '${hello.role}' connects to a worker's data port.`),
      );
  }

  /** Closes one connection for a protocol violation, and logs it; the server keeps serving. */
  reject(conn: Connection, err: Error): void {
    this.log(`tsdask-scheduler: closing the connection from ${conn.remote}: ${err.message}`);
    conn.close(err);
  }

  /** Applies a stimulus to the machine and carries out its instructions. */
  apply(s: SchedulerStimulus): void {
    this.dispatch(this.state.handle(s));
  }

  /**
   * Carries out the machine's instructions. Messages nobody waits on at once go lazily (see
   * comm/connection.ts): a task for a worker that already has more than a task per thread, keys
   * to free, and results for clients while the cluster still has work; the rest at once.
   */
  dispatch(out: readonly SchedulerInstruction[]): void {
    let frees: Map<string, Key[]> | undefined;
    let busy: boolean | undefined;
    for (const i of out) {
      switch (i.type) {
        case 'compute-task': {
          // A key freed and sent again to the same worker in one batch (a task evaluated again): the free goes first, or the worker would drop the new run.
          const freed = frees?.get(i.worker);
          if (freed?.includes(i.key) === true) {
            this.workers.get(i.worker)?.send({ type: 'free-keys', keys: freed });
            frees!.delete(i.worker);
          }
          const inputs: ComputeTaskMsg['inputs'] = [];
          for (const key in i.whoHas) inputs.push({ key, whoHas: i.whoHas[key]!, nbytes: this.state.tasks.get(key)?.nbytes ?? 0 });
          const ws = this.state.workers.get(i.worker);
          const lazy = ws !== undefined && ws.processing.size > ws.nthreads;
          const node = this.shuffles.prepare(i.node as unknown as WireNode); // a P2P shuffle's task gets its run
          this.workers.get(i.worker)?.send({ type: 'compute-task', key: i.key, node, priority: i.priority, inputs }, lazy);
          break;
        }
        case 'free-keys': {
          frees ??= new Map();
          const keys = frees.get(i.worker);
          if (keys === undefined) frees.set(i.worker, i.keys.slice());
          else keys.push(...i.keys);
          break;
        }
        case 'task-done':
          busy ??= this.#busy();
          this.toWanting(i.key, { type: 'task-done', key: i.key, nbytes: i.nbytes }, busy);
          break;
        case 'task-erred':
          this.toWanting(i.key, { type: 'task-erred', key: i.key, error: serializeError(i.error) as unknown as Record<string, unknown> });
          break;
        case 'steal-request':
          this.workers.get(i.worker)?.send({ type: 'steal-request', key: i.key });
          break;
      }
    }
    if (frees !== undefined) for (const [w, keys] of frees) this.workers.get(w)?.send({ type: 'free-keys', keys }, true);
    if (this.events.active && this.#eventsFlush === undefined) this.#eventsFlush = setImmediate(this.#flushEvents);
    this.#releases.kick();
  }

  /** Sends the event rows of every stimulus of this event-loop turn as one batch (the pump is active only while someone listens). */
  readonly #flushEvents = (): void => {
    this.#eventsFlush = undefined;
    this.events.flush();
  };

  /** Whether some worker is still processing tasks (then results for clients may wait for company). */
  #busy(): boolean {
    for (const w of this.state.workers.values()) if (w.processing.size > 0) return true;
    return false;
  }

  /** Sends `msg` to every client that wants `key` (`lazy`: see dispatch). */
  toWanting(key: Key, msg: SchedulerToClient, lazy = false): void {
    this.wantedBy.send(key, msg, lazy);
  }

  /** Records that `client` wants `key` (client-wants.ts). */
  want(client: ClientSession, key: Key): void {
    this.wantedBy.want(client, key);
  }

  /** `client` no longer wants `keys`; the machine releases those no client wants any more. */
  unwant(client: ClientSession, keys: Iterable<Key>): void {
    const released = this.wantedBy.unwant(client, keys);
    if (released.length > 0) this.apply({ type: 'release-keys', keys: released });
  }

  /** Whether the scheduler holds `key` for some client, or has it in memory: a `held(key)` node may name it. */
  holds(key: Key): boolean {
    return this.wantedBy.has(key) || this.state.tasks.get(key)?.state === MEMORY;
  }

  /** Data addresses of the workers holding `key` ([] when it is not in memory). */
  whoHas(key: Key): string[] {
    const t = this.state.tasks.get(key);
    if (t === undefined || t.state !== MEMORY) return [];
    const out: string[] = [];
    for (const w of t.whoHas) out.push(w.name);
    return out;
  }

  /** Adds sources not seen before and sends them to every worker. */
  defineOps(sources: readonly (readonly [string, string])[]): void {
    const fresh: [string, string][] = [];
    for (const [op, src] of sources) {
      if (this.sources.get(op) === src) continue;
      this.sources.set(op, src);
      fresh.push([op, src]);
    }
    if (fresh.length > 0) for (const w of this.workers.values()) w.send({ type: 'define-ops', sources: fresh });
  }

  /** A registered worker joined: the machine may hand it work now. */
  workerJoined(w: WorkerSession, nthreads: number): void {
    this.workers.set(w.name, w);
    this.apply({ type: 'worker-added', worker: w.name, nthreads });
    this.clusterEvents.workerAdded(w.info);
    this.scatters.place();
  }

  /** Tells `to` of the workers connected now (as 'worker-added' events): a subscriber that joins late sees the whole cluster. */
  replayWorkers(to: Callbacks[]): void {
    for (const w of this.workers.values()) this.clusterEvents.workerAdded(w.info, to);
  }

  /** A worker left (connection closed, heartbeat missed): removed from the machine at once, or when its nanny says why (nanny-reports.ts). */
  workerLeft(w: WorkerSession, reason: string): void {
    if (this.workers.get(w.name) !== w) return;
    if (this.#closing) {
      this.workers.delete(w.name);
      return; // the whole cluster is going: nothing to reschedule
    }
    this.nannies.workerLeft(w.name, w.nanny, reason, (how) => {
      if (this.workers.get(w.name) !== w) return;
      this.workers.delete(w.name);
      if (this.#closing) return;
      this.log(`tsdask-scheduler: worker ${w.name} left: ${how}`);
      const restart = this.shuffles.restartFor(w.name, how);
      this.apply({ type: 'worker-removed', worker: w.name, reason: how, notStarted: w.sentAfterDrop, ...(restart.length > 0 ? { restart } : {}) });
      this.clusterEvents.workerRemoved(w.info, how);
      this.scatters.workerLeft(w.name);
    });
  }

  /** A client disconnected: it wants nothing any more. */
  clientLeft(c: ClientSession): void {
    this.clients.delete(c);
    this.scatters.clientLeft(c);
    this.unwant(c, [...c.wants]);
  }

  #checkHeartbeats(timeoutMs: number, everyMs: number): void {
    const now = Date.now();
    // A sweep more than one interval late means this process was not running (a long synchronous
    // step, a GC pause, SIGSTOP, a paused VM): the heartbeats of that time wait unread in its
    // sockets, and this sweep runs before they are read. That time is not the workers' silence.
    const stalled = now - this.#lastSweep - everyMs;
    this.#lastSweep = now;
    for (const w of [...this.workers.values()]) {
      if (stalled > everyMs) w.lastSeen = Math.min(now, w.lastSeen + stalled);
      if (now - w.lastSeen > timeoutMs) w.lost(`no message for ${now - w.lastSeen} ms (heartbeat timeout ${timeoutMs} ms)`);
    }
  }
}
