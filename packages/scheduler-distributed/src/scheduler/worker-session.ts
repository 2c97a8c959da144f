/**
 * One worker's connection at the scheduler. Its first message must be register-worker (the
 * worker's data address becomes its id); the scheduler answers worker-welcome, sends define-ops
 * with every source known so far, and adds the worker to the machine. After that: task results,
 * missing-data and heartbeats become stimuli; every message is shape-checked and a bad one
 * closes this connection only. A closed connection or a missed heartbeat removes the worker, at
 * once or, for a worker with a nanny, once the nanny says why it died (core.ts workerLeft).
 */
import { deserializeError, type Key, type SerializedError } from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { checkFromWorker } from '../protocol/check.js';
import type { SchedulerToWorker, WireError, WorkerToScheduler } from '../protocol/messages.js';
import type { ClusterWorker } from './cluster-events.js';
import type { SchedulerCore } from './core.js';

/** A serialized error from a worker, rebuilt; a malformed one becomes a plain Error saying so. */
function errorFrom(wire: WireError, key: string, worker: string): Error {
  try {
    return deserializeError(wire as unknown as SerializedError);
  } catch (err) {
    return new Error(`Task '${key}' failed on worker ${worker} with an error that could not be read back (${String(err)}).`);
  }
}

export class WorkerSession {
  readonly conn: Connection;
  /** The worker's data address (`host:port`), its id; '' until registered. */
  name = '';
  /** Who it registered as (address, name, threads, memory limit), for cluster events. */
  info: ClusterWorker = { address: '', name: '', nthreads: 0, memoryLimit: 0 };
  /** Date.now() of the last message. */
  lastSeen = Date.now();
  /** The id of the nanny that runs it (from register-worker), if any. */
  nanny: string | undefined;
  /** Tasks sent to it after its connection closed (while its removal waits for its nanny): it never saw them. */
  readonly sentAfterDrop: string[] = [];
  #server: SchedulerCore;
  #leaveReason: string | undefined;

  constructor(server: SchedulerCore, conn: Connection) {
    this.#server = server;
    this.conn = conn;
    conn.onFrame((f) => this.#first(f));
    void conn.closed.then((err) => this.#left(this.#leaveReason ?? (err ? `connection closed (${err.message})` : 'connection closed')));
  }

  /** Sends a control message (`lazy`: it may wait for company, see comm/connection.ts) unless the connection is closed (its removal is then on its way). */
  send(msg: SchedulerToWorker, lazy = false): void {
    if (!this.conn.isClosed) this.conn.send(msg, lazy);
    else if (msg.type === 'compute-task') this.sentAfterDrop.push(msg.key);
  }

  /** Sends a body frame unless the connection is closed. */
  sendBody(bytes: Uint8Array): void {
    if (!this.conn.isClosed) this.conn.sendBody(bytes);
  }

  /** Asks the worker to exit. */
  closeWorker(reason: string): void {
    this.send({ type: 'close-worker', reason });
  }

  /** Gives up on the worker (heartbeat missed): removed at once, connection closed. */
  lost(reason: string): void {
    this.#leaveReason = reason;
    this.#left(reason);
    this.conn.close();
  }

  #left(reason: string): void {
    if (this.name !== '') this.#server.workerLeft(this, reason);
  }

  #bad(err: Error): void {
    this.#leaveReason = `closed for a protocol error: ${err.message}`;
    this.#server.reject(this.conn, err);
  }

