/**
 * A distributed worker: the shell around WorkerStateMachine. It holds values (DataStore),
 * serves them on its data port (data-server.ts), registers with the scheduler (register.ts),
 * turns each scheduler message into a stimulus and carries out the machine's instructions, one
 * method each: execute on the thread executor, gather-dep from a peer (protocol/peer-pool.ts), results and
 * missing data to the scheduler, release-data from the store. The tasks of a P2P shuffle run in
 * its shuffle part (shuffle/worker-shuffles.ts), which takes peers' buckets from the data port.
 * It heartbeats its bytes in memory
 * and on disk; with a memory limit it spills values to disk and pauses new work by the fractions
 * of state/memory-thresholds.ts (memory-manager.ts), and reads spilled inputs back before a task runs.
 *
 * A worker without its scheduler stops: when that connection closes, `closed` resolves with
 * code 1 (close-worker and close() give code 0); unless it has a reconnect window, where it keeps
 * its results and registers them with the scheduler that comes back (reconnect.ts). It reports
 * each task's run time with task-finished (for adapt), copies results when asked
 * (acquire-replicas, to retire another worker), answers dump-state (state-dump.ts), and serves
 * /metrics with `metricsPort` (metrics.ts).
 */
import type { TlsOptions } from '../comm/tls.js';
import { networkInterfaces } from 'node:os';
import { ConfigError, forEachRef, serializeError, type Key, type Node, type OpId, type Task } from '@tsdask/core-graph';
import type { BatchPayload, BatchResult } from '@tsdask/runtime';
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { connect, type Listener } from '../comm/tcp.js';
import { formatAddress, parseAddress } from '../protocol/address.js';
import { checkToWorker } from '../protocol/check.js';
import type { SchedulerToWorker, WireError, WireNode, WorkerToScheduler } from '../protocol/messages.js';
import { decodeNode, decodeWireValue, encodeNode } from '../protocol/values.js';
import { p2pKindOfWire } from '../shuffle/run-spec.js';
import { WorkerShuffles, type Held } from '../shuffle/worker-shuffles.js';
import { DataStore, type StoredValue } from './data-store.js';
import type { WorkerExit, WorkerOptions } from './options.js';
import { taskPayload } from './payload.js';
import { serveData } from './data-server.js';
import { ThreadExecutor } from './executor.js';
import { parseMemoryLimit } from '@tsdask/runtime/spill';
import { MemoryManager } from './memory-manager.js';
import { PeerPool } from '../protocol/peer-pool.js';
import { DEFAULT_REGISTER_TIMEOUT_MS, register } from './register.js';
import { heldResults, reconnect, workNotInMemory } from './reconnect.js';
import { serveMetrics, type MetricsServer } from '../metrics/http.js';
import { workerMetrics } from './metrics.js';
import { workerSnapshot } from './state-dump.js';
import type { RegisterWorkerMsg } from '../protocol/messages.js';
import { TransferLog } from './transfer-log.js';
import { WorkerStateMachine } from './state/machine.js';
import { memoryFractions, type MemoryFractions } from './state/memory-thresholds.js';
import type { WorkerInstruction, WorkerStimulus } from './state/messages.js';

interface Parts {
  name: string;
  address: string;
  scheduler: string;
  nthreads: number;
  memoryLimit: number;
  fractions: MemoryFractions;
  memoryMonitorMs: number;
  readMemory: (() => number) | undefined;
  heartbeatMs: number;
  conn: Connection;
  listener: Listener;
  store: DataStore;
  log: (line: string) => void;
  token: string;
  tls: TlsOptions | undefined;
  executor: ThreadExecutor;
  registration: RegisterWorkerMsg;
  registerTimeoutMs: number;
  reconnectTimeoutMs: number;
  localDirectory: string | undefined;
  shuffleBufferBytes: number;
  /** Where the data port hands P2P shuffle buckets: set to the worker's shuffle part once it exists. */
  shuffleSlot: { current: WorkerShuffles | undefined };
}

