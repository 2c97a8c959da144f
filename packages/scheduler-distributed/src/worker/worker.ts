/**
 * A distributed worker: the shell around WorkerStateMachine. `Worker.start` opens its parts
 * (start.ts: the store, the data port of data-server.ts, the thread executor, registration);
 * the worker turns each scheduler message into a stimulus and carries out the machine's
 * instructions, one method each: execute (task-runner.ts: on the threads, or a P2P shuffle's
 * task in its shuffle part, shuffle/worker-shuffles.ts), gather-dep from a peer
 * (gather-dep.ts), results and missing data to the scheduler, release-data from the store; the
 * scheduler's frames go through scheduler-inbox.ts. It heartbeats its bytes in memory and on disk; with a memory limit it spills values to
 * disk and pauses new work by the fractions of state/memory-thresholds.ts (memory-manager.ts).
 *
 * A worker without its scheduler stops: when that connection closes, `closed` resolves with
 * code 1 (close-worker and close() give code 0); unless it has a reconnect window, where it keeps
 * its results and registers them with the scheduler that comes back (reconnect.ts). It reports
 * each task's run time with task-finished (for adapt), copies results when asked
 * (acquire-replicas, to retire another worker), answers dump-state (state-dump.ts), and serves
 * /metrics with `metricsPort` (metrics.ts).
 */
import type { TlsOptions } from '../comm/tls.js';
import { type OpId } from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import type { Frame } from '../comm/frames.js';
import { connect, type Listener } from '../comm/tcp.js';
import { parseAddress } from '../protocol/address.js';
import type { RegisterWorkerMsg, WireError, WireNode, WorkerToScheduler } from '../protocol/messages.js';
import { WorkerShuffles } from '../shuffle/worker-shuffles.js';
import { startMemoryLog } from './memory-log.js';
import type { DataStore } from './data-store.js';
import type { WorkerExit, WorkerOptions } from './options.js';
import type { ThreadExecutor } from './executor.js';
import { openWorker, type WorkerParts } from './start.js';
import { TaskRunner } from './task-runner.js';
import { MemoryManager } from './memory-manager.js';
import { PeerPool } from '../protocol/peer-pool.js';
import { heldResults, reconnect, workNotInMemory } from './reconnect.js';
import { serveMetrics, type MetricsServer } from '../metrics/http.js';
import { workerMetrics } from './metrics.js';
import { gatherDep, type GatherContext } from './gather-dep.js';
import { SchedulerInbox } from './scheduler-inbox.js';
import { TransferLog } from './transfer-log.js';
import { WorkerStateMachine } from './state/machine.js';
import type { WorkerInstruction, WorkerStimulus } from './state/messages.js';

export type { WorkerExit, WorkerOptions } from './options.js';

/** A running worker; start one with `Worker.start`. */
export class Worker {
  /** Its data address, `host:port`: its id at the scheduler and where peers fetch from. */
  readonly address: string;
  readonly name: string;
  /** The scheduler's address as given. */
  readonly scheduler: string;
  readonly nthreads: number;
  /** Bytes; 0 for none. */
  readonly memoryLimit: number;
  /** Resolves once the worker has stopped and released its ports and threads. */
  readonly closed: Promise<WorkerExit>;
  #conn: Connection;
  /** What a reconnection needs (worker/reconnect.ts); timeoutMs 0: stop when the scheduler goes. */
  readonly #redial: { registration: RegisterWorkerMsg; registerTimeoutMs: number; timeoutMs: number; token: string; tls: TlsOptions | undefined };
  readonly #listener: Listener;
  readonly #store: DataStore;
  readonly #log: (line: string) => void;
  readonly #machine: WorkerStateMachine;
  readonly #executor: ThreadExecutor;
  readonly #peers: PeerPool;
  readonly #shuffles: WorkerShuffles;
  readonly #runner: TaskRunner;
  /** Fetches from peers since the last heartbeat, reported with it. */
  readonly #transfers = new TransferLog();
  readonly #sources = new Map<OpId, string>();
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #memory: MemoryManager;
  readonly #monitor: ReturnType<typeof setInterval> | undefined;
  readonly #memoryLog: ReturnType<typeof setInterval> | undefined;
  #resolveClosed!: (exit: WorkerExit) => void;
  #metrics: MetricsServer | undefined;
  readonly #inbox: SchedulerInbox;
  readonly #gatherContext: GatherContext;
  #closing = false;
  #stimuli = 0;