  #first(f: Frame): void {
    let m: WorkerToScheduler;
    try {
      if (f.kind !== 'control') throw new MessageShapeError('message', 'A worker must send register-worker first, not a body frame.');
      m = checkFromWorker(f.message);
      if (m.type !== 'register-worker') throw new MessageShapeError('message.type', `A worker must send register-worker first, not '${m.type}'.`);
      if (this.#server.workers.has(m.address))
        throw new MessageShapeError('message.address', `A worker with data address ${m.address} is already registered; each worker needs its own address.`);
    } catch (err) {
      return this.#bad(err as Error);
    }
    this.name = m.address;
    this.nanny = m.nanny;
    this.#server.nannies.workerJoined(m.address);
    this.info = { address: m.address, name: m.name, nthreads: m.nthreads, memoryLimit: m.memoryLimit };
    this.lastSeen = Date.now();
    this.send({ type: 'worker-welcome', heartbeatMs: this.#server.heartbeatMs });
    if (this.#server.sources.size > 0) this.send({ type: 'define-ops', sources: [...this.#server.sources] });
    this.#server.log(
      `tsdask-scheduler: worker ${m.address} joined (name ${m.name}, pid ${m.pid}, ${m.nthreads} threads${m.nanny !== undefined ? `, nanny ${m.nanny}` : ''})`,
    );
    this.conn.onFrame((frame) => this.#frame(frame));
    this.#server.workerJoined(this, m.nthreads);
    if (m.held !== undefined && m.held.length > 0) this.#server.recovered.workerHolds(this.name, m.held);
  }

  #frame(f: Frame): void {
    if (this.#server.workers.get(this.name) !== this) return; // already removed; the connection is closing
    const now = Date.now();
    this.#server.loop.workerHeard(now - this.lastSeen);
    this.lastSeen = now;
    let m: WorkerToScheduler;
    try {
      if (f.kind !== 'control') throw new MessageShapeError('message', 'A worker sends the scheduler control messages only, not body frames.');
      m = checkFromWorker(f.message);
    } catch (err) {
      return this.#bad(err as Error);
    }
    try {
      this.#handle(m);
    } catch (err) {
      this.#server.log(`tsdask-scheduler: internal error on a '${m.type}' message from worker ${this.name}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /** Whether a P2P task's report (finished or failed) is from a run a restart ended: dropped, its shuffle restarted if that needs it (shuffle/scheduler-runs.ts). */
  #staleP2P(key: Key, run: number | undefined, finished: boolean): boolean {
    const restart = this.#server.shuffles.staleReport(key, run, this.name, finished);
    if (restart === undefined) return false;
    if (restart.length > 0) this.#server.apply({ type: 'restart-tasks', keys: restart });
    return true;
  }

  #handle(m: WorkerToScheduler): void {
    const s = this.#server;
    switch (m.type) {
      case 'task-finished':
        if (this.#staleP2P(m.key, m.run, true)) break;
        if (m.duration !== undefined) s.durations.record(m.key, m.duration);
        if (!s.scatters.finished(this.name, m.key, m.nbytes)) s.apply({ type: 'task-finished', key: m.key, worker: this.name, nbytes: m.nbytes });
        break;
      case 'task-erred':
        if (this.#staleP2P(m.key, m.run, false)) break;
        s.apply({ type: 'task-erred', key: m.key, worker: this.name, error: errorFrom(m.error, m.key, this.name) });
        break;
      case 'missing-data': {
        // A P2P output needed again when this drops its last holder restarts its shuffle first (shuffle/scheduler-runs.ts).
        const restart = s.shuffles.restartForMissing(m.key, this.name, m.tried);
        if (restart.length > 0) s.apply({ type: 'restart-tasks', keys: restart });
        s.apply({ type: 'missing-data', key: m.key, worker: this.name, tried: m.tried });
        break;
      }
      case 'steal-response':
        s.apply({ type: 'steal-response', key: m.key, worker: this.name, released: m.released });
        break;
      case 'heartbeat':
        s.clusterEvents.heartbeat(this.name, m, s.state.workers.get(this.name)?.processing.size ?? 0);
        break;
      case 'transfers':
        s.clusterEvents.transfers(this.name, m);
        break;
      case 'replicas-added':
        for (const [key, nbytes] of m.keys ?? []) {
          s.apply({ type: 'replica-added', key, worker: this.name, nbytes });
          s.retiring.replicaAdded(this.name, key);
        }
        break;
      case 'state-dump':
        s.dumps.answered(this.name, m.id, m.state);
        break;
      case 'slots':
        s.apply({ type: 'worker-slots', worker: this.name, slots: m.slots });
        break;
      case 'register-worker':
        this.#bad(new MessageShapeError('message.type', `Worker ${this.name} sent register-worker twice.`));
        break;
    }
  }
}
