/**
 * RemoteScheduler: core-graph's Scheduler contract over the wire, the client's side of a
 * cluster. It keeps, per key the caller holds, an entry with a reference count and a state
 * (pending -> memory | erred) settled by the scheduler's messages; the values stay on the
 * workers and `gather` fetches them from there (data-fetch.ts).
 *
 * - run: outputs already held or pending here are not sent again (one more reference each);
 *   the rest go in one `update-graph` (encode-graph.ts; a big graph in parts first). task-done / task-erred / graph-refused
 *   settle them. A graph naming a `held(key)` this client does not hold fails with NotHeldError.
 * - release: the last reference to a key sends `release-keys` (a pending one is dropped and
 *   its waiters hear CancelledError, as the local schedulers do).
 * - cancel (and an aborted `opts.signal`): the runs computing the keys, and the runs whose
 *   graphs name them as held, reject with CancelledError and are released at the scheduler.
 * - scatter: one `scatter` message and one body frame per value; `scattered` settles it.
 * - The connection fails or closes (or the client is closed): every pending output, who-has
 *   and gather rejects at once with SchedulerLostError (ClientClosedError), and every later call too;
 *   unless `reconnect` is given: then it dials the scheduler again for `timeoutMs`, reclaims the
 *   results it holds and sends pending graphs again (reconnect.ts), and fails only if that window passes.
 *   The connection itself (queueing until it opens, checking what arrives, redialing) is scheduler-link.ts.
 */
import {
  cancelledError,
  CancelledError,
  deserializeError,
  NotHeldError,
  type ComputeOptions,
  type Key,
  type RunHandle,
  type Scheduler,
  type SerializedError,
  type TaskGraph,
} from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import type { AdaptiveTargetReplyMsg, ClientToScheduler, ClusterStateMsg, SchedulerToClient, WorkersRetiredMsg } from '../protocol/messages.js';
import { encodeWireValue } from '../protocol/values.js';
import { fetchValues } from './data-fetch.js';
import type { PeerPool } from '../protocol/peer-pool.js';
import { GRAPH_PART_TASKS, graphParts } from './encode-graph.js';
import { GRAPH_LAYERS, graphMessages } from './encode-layers.js';
import { failedHandle, newEntry, settleEntry, type Entry, type RunRecord } from './entries.js';
import { SchedulerLostError } from './errors.js';
import { graphsToResend, heldKeys, pendingScatters } from './reconnect.js';
import { PendingRequests } from './requests.js';
import { cancelRuns, freshOutputs, newRun } from './runs.js';
import { SchedulerLink, type LinkOwner } from './scheduler-link.js';
import type { SchedulerStats } from '../scheduler/stats.js';

const noop = (): void => {};

/** Options of RemoteScheduler. */
export interface RemoteSchedulerOptions {
  /** Rounds of who-has + fetch a gather makes for a key missing at its holder (default 12: about 6 s of pauses). */
  gatherAttempts?: number;
  /** Dial the scheduler again when its connection drops (a restart), for `timeoutMs`; default: fail at once with SchedulerLostError. */
  reconnect?: { dial: () => Promise<Connection>; timeoutMs: number };
}

/** The Scheduler contract over a connection to a tsdask scheduler (see the header). */
export class RemoteScheduler implements Scheduler {
  readonly name: string;
  /** The cluster's workers run P2P shuffles (src/shuffle/). */
  readonly p2pShuffle = true;
  readonly cancellable = true;
  readonly #pool: PeerPool;
  readonly #attempts: number;
  readonly #link: SchedulerLink;
  #lost: Error | undefined;
  readonly #whenLost: Promise<never>;
  #loseNow!: (err: Error) => void;
  readonly #entries = new Map<Key, Entry>();
  readonly #runs = new Map<number, RunRecord>();
  readonly #reconnect: RemoteSchedulerOptions['reconnect'];
  /** Requests waiting for their answer by id (dump-state, adaptive-target, retire-workers). */
  readonly #requests = new PendingRequests();
  /** The runs and who-has questions the old scheduler had, while reconnecting (sent again after the reclaim). */
  #resend: { runs: RunRecord[]; whoHas: number[] } | undefined;
  readonly #scatters = new Map<number, Key>();
  #nextId = 1;
  #clientId: string | undefined;
  /** Keys released and not yet told to the scheduler: sent as one release-keys at the end of the turn, or before any other message (order kept). */
  #releasing: Key[] = [];

