/**
 * The scheduler's event pump: core-graph's event stream (events.ts) for what the cluster runs.
 * Each accepted update-graph (one client graph) is a compute: 'compute-start' with its keys and
 * groups (and dependencies for graphs of at most 5000 tasks), 'task-batch' columns as its tasks
 * change state, 'running' (at most every 100 ms), and 'compute-finish' once each of its outputs
 * is in memory or erred, or was released by its client (ok false, no error: cancelled). The
 * cluster events (worker joined, left, memory, transfers) are in cluster-events.ts.
 *
 * How it listens: SchedulerState calls `onMove` after every move; the pump installs that hook
 * only while a compute with a 'task-batch' subscriber is open. A move costs a Map lookup per open
 * compute, newest first (the key's newest open compute; nothing per key is kept, so a compute of
 * a million tasks starts and ends without an O(tasks) step) and three array pushes; the rows are turned into one reused
 * TaskBatchBuilder per compute when the shell calls `flush()` (once per event-loop turn, so the
 * stimuli of one burst of messages make one batch). Nothing is
 * built when nobody listens (core-graph `listens()`, checked when a compute starts).
 *
 * States map to core-graph's: waiting -> waiting, queued -> ready, processing -> running,
 * memory -> memory, erred -> erred, released and forgotten -> released. A row names its worker
 * by address: processing the worker it was sent to, memory the worker that holds it, erred the
 * worker it last ran on (none when an input failed). Bars span from 'processing' to 'memory'
 * as the scheduler sees them (the round trip and the wait on the worker included).
 */
import {
  activeCallbacks,
  assignGroups,
  emitEvent,
  listens,
  TaskBatchBuilder,
  TaskStateCode,
  type Callbacks,
  type Key,
  type RunningBatch,
  type TaskBatchEvent,
  type TaskGraph,
} from '@tsdask/core-graph';
import type { SchedulerState } from './state/scheduler-state.js';
import type { TaskRecord } from './state/task-record.js';
import { ERRED, FORGOTTEN, MEMORY, PROCESSING, QUEUED, RELEASED, WAITING } from './state/task-states.js';

/** Graphs up to this many tasks send their keys and dependencies with the start event. */
const MAX_GRAPH_FOR_EVENTS = 5000;
/** Least time between two 'running' events of a compute, in ms. */
const RUNNING_INTERVAL_MS = 100;
/** The scheduler name computes carry. */
export const DISTRIBUTED_SCHEDULER_NAME = 'distributed';

/** core-graph state code of each distributed state code (task-states.ts order). */
const CODE = new Uint8Array(7);
CODE[RELEASED] = TaskStateCode.released;
CODE[WAITING] = TaskStateCode.waiting;
CODE[QUEUED] = TaskStateCode.ready;
CODE[PROCESSING] = TaskStateCode.running;
CODE[MEMORY] = TaskStateCode.memory;
CODE[ERRED] = TaskStateCode.erred;
CODE[FORGOTTEN] = TaskStateCode.released;

/** One open compute: its graph, subscribers, rows not yet sent and outputs not yet settled. */
export class ComputeTrack {
  readonly builder: TaskBatchBuilder;
  readonly batchEvent: TaskBatchEvent;
  /** When each task went to processing, ms since the start (for its bar). */
  readonly startAt: Float64Array;
  /** The builder's worker index each task last ran on, or -1. */
  readonly lastWorker: Int32Array;
  /** Moves since the last flush: the records, and (task index, distributed state) pairs. */
  recs: TaskRecord[] = [];
  rows: number[] = [];
  /** Outputs not yet in memory or erred. */
  readonly waiting = new Set<Key>();
  error: Error | undefined;
  /** The first output that erred (its error is read when the compute finishes: the machine sets it after the move). */
  failed: TaskRecord | undefined;
  cancelled = false;
  /** All outputs settled: finished at the next flush. */
  settled = false;
  runningSig = '';
  lastRunning = -Infinity;

  constructor(
    readonly computeId: string,
    readonly g: TaskGraph,
    readonly callbacks: Callbacks[],
    readonly t0: number,
    readonly wantBatch: boolean,
    readonly wantRunning: boolean,
    groups: { names: string[]; ids: Int32Array },
  ) {
    this.builder = new TaskBatchBuilder(g.keys, groups.ids, groups.names);
    this.batchEvent = { type: 'task-batch', computeId, batch: this.builder };
    this.startAt = new Float64Array(g.size);
    this.lastWorker = new Int32Array(g.size).fill(-1);
  }
}