  /** Opens the data port, registers with the scheduler and starts serving; rejects (having closed what it opened) if any step fails. */
  static async start(options: WorkerOptions): Promise<Worker> {
    const parts = await openWorker(options);
    const worker = new Worker(parts);
    if (options.metricsPort !== undefined) {
      try {
        worker.#metrics = await serveMetrics({ host: options.host ?? '127.0.0.1', port: options.metricsPort, collect: () => worker.metrics(), log: parts.log });
      } catch (err) {
        await worker.close();
        throw err;
      }
    }
    return worker;
  }

  private constructor(p: WorkerParts) {
    this.name = p.name;
    this.address = p.address;
    this.scheduler = p.scheduler;
    this.nthreads = p.nthreads;
    this.memoryLimit = p.memoryLimit;
    this.#conn = p.conn;
    this.#redial = { registration: p.registration, registerTimeoutMs: p.registerTimeoutMs, timeoutMs: p.reconnectTimeoutMs, token: p.token, tls: p.tls };
    this.#listener = p.listener;
    this.#store = p.store;
    this.#log = p.log;
    // The machine hands the executor as many tasks as its threads hold posted at once (nthreads x depth; the depth adapts, see executor.ts).
    this.#machine = new WorkerStateMachine({ nthreads: p.executor.slots });
    this.#executor = p.executor;
    const { token, tls } = p;
    this.#peers = new PeerPool((peer) => {
      const { host, port } = parseAddress(peer);
      return connect({ host, port, token, role: 'peer', ...(tls !== undefined ? { tls } : {}) });
    });
    this.#shuffles = new WorkerShuffles({
      address: p.address,
      localDirectory: p.localDirectory,
      bufferBytes: p.shuffleBufferBytes,
      dial: (peer) => {
        const { host, port } = parseAddress(peer);
        return connect({ host, port, token, role: 'peer', ...(tls !== undefined ? { tls } : {}) });
      },
      runThread: (key, node, held) => this.#runner.runThread(key, node, held),
      log: p.log,
      keeps: (key) => this.#machine.tasks.get(key)?.wanted === true,
    });
    p.shuffleSlot.current = this.#shuffles;
    const sources = this.#sources;
    this.#runner = new TaskRunner({
      name: p.name,
      store: p.store,
      machine: this.#machine,
      executor: p.executor,
      shuffles: this.#shuffles,
      sources,
      closing: () => this.#closing,
      sid: (what) => this.#sid(what),
      handle: (s) => this.#handle(s),
      send: (msg, lazy) => this.#send(msg, lazy),
    });
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#heartbeat = setInterval(() => this.#sendHeartbeat(), Math.max(10, p.heartbeatMs));
    this.#heartbeat.unref();
    this.#memory = new MemoryManager({
      store: p.store,
      limit: p.memoryLimit,
      fractions: p.fractions,
      ...(p.readMemory !== undefined ? { readMemory: p.readMemory } : {}),
    });
    if (this.#memory.active) {
      this.#monitor = setInterval(() => this.#checkMemory(), p.memoryMonitorMs);
      this.#monitor.unref();
    }
    this.#inbox = new SchedulerInbox({
      name: p.name,
      address: p.address,
      nthreads: p.nthreads,
      memoryLimit: p.memoryLimit,
      store: p.store,
      machine: this.#machine,
      shuffles: this.#shuffles,
      sources,
      sid: (what) => this.#sid(what),
      handle: (s) => this.#handle(s),
      send: (msg) => this.#send(msg),
      log: p.log,
      close: (reason) => void this.#shutdown({ code: 0, reason }),
    });
    this.#gatherContext = {
      peers: this.#peers,
      store: p.store,
      machine: this.#machine,
      transfers: this.#transfers,
      closing: () => this.#closing,
      sid: (what) => this.#sid(what),
      handle: (s) => this.#handle(s),
      log: p.log,
    };
    this.#memoryLog = startMemoryLog(p.log, () => ({ store: p.store, shuffleBuffered: this.#shuffles.bufferedBytes, paused: this.#machine.paused }));
    this.#attach(p.conn);
  }

  /** Takes `conn` as the scheduler connection: its frames are handled; its loss stops the worker, or reconnects it (worker/reconnect.ts). */
  #attach(conn: Connection): void {
    this.#conn = conn;
    void conn.closed.then((reason) => {
      if (this.#closing || this.#conn !== conn) return;
      const again = this.#redial.timeoutMs > 0;
      this.#log(
        `the connection to the scheduler at ${this.scheduler} closed${reason ? ` (${reason.message})` : ''}; ` +
          (again ? `keeping ${this.#store.size} result(s) and reconnecting for up to ${this.#redial.timeoutMs} ms` : 'stopping'),
      );
      if (again) void this.#reconnect();
      else void this.#shutdown({ code: 1, reason: 'lost the scheduler' });
    });
    conn.onFrame((f) => this.#onFrame(f));
  }

  /** The scheduler went: drop the work that is not a result, dial it again and register the results; stop if the window passes. */
  async #reconnect(): Promise<void> {
    this.#inbox.reset();
    this.#runner.durations.clear();
    const drop = workNotInMemory(this.#machine);
    if (drop.length > 0) this.#handle({ type: 'free-keys', stimulusId: this.#sid('scheduler-lost'), keys: drop });
    try {
      const { conn } = await reconnect({ ...this.#redial, scheduler: this.scheduler, stopped: () => this.#closing, log: this.#log }, () =>
        heldResults(this.#machine),
      );
      if (this.#closing) return conn.close();
      this.#log(`reconnected to the scheduler at ${this.scheduler}; registered ${heldResults(this.#machine).length} result(s)`);
      this.#attach(conn);
    } catch (err) {
      if (this.#closing) return;
      this.#log(`the scheduler at ${this.scheduler} did not come back within ${this.#redial.timeoutMs} ms (${(err as Error).message}); stopping`);
      void this.#shutdown({ code: 1, reason: 'lost the scheduler' });
    }
  }

  /** Stops the worker: closes its scheduler connection, data port, peer connections and threads. */
  async close(): Promise<void> {
    await this.#shutdown({ code: 0, reason: 'closed' });
  }

  /** Where its Prometheus metrics are served (`http://HOST:PORT/metrics`), when `metricsPort` was given. */
  get metricsUrl(): string | undefined {
    return this.#metrics?.url;
  }

  /** Its Prometheus metric families now (worker/metrics.ts). */
  metrics(): ReturnType<typeof workerMetrics> {
    const s = this.#store;
    return workerMetrics({
      machine: this.#machine,
      nthreads: this.nthreads,
      managedBytes: s.bytes,
      spilledBytes: s.spilledBytes,
      connected: !this.#conn.isClosed,
    });
  }

  /** The state of `key` in the worker's machine (for tests and debugging). */
  stateOf(key: string): string | undefined {
    return this.#machine.stateOf(key);
  }

  async #shutdown(exit: WorkerExit): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      clearInterval(this.#heartbeat);
      clearInterval(this.#monitor);
      clearInterval(this.#memoryLog);
      this.#conn.close();
      this.#peers.close();
      this.#shuffles.close();
      await Promise.all([this.#listener.close(), this.#executor.close(), this.#metrics?.close()]);
      await this.#store.close().catch((err: Error) => this.#log(`removing the spill folder failed: ${err.message}`));
      this.#resolveClosed(exit);
    }
    await this.closed;
  }

  // ---- from the scheduler ----------------------------------------------------

  #onFrame(frame: Frame): void {
    if (this.#closing) return;
    try {
      this.#inbox.onFrame(frame);
    } catch (err) {
      this.#log(`closing the scheduler connection: ${(err as Error).message}`);
      this.#conn.close(err as Error);
    }
  }

  // ---- the machine and its instructions ----------------------------------------

  #sid(what: string): string {
    return `${what}-${this.#stimuli++}`;
  }

  #handle(stimulus: WorkerStimulus): void {
    if (this.#closing) return;
    let instructions: WorkerInstruction[];
    try {
      instructions = this.#machine.handle(stimulus);
    } catch (err) {
      // A bug in the machine (WorkerTransitionError): stop loudly rather than serve a broken state.
      this.#log(`stopping on an internal error: ${(err as Error).stack ?? String(err)}`);
      void this.#shutdown({ code: 1, reason: `internal error: ${(err as Error).message}` });
      return;
    }
    for (const ins of instructions) this.#carryOut(ins);
    this.#memory.afterStore();
  }

  /** A reading of the process's memory: spills, and pauses or resumes, as the memory manager says. */
  #checkMemory(): void {
    if (this.#closing) return;
    const change = this.#memory.check(this.#machine.paused);
    if (change === undefined) return;
    const s = this.#store;
    this.#log(
      `${change === 'pause' ? 'pausing' : 'resuming'}: process memory ${this.#memory.measured} bytes, limit ${this.memoryLimit}; ${s.bytes} bytes of values in memory, ${s.spilledBytes} on disk`,
    );
    this.#handle({ type: change, stimulusId: this.#sid(change) });
  }

  #carryOut(ins: WorkerInstruction): void {
    switch (ins.type) {
      case 'execute':
        return this.#runner.execute(ins.key, ins.op as WireNode);
      case 'gather-dep':
        return gatherDep(this.#gatherContext, ins.transferId, ins.peer, ins.keys);
      case 'task-finished': {
        // A copy the scheduler asked for (acquire-replicas) is reported as one: the scheduler did not ask this worker to compute it.
        if (this.#inbox.replicating.delete(ins.key)) return this.#send({ type: 'replicas-added', keys: [[ins.key, ins.nbytes]] });
        const duration = this.#runner.durations.get(ins.key);
        this.#runner.durations.delete(ins.key);
        const run = this.#shuffles.takeRun(ins.key); // a P2P task's
        // While other tasks run or wait here, the scheduler needs this one no sooner than the next result: it may wait for company.
        return this.#send(
          { type: 'task-finished', key: ins.key, nbytes: ins.nbytes, ...(duration !== undefined ? { duration } : {}), ...(run !== undefined ? { run } : {}) },
          this.#machine.executing > 0 || this.#machine.ready.size > 0,
        );
      }
      case 'task-erred': {
        const run = this.#shuffles.takeRun(ins.key); // a P2P task's
        return this.#send({ type: 'task-erred', key: ins.key, error: ins.error as WireError, ...(run !== undefined ? { run } : {}) });
      }
      case 'missing-data':
        return this.#send({ type: 'missing-data', key: ins.key, tried: ins.tried });
      case 'release-data':
        this.#runner.durations.delete(ins.key);
        this.#store.delete(ins.key);
        return;
      case 'steal-response':
        return this.#send({ type: 'steal-response', key: ins.key, released: ins.released });
    }
  }

  #send(msg: WorkerToScheduler, lazy = false): void {
    if (!this.#conn.isClosed) this.#conn.send(msg, lazy);
  }

  #sendHeartbeat(): void {
    const s = this.#store;
    this.#send({ type: 'heartbeat', memory: s.bytes, spilled: s.spilledBytes, executing: this.#machine.executing, ready: this.#machine.ready.size });
    const rows = this.#transfers.drain();
    if (rows !== undefined) this.#send({ type: 'transfers', rows });
  }
}