/** The address peers can reach for a bound host: a wildcard host is replaced by this machine's first external IPv4 address. */
function reachableHost(bound: string): string {
  if (bound !== '0.0.0.0' && bound !== '::') return bound;
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

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
  /** Fetches from peers since the last heartbeat, reported with it. */
  readonly #transfers = new TransferLog();
  readonly #sources = new Map<OpId, string>();
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #memory: MemoryManager;
  readonly #monitor: ReturnType<typeof setInterval> | undefined;
  #resolveClosed!: (exit: WorkerExit) => void;
  #metrics: MetricsServer | undefined;
  /** Seconds each finished task ran, until its task-finished carries it. */
  readonly #durations = new Map<string, number>();
  /** Keys the scheduler asked this worker to copy (acquire-replicas): reported by replicas-added once here. */
  readonly #replicating = new Set<string>();
  #closing = false;
  #receiving: { key: string; nbytes: number } | undefined;
  #stimuli = 0;

  /** Opens the data port, registers with the scheduler and starts serving; rejects (having closed what it opened) if any step fails. */
  static async start(options: WorkerOptions): Promise<Worker> {
    const nthreads = options.nthreads ?? 1;
    if (!Number.isInteger(nthreads) || nthreads < 1)
      throw new ConfigError(`nthreads must be a whole number of at least 1, got ${nthreads}.`, { option: 'nthreads' });
    const memoryLimit = parseMemoryLimit(options.memoryLimit ?? 0);
    const fractions = memoryFractions({ target: options.memoryTarget, spill: options.memorySpill, pause: options.memoryPause });
    const memoryMonitorMs = options.memoryMonitorMs ?? 100;
    if (!(memoryMonitorMs > 0))
      throw new ConfigError(`memoryMonitorMs must be a positive number of milliseconds, got ${memoryMonitorMs}.`, { option: 'memoryMonitorMs' });
    let name = options.name ?? '';
    const log = options.log ?? ((line: string) => void process.stderr.write(`tsdask-worker ${name}: ${line}\n`));
    const store = new DataStore({
      spill: { parent: options.localDirectory },
      // Told once per kind; the values stay in memory and the worker goes on.
      onSpillError: (err) => log(`spilling to disk failed (${err.code}): ${err.message}`),
    });
    const tls = options.tls;
    const shuffleSlot: Parts['shuffleSlot'] = { current: undefined };
    const listener = await serveData({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      token: options.token,
      tls,
      store,
      log,
      onShards: (msg, bodies) => shuffleSlot.current?.receive(msg, bodies) ?? Promise.reject(new Error('the worker is not ready for shuffle buckets yet')),
    });
    const address = formatAddress({ host: reachableHost(listener.address.host), port: listener.address.port });
    if (name === '') name = address;
    const executor = new ThreadExecutor(nthreads, undefined, undefined, options.onTaskExit); // its threads boot while the worker registers
    const reconnectTimeoutMs = options.reconnectTimeoutMs ?? 0;
    if (!(reconnectTimeoutMs >= 0))
      throw new ConfigError(`reconnectTimeoutMs must be 0 or a positive number of milliseconds, got ${reconnectTimeoutMs}.`, { option: 'reconnectTimeoutMs' });
    const registration: RegisterWorkerMsg = {
      type: 'register-worker',
      name,
      address,
      nthreads,
      memoryLimit,
      pid: process.pid,
      ...(options.nanny !== undefined ? { nanny: options.nanny } : {}),
    };
    const registerTimeoutMs = options.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS;
    let worker: Worker;
    try {
      const { conn, welcome } = await register({ scheduler: options.scheduler, token: options.token, tls, registration, timeoutMs: registerTimeoutMs });
      worker = new Worker({
        name,
        address,
        scheduler: options.scheduler,
        token: options.token,
        tls,
        nthreads,
        memoryLimit,
        fractions,
        memoryMonitorMs,
        readMemory: options.readMemory,
        heartbeatMs: welcome.heartbeatMs,
        conn,
        listener,
        store,
        log,
        executor,
        registration,
        registerTimeoutMs,
        reconnectTimeoutMs,
        localDirectory: options.localDirectory,
        shuffleBufferBytes: options.shuffleBufferBytes ?? (memoryLimit > 0 ? Math.min(64 * 2 ** 20, Math.floor(memoryLimit / 4)) : 64 * 2 ** 20),
        shuffleSlot,
      });
    } catch (err) {
      await Promise.all([listener.close(), executor.close(), store.close()]);
      throw err;
    }
    if (options.metricsPort !== undefined) {
      const w = worker;
      try {
        w.#metrics = await serveMetrics({ host: options.host ?? '127.0.0.1', port: options.metricsPort, collect: () => w.metrics(), log });
      } catch (err) {
        await w.close();
        throw err;
      }
    }
    return worker;
  }

  private constructor(p: Parts) {
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
      runThread: (key, node, held) => this.#runThread(key, node, held),
      log: p.log,
      keeps: (key) => this.#machine.tasks.get(key)?.wanted === true,
    });
    p.shuffleSlot.current = this.#shuffles;
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
    this.#receiving = undefined;
    this.#replicating.clear();
    this.#durations.clear();
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
      const receiving = this.#receiving;
      if (receiving !== undefined) {
        this.#receiving = undefined;
        if (frame.kind !== 'body')
          throw new MessageShapeError('message', `The scheduler sent a control message where the value of receive-data '${receiving.key}' was due.`);
        this.#store.put(receiving.key, decodeWireValue(frame.bytes), receiving.nbytes);
        this.#handle({ type: 'receive-data', stimulusId: this.#sid('receive-data'), key: receiving.key, nbytes: receiving.nbytes });
        return;
      }
      if (frame.kind === 'body') throw new MessageShapeError('message', 'The scheduler sent a body frame that no receive-data announced.');
      this.#onMessage(checkToWorker(frame.message));
    } catch (err) {
      this.#log(`closing the scheduler connection: ${(err as Error).message}`);
      this.#conn.close(err as Error);
    }
  }

  #onMessage(msg: SchedulerToWorker): void {
    switch (msg.type) {
      case 'compute-task':
        if (p2pKindOfWire(msg.node) !== undefined) this.#shuffles.observe(decodeNode(msg.node) as Node); // a shuffle's run may have changed
        return this.#handle({ type: 'compute-task', stimulusId: this.#sid(msg.type), key: msg.key, op: msg.node, priority: msg.priority, inputs: msg.inputs });
      case 'free-keys':
        return this.#handle({ type: 'free-keys', stimulusId: this.#sid(msg.type), keys: msg.keys });
      case 'steal-request':
        return this.#handle({ type: 'steal-request', stimulusId: this.#sid(msg.type), key: msg.key });
      case 'define-ops':
        for (const [op, source] of msg.sources) this.#sources.set(op, source);
        return;
      case 'receive-data':
        this.#receiving = { key: msg.key, nbytes: msg.nbytes };
        return;
      case 'close-worker':
        this.#log(`the scheduler asked this worker to close (${msg.reason})`);
        void this.#shutdown({ code: 0, reason: msg.reason });
        return;
      case 'worker-welcome':
        return; // only the first one means something (register.ts)
      case 'acquire-replicas':
        for (const i of msg.inputs) this.#replicating.add(i.key);
        return this.#handle({ type: 'acquire-replicas', stimulusId: this.#sid(msg.type), keys: msg.inputs });
      case 'dump-state': {
        const s = this.#store;
        const state = workerSnapshot({
          name: this.name,
          address: this.address,
          nthreads: this.nthreads,
          memoryLimit: this.memoryLimit,
          machine: this.#machine,
          managedBytes: s.bytes,
          spilledBytes: s.spilledBytes,
        });
        return this.#send({ type: 'state-dump', id: msg.id, state });
      }
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
        return this.#execute(ins.key, ins.op as WireNode);
      case 'gather-dep':
        return this.#gatherDep(ins.transferId, ins.peer, ins.keys);
      case 'task-finished': {
        // A copy the scheduler asked for (acquire-replicas) is reported as one: the scheduler did not ask this worker to compute it.
        if (this.#replicating.delete(ins.key)) return this.#send({ type: 'replicas-added', keys: [[ins.key, ins.nbytes]] });
        const duration = this.#durations.get(ins.key);
        this.#durations.delete(ins.key);
        // While other tasks run or wait here, the scheduler needs this one no sooner than the next result: it may wait for company.
        return this.#send(
          { type: 'task-finished', key: ins.key, nbytes: ins.nbytes, ...(duration !== undefined ? { duration } : {}) },
          this.#machine.executing > 0 || this.#machine.ready.size > 0,
        );
      }
      case 'task-erred':
        return this.#send({ type: 'task-erred', key: ins.key, error: ins.error as WireError });
      case 'missing-data':
        return this.#send({ type: 'missing-data', key: ins.key, tried: ins.tried });
      case 'release-data':
        this.#durations.delete(ins.key);
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

  #execute(key: string, wire: WireNode, loaded?: Map<string, StoredValue>): void {
    if (this.#store.spilledBytes > 0) {
      const deps = [...(this.#machine.tasks.get(key)?.dependencies ?? [])].map((d) => d.key).filter((k) => loaded?.has(k) !== true);
      if (this.#store.anyOnDisk(deps)) {
        // Inputs on disk are read back first (again for one spilled meanwhile); one that cannot be (SpillError TSDASK_SPILL_LOST) fails the task.
        void this.#store.readBack(deps).then(({ values, errors }) => {
          if (this.#closing) return;
          const lost = errors.values().next();
          if (lost.done) return this.#execute(key, wire, loaded === undefined ? values : new Map([...loaded, ...values]));
          this.#handle({ type: 'execute-failure', stimulusId: this.#sid('execute-failure'), key, error: serializeError(lost.value) });
        });
        return;
      }
    }
    if (p2pKindOfWire(wire) !== undefined) {
      const held: Held = (k) => this.#store.get(k) ?? loaded?.get(k);
      void this.#shuffles.execute(key, decodeNode(wire) as Task, held).then((r) => this.#executed(key, r));
      return;
    }
    let payload: BatchPayload;
    try {
      const deps = this.#machine.tasks.get(key)?.dependencies ?? [];
      payload = taskPayload(
        key,
        wire,
        [...deps].map((d) => d.key),
        (k) => this.#store.get(k) ?? loaded?.get(k),
        this.#sources,
        this.name,
      );
    } catch (err) {
      const error = serializeError(err);
      queueMicrotask(() => this.#handle({ type: 'execute-failure', stimulusId: this.#sid('execute-failure'), key, error }));
      return;
    }
    const began = performance.now();
    void this.#executor.run(key, payload).then((r) => this.#executed(key, r, began));
  }

  /** A task's run ended (on a thread, or in the shuffle part): the result goes to the store and the machine; a thread's run time (from `began`) is reported with it. */
  #executed(key: string, r: BatchResult, began?: number): void {
    if (this.#closing) return;
    if (r.ok && began !== undefined) this.#durations.set(key, (performance.now() - began) / 1000);
    const slots = this.#executor.slots;
    if (slots !== this.#machine.nthreads) {
      this.#handle({ type: 'set-slots', stimulusId: this.#sid('set-slots'), slots });
      this.#send({ type: 'slots', slots }, true);
    }
    if (!r.ok) return this.#handle({ type: 'execute-failure', stimulusId: this.#sid('execute-failure'), key, error: r.error });
    if (this.#machine.stateOf(key) === 'executing') this.#store.put(key, r.value, r.nbytes);
    this.#handle({ type: 'execute-success', stimulusId: this.#sid('execute-success'), key, nbytes: r.nbytes });
  }

  /** Runs `node` (a P2P shuffle's split or combine) on the threads, its refs' values from `held`. */
  #runThread(key: Key, node: Node, held: Held): Promise<BatchResult> {
    const keys = new Set<Key>();
    forEachRef(node, (k) => keys.add(k));
    const payload = taskPayload(key, encodeNode(node), [...keys], held as (k: string) => StoredValue | undefined, this.#sources, this.name);
    return this.#executor.run(key, payload);
  }

  #gatherDep(transferId: number, peer: string, keys: string[]): void {
    const began = performance.now();
    this.#peers.getData(peer, keys).then(
      (fetched) => {
        if (this.#closing) return;
        const received: { key: string; nbytes: number }[] = [];
        let bytes = 0;
        for (const [key, value] of fetched.values) {
          if (!keys.includes(key) || this.#machine.stateOf(key) !== 'flight') continue;
          const nbytes = fetched.nbytes.get(key) ?? 0;
          this.#store.put(key, value, nbytes);
          received.push({ key, nbytes });
          bytes += nbytes;
        }
        if (received.length > 0) this.#transfers.record(peer, received.length, bytes, performance.now() - began);
        this.#handle({ type: 'gather-dep-success', stimulusId: this.#sid('gather-dep-success'), transferId, received });
      },
      (err: Error) => {
        if (this.#closing) return;
        this.#log(`fetching ${keys.length} key(s) from ${peer} failed: ${err.message}`);
        this.#handle({ type: 'gather-dep-failure', stimulusId: this.#sid('gather-dep-failure'), transferId, error: err });
      },
    );
  }
}