export interface EventPumpOptions {
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

export class SchedulerEventPump {
  readonly #state: SchedulerState;
  readonly #extra: Callbacks[];
  readonly #now: () => number;
  /** Open computes, oldest first. */
  #open: ComputeTrack[] = [];
  /** Open computes waiting for each output. */
  readonly #byOutput = new Map<Key, ComputeTrack[]>();
  #computes = 0;
  readonly #onMove = (t: TaskRecord): void => this.#moved(t);

  constructor(state: SchedulerState, opts: EventPumpOptions = {}) {
    this.#state = state;
    this.#extra = [];
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Adds a subscriber for this scheduler only (besides the process's global ones); returns the remover. */
  subscribe(cb: Callbacks): () => void {
    this.#extra.push(cb);
    return () => {
      const i = this.#extra.indexOf(cb);
      if (i >= 0) this.#extra.splice(i, 1);
    };
  }

  /** The subscribers now: global ones and this scheduler's. */
  callbacks(): Callbacks[] {
    return activeCallbacks(this.#extra);
  }

  /** Whether a compute is open (then `flush()` has work). */
  get active(): boolean {
    return this.#open.length > 0;
  }

  /** Computes open now (for tests). */
  get openComputes(): number {
    return this.#open.length;
  }

  /**
   * A client's graph is about to be submitted: opens its compute and sends 'compute-start' (call
   * before SchedulerState.handle, so its moves are seen). `grouped`: the tasks' groups when known
   * already (a graph in parts is grouped part by part), else assigned here. Undefined when nobody listens.
   */
  beginGraph(g: TaskGraph, client: string, grouped?: { names: string[]; ids: Int32Array }): ComputeTrack | undefined {
    const callbacks = this.callbacks();
    if (callbacks.length === 0) return undefined;
    const groups = grouped ?? assignGroups(g.keys);
    const computeId = `${client}-graph-${++this.#computes}`;
    const c = new ComputeTrack(computeId, g, callbacks, this.#now(), listens(callbacks, 'task-batch'), listens(callbacks, 'running'), groups);
    const perGroup = new Int32Array(groups.names.length);
    for (let i = 0; i < g.size; i++) perGroup[groups.ids[i]!]!++;
    const counts = new Map<string, number>(groups.names.map((n, j) => [n, perGroup[j]!]));
    emitEvent(callbacks, {
      type: 'compute-start',
      computeId,
      scheduler: DISTRIBUTED_SCHEDULER_NAME,
      ntasks: g.size,
      groups: counts,
      keys: g.keys,
      groupOf: groups.ids,
      workers: this.#state.workers.size,
      ...(g.size <= MAX_GRAPH_FOR_EVENTS ? { graph: { keys: g.keys, depPtr: g.depPtr, depIdx: g.depIdx } } : {}),
    });
    this.#open.push(c);
    this.#state.onMove = this.#onMove;
    return c;
  }

  /** The graph was refused: its compute ends failed with `error`. */
  graphRefused(c: ComputeTrack | undefined, error: Error): void {
    if (c === undefined) return;
    c.error = error;
    c.settled = true;
    this.flush();
  }

  /** The graph was submitted: outputs already in memory or erred are settled now; the rest are awaited. */
  graphAccepted(c: ComputeTrack | undefined, outputs: readonly Key[]): void {
    if (c === undefined) return;
    for (const key of outputs) {
      const t = this.#state.tasks.get(key);
      if (t?.state === MEMORY) continue;
      if (t?.state === ERRED) {
        c.error ??= t.error;
        continue;
      }
      if (c.waiting.has(key)) continue;
      c.waiting.add(key);
      const list = this.#byOutput.get(key);
      if (list === undefined) this.#byOutput.set(key, [c]);
      else list.push(c);
    }
    if (c.waiting.size === 0) c.settled = true;
  }

  /** SchedulerState's hook: one move of `t` (to `t.state`). */
  /**
   * The newest open compute that has `key`: looked up in the open computes' own key indexes (one
   * or two open at a time), not kept in a map of every key, which would cost an O(tasks) step when
   * a compute starts and ends (seconds at a million tasks, with the event loop held).
   */
  #ownerOf(key: Key): ComputeTrack | undefined {
    for (let i = this.#open.length - 1; i >= 0; i--) if (this.#open[i]!.g.index.has(key)) return this.#open[i];
    return undefined;
  }

  #moved(t: TaskRecord): void {
    const to = t.state;
    const c = this.#ownerOf(t.key);
    if (c !== undefined && c.wantBatch) {
      const i = c.g.index.get(t.key);
      if (i !== undefined) {
        c.recs.push(t);
        c.rows.push(i, to);
      }
    }
    if (to === PROCESSING || to === WAITING || to === QUEUED) return;
    const list = this.#byOutput.get(t.key);
    if (list === undefined) return;
    // Lost with its worker and still wanted: it is computed again, so not settled.
    if ((to === RELEASED || to === FORGOTTEN) && t.wanted) return;
    this.#byOutput.delete(t.key);
    for (const w of list) {
      if (!w.waiting.delete(t.key)) continue;
      if (to === ERRED) w.failed ??= t;
      else if (to !== MEMORY) w.cancelled = true;
      if (w.waiting.size === 0) w.settled = true;
    }
  }

  /** Sends the rows of every open compute as one batch each, 'running' where due, and finishes the settled ones (call after stimuli). */
  flush(): void {
    if (this.#open.length === 0) return;
    const now = this.#now();
    let finished = false;
    for (const c of this.#open) {
      if (c.rows.length > 0) this.#sendRows(c, now - c.t0);
      if (c.wantRunning && !c.settled && now - c.lastRunning >= RUNNING_INTERVAL_MS) this.#running(c, now);
      if (c.settled) finished = true;
    }
    if (finished) for (const c of this.#open.filter((x) => x.settled)) this.#finish(c, now);
  }

  #sendRows(c: ComputeTrack, t: number): void {
    const b = c.builder;
    const { recs, rows } = c;
    c.recs = [];
    c.rows = [];
    b.clear();
    b.reserve(recs.length);
    for (let r = 0; r < recs.length; r++) {
      const rec = recs[r]!;
      const i = rows[2 * r]!;
      const to = rows[2 * r + 1]!;
      let worker = -1;
      let start = t;
      let stop = 0;
      let nbytes = 0;
      if (to === PROCESSING) {
        if (rec.processingOn !== undefined) worker = c.lastWorker[i] = b.workerIndex(rec.processingOn.name);
        c.startAt[i] = t;
      } else if (to === MEMORY) {
        for (const h of rec.whoHas) {
          worker = b.workerIndex(h.name);
          break;
        }
        if (worker < 0) worker = c.lastWorker[i]!;
        start = c.lastWorker[i]! >= 0 ? c.startAt[i]! : t;
        stop = t;
        nbytes = rec.nbytes;
      } else if (to === ERRED) {
        worker = c.lastWorker[i]!;
        if (worker >= 0) {
          start = c.startAt[i]!;
          stop = t;
        }
      }
      b.push(i, CODE[to]!, worker, start, stop, nbytes);
    }
    emitEvent(c.callbacks, c.batchEvent);
  }

  /** What runs now for compute `c`: the first nthreads tasks processing on each worker that belong to it. */
  #running(c: ComputeTrack, now: number): void {
    c.lastRunning = now;
    const running: RunningBatch[] = [];
    let sig = '';
    for (const w of this.#state.workers.values()) {
      let n = 0;
      for (const key of w.processing) {
        if (n++ >= w.nthreads) break;
        if (this.#ownerOf(key) !== c) continue;
        const task = c.g.index.get(key)!;
        running.push({ worker: w.name, key, task, start: c.startAt[task]! });
        sig += `${w.name}:${task},`;
      }
    }
    if (sig === c.runningSig) return;
    c.runningSig = sig;
    emitEvent(c.callbacks, { type: 'running', computeId: c.computeId, running });
  }

  #finish(c: ComputeTrack, now: number): void {
    // Its keys go back to the newest open compute that has them (an older graph that shares them), else to none.
    this.#open = this.#open.filter((x) => x !== c);
    for (const key of c.waiting) {
      const list = this.#byOutput.get(key);
      if (list === undefined) continue;
      const rest = list.filter((x) => x !== c);
      if (rest.length === 0) this.#byOutput.delete(key);
      else this.#byOutput.set(key, rest);
    }
    if (this.#open.length === 0) this.#state.onMove = undefined;
    if (c.wantRunning && c.runningSig !== '') emitEvent(c.callbacks, { type: 'running', computeId: c.computeId, running: [] });
    const error = c.error ?? (c.failed === undefined ? undefined : (c.failed.error ?? new Error(`Task '${c.failed.key}' failed.`)));
    const ok = error === undefined && !c.cancelled;
    emitEvent(c.callbacks, { type: 'compute-finish', computeId: c.computeId, ok, elapsedMs: now - c.t0, ...(error !== undefined ? { error } : {}) });
  }
}