  /** `name` is the scheduler's address (`tcp://host:port`); `connecting` resolves with the open connection. */
  constructor(name: string, connecting: Promise<Connection>, pool: PeerPool, opts: RemoteSchedulerOptions = {}) {
    this.name = name;
    this.#pool = pool;
    this.#attempts = opts.gatherAttempts ?? 12;
    this.#reconnect = opts.reconnect;
    this.#whenLost = new Promise<never>((_, reject) => (this.#loseNow = reject));
    this.#whenLost.catch(noop);
    const owner: LinkOwner = {
      message: (msg) => this.#onMessage(msg),
      lost: (err) => this.lose(err),
      dropped: () => this.#dropped(),
      nextId: () => this.#nextId++,
      held: () => heldKeys(this.#entries),
      resumed: (missing) => this.#resumed(missing),
    };
    this.#link = new SchedulerLink(name, connecting, owner, opts.reconnect);
  }

  /** The id the scheduler gave this client (`client-welcome`), once it arrived. */
  get clientId(): string | undefined {
    return this.#clientId;
  }

  /** The connection dropped and is being dialed again: what the old scheduler had is sent again after the reclaim. */
  #dropped(): void {
    this.#resend = { runs: [...this.#runs.values()], whoHas: this.#requests.repeatable() };
    for (const e of pendingScatters(this.#entries)) this.#settle(e, 'erred', this.#lostBy('the scheduler went away before a scatter was kept'));
    this.#scatters.clear();
  }

  #lostBy(why: string): SchedulerLostError {
    return new SchedulerLostError(this.name, new Error(why));
  }

  /** The reclaim was answered: results nobody brought are lost; pending graphs (in parts, as at first) and who-has questions go again. */
  #resumed(missing: readonly Key[]): ClientToScheduler[] {
    for (const k of missing) {
      const e = this.#entries.get(k);
      if (e !== undefined) this.#settle(e, 'erred', this.#lostBy(`the scheduler restarted and no worker kept '${k}'`));
    }
    const resend = this.#resend;
    this.#resend = undefined;
    const out: ClientToScheduler[] = [];
    if (resend !== undefined) {
      for (const m of graphsToResend(resend.runs, this.#entries)) out.push(...graphParts(m.head, GRAPH_PART_TASKS, m.graph));
      out.push(...this.#requests.again(resend.whoHas));
    }
    return out;
  }

  /** Sends (or queues until connected), after the releases waiting for the end of the turn (order kept). */
  #send(msg: ClientToScheduler, body?: Uint8Array): void {
    if (this.#lost !== undefined) return;
    if (this.#releasing.length > 0 && msg.type !== 'release-keys') this.#sendReleases();
    this.#link.send(msg, body);
  }

  /** Fails everything pending with `err` (SchedulerLostError, ClientClosedError); later calls reject with it too. */
  lose(err: Error): void {
    if (this.#lost !== undefined) return;
    this.#lost = err;
    this.#loseNow(err);
    for (const e of this.#entries.values()) if (e.state === 'pending') this.#settle(e, 'erred', err);
    this.#requests.rejectAll(err);
    for (const r of this.#runs.values()) r.detach();
    this.#runs.clear();
    this.#link.close();
    this.#pool.close();
  }

  /** Fails everything pending with `err` (as lose) and resolves once the scheduler connection is closed (at once when it never opened). */
  async shutdown(err: Error): Promise<void> {
    this.lose(err);
    await this.#link.whenClosed();
  }

  #settle(e: Entry, state: 'memory' | 'erred', error?: unknown): void {
    const run = settleEntry(e, state, error);
    if (run !== undefined && --run.open <= 0) {
      run.detach();
      this.#runs.delete(run.id);
    }
  }

  /** A checked message from the scheduler (scheduler-link.ts). */
  #onMessage(msg: SchedulerToClient): void {
    if (this.#lost !== undefined) return;
    switch (msg.type) {
      case 'client-welcome':
        this.#clientId = msg.clientId;
        break;
      case 'graph-accepted':
        break;
      case 'graph-refused': {
        const run = this.#runs.get(msg.id);
        const err = deserializeError(msg.error as unknown as SerializedError);
        if (run !== undefined) for (const k of run.keys) this.#settleIfRun(k, run, err);
        break;
      }
      case 'task-done': {
        const e = this.#entries.get(msg.key);
        if (e !== undefined && e.state === 'pending') {
          e.nbytes = msg.nbytes;
          this.#settle(e, 'memory');
        }
        break;
      }
      case 'task-erred': {
        const e = this.#entries.get(msg.key);
        if (e !== undefined) this.#settle(e, 'erred', deserializeError(msg.error as unknown as SerializedError));
        break;
      }
      case 'scheduler-stats-reply':
        this.#requests.answer(msg.id, msg.stats);
        break;
      case 'who-has-reply':
        this.#requests.answer(msg.id, msg.whoHas);
        break;
      case 'cluster-state':
      case 'adaptive-target-reply':
      case 'workers-retired':
        this.#requests.answer(msg.id, msg);
        break;
      case 'scattered': {
        const key = this.#scatters.get(msg.id);
        this.#scatters.delete(msg.id);
        const e = key !== undefined ? this.#entries.get(key) : undefined;
        if (e !== undefined && e.state === 'pending' && e.run === undefined) this.#settle(e, 'memory');
        break;
      }
    }
  }

  #settleIfRun(k: Key, run: RunRecord, err: unknown): void {
    const e = this.#entries.get(k);
    if (e !== undefined && e.state === 'pending' && e.run === run) this.#settle(e, 'erred', err);
  }

  /** Runs the graph for the outputs not held or pending here; takes one reference per output. */
  run(graph: TaskGraph, outputs: readonly Key[], opts: ComputeOptions): RunHandle {
    if (this.#lost !== undefined) return failedHandle(outputs, this.#lost);
    if (opts.signal?.aborted === true) return failedHandle(outputs, cancelledError(opts.signal, opts.timeout));
    const fresh = freshOutputs(outputs, this.#entries);
    if (fresh.length > 0) {
      let run, msg;
      try {
        ({ run, msg } = newRun(this.#nextId++, graph, fresh, this.#entries, this.name));
      } catch (err) {
        return failedHandle(outputs, err);
      }
      if (this.#reconnect !== undefined) run.msg = { head: msg, graph };
      for (const k of fresh) this.#entries.set(k, newEntry(run));
      this.#runs.set(run.id, run);
      const signal = opts.signal;
      if (signal !== undefined) {
        const cancelled = run;
        const onAbort = (): void => this.#cancelRuns([cancelled], cancelledError(signal, opts.timeout));
        signal.addEventListener('abort', onAbort, { once: true });
        run.detach = () => signal.removeEventListener('abort', onAbort);
      }
      if (this.#lost === undefined) {
        if (this.#releasing.length > 0) this.#sendReleases();
        this.#link.sendEach((opts as Record<string, unknown>)[GRAPH_LAYERS] === false ? graphParts(msg, GRAPH_PART_TASKS, graph) : graphMessages(msg, graph));
      }
    }
    for (const k of outputs) (this.#entries.get(k) as Entry).refs++;
    return this.#handle(outputs);
  }

  /** A handle on keys that have entries: settles as their entries do. */
  #handle(keys: readonly Key[]): RunHandle {
    const done = Promise.all(keys.map((k) => this.#whenDone(k))).then(noop);
    done.catch(noop);
    return { keys, done, output: (i) => this.#whenDone(keys[i] as Key) };
  }

  #whenDone(k: Key): Promise<void> {
    const e = this.#entries.get(k);
    if (e === undefined) {
      const p = Promise.reject(new NotHeldError(k, this.name));
      p.catch(noop);
      return p;
    }
    return e.done;
  }

  /** Cancels runs (and, in turn, the runs whose graphs name their outputs as held); releases their outputs at the scheduler. */
  #cancelRuns(start: RunRecord[], reason: unknown): void {
    const released = cancelRuns(start, reason, this.#entries, this.#runs.values(), (e, err) => this.#settle(e, 'erred', err));
    if (released.length > 0) this.#send({ type: 'release-keys', keys: released });
  }

  /** The values of held keys, in order, fetched from the workers; waits for pending ones, rejects with a failed one's error. */
  async gather(keys: readonly Key[]): Promise<unknown[]> {
    if (this.#lost !== undefined) throw this.#lost;
    const distinct = [...new Set(keys)];
    for (const k of distinct) if (!this.#entries.has(k)) throw new NotHeldError(k, this.name);
    const work = Promise.all(distinct.map((k) => this.#whenDone(k))).then(() =>
      fetchValues(distinct, {
        whoHas: (ks) => this.#askWhoHas(ks),
        pool: this.#pool,
        check: (k) => this.#checkGatherable(k),
        attempts: this.#attempts,
        pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      }),
    );
    work.catch(noop);
    const values = await Promise.race([work, this.#whenLost]);
    return keys.map((k) => values.get(k));
  }

  #checkGatherable(k: Key): void {
    if (this.#lost !== undefined) throw this.#lost;
    const e = this.#entries.get(k);
    if (e === undefined) throw new NotHeldError(k, this.name);
    if (e.state === 'erred') throw e.error;
  }

  /** The scheduler's own figures (scheduler/stats.ts); `gc` collects its garbage first, `reset` starts a new event-loop measurement. */
  schedulerStats(opts: { gc?: boolean; reset?: boolean } = {}): Promise<SchedulerStats> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    const id = this.#nextId++;
    const answer = this.#requests.open<SchedulerStats>(id);
    this.#send({ type: 'scheduler-stats', id, gc: opts.gc === true, reset: opts.reset === true });
    return answer;
  }

  #askWhoHas(keys: readonly Key[]): Promise<Record<Key, string[]>> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    const id = this.#nextId++;
    const msg: ClientToScheduler = { type: 'who-has', id, keys: keys.slice() };
    const answer = this.#requests.open<Record<Key, string[]>>(id, msg);
    this.#send(msg);
    return answer;
  }

  /** Drops one reference per key; the last one releases the key at the scheduler. */
  release(keys: readonly Key[]): void {
    const out: Key[] = [];
    for (const k of keys) {
      const e = this.#entries.get(k);
      if (e === undefined || --e.refs > 0) continue;
      if (e.state === 'pending') this.#settle(e, 'erred', new CancelledError(new Error(`the last reference to '${k}' was released before it finished`)));
      this.#entries.delete(k);
      if (!e.releasedRemotely) out.push(k);
    }
    if (out.length === 0) return;
    // Futures are often released one by one (each by the finalizer or its own release()): one message per turn, not per key.
    if (this.#releasing.length === 0) setImmediate(() => this.#sendReleases());
    for (const k of out) this.#releasing.push(k);
  }

  #sendReleases(): void {
    const keys = this.#releasing;
    if (keys.length === 0) return;
    this.#releasing = [];
    this.#send({ type: 'release-keys', keys });
  }

  /**
   * Puts values on the workers under keys (one reference each; a key already here keeps its
   * value); the handle settles when the scheduler says each is kept (`scattered`).
   */
  scatter(values: ReadonlyMap<Key, unknown>): RunHandle {
    const keys = [...values.keys()];
    for (const [k, v] of values) {
      let e = this.#entries.get(k);
      if (e !== undefined) {
        e.refs++;
        continue;
      }
      this.#entries.set(k, (e = newEntry(undefined)));
      e.refs = 1;
      if (this.#lost !== undefined) {
        this.#settle(e, 'erred', this.#lost);
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = encodeWireValue(v);
      } catch (err) {
        this.#settle(e, 'erred', err);
        continue;
      }
      const id = this.#nextId++;
      this.#scatters.set(id, k);
      this.#send({ type: 'scatter', id, key: k, nbytes: bytes.byteLength }, bytes);
    }
    return this.#handle(keys);
  }

  /** Cancels the runs computing these keys: they (and runs waiting on them) reject with CancelledError. */
  cancel(keys: readonly Key[]): void {
    const runs: RunRecord[] = [];
    for (const k of keys) {
      const run = this.#entries.get(k)?.run;
      if (run !== undefined) runs.push(run);
    }
    if (runs.length > 0) this.#cancelRuns(runs, new CancelledError(new Error(`cancel() was called for '${keys[0]}'`)));
  }

  /** Sends a request and resolves with its answer (rejects when the scheduler is lost first). */
  #ask<T extends SchedulerToClient>(msg: ClientToScheduler & { id: number }): Promise<T> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    const answer = this.#requests.open<T>(msg.id);
    this.#send(msg);
    return answer;
  }

  /** The cluster's state for a post-mortem, as the scheduler's JSON text: its own and every worker's (scheduler/cluster-dump.ts). */
  async dumpState(): Promise<string> {
    return (await this.#ask<ClusterStateMsg>({ type: 'dump-state', id: this.#nextId++ })).state;
  }

  /** How many workers the work calls for, and which idle ones to close first (scheduler/adaptive.ts). */
  adaptiveTarget(targetDurationS: number): Promise<AdaptiveTargetReplyMsg> {
    return this.#ask({ type: 'adaptive-target', id: this.#nextId++, targetDuration: targetDurationS });
  }

  /** Moves the results of these workers to others, then closes them (scheduler/retire.ts). */
  retireWorkers(workers: readonly string[]): Promise<WorkersRetiredMsg> {
    return this.#ask({ type: 'retire-workers', id: this.#nextId++, workers: workers.slice() });
  }

  /** The keys held or pending here, with their reference counts. */
  heldKeys(): ReadonlyMap<Key, number> {
    return new Map(Array.from(this.#entries, ([k, e]) => [k, e.refs] as const));
  }

  /** The keys held here whose result has not arrived yet (no task-done, task-erred or scattered): what this client waits on. */
  pendingKeys(): Key[] {
    const out: Key[] = [];
    for (const [k, e] of this.#entries) if (e.state === 'pending') out.push(k);
    return out;
  }
}
