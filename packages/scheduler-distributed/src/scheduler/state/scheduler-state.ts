/**
 * The distributed scheduler's state machine: every task's state (task-states.ts lists the
 * states and the legal moves), every worker's slots, processing tasks and held keys. State
 * changes only through `handle(stimulus) -> instructions`; every move is checked against the
 * table and logged, so `story(key)` tells a task's history and `validate()` checks the
 * invariants between stimuli. Pure: no sockets, timers or files. This file dispatches stimuli
 * and keeps the records, the counts and the log; the walk toward memory and where ready tasks
 * go are in ready.ts, releasing and erring in release.ts, what happens when data goes away (a
 * worker removed, missing-data) in lost-data.ts, stealing in stealing.ts, intake in ingest.ts.
 *
 * Policy:
 * - A task is needed while the client wants it or a dependent waits, is queued or processes.
 *   Unneeded results are freed at once; a released task is forgotten once it has no dependents.
 *   A worker keeps the error of a task that erred on it until the task leaves erred (released,
 *   or run again): then it is told to free the key, as distributed does with `erred_on`.
 *   One stimulus walks at most RELEASE_BUDGET tasks of such a release; the rest of a big one
 *   follows in 'release-step' stimuli (`releasing`).
 * - A ready task with dependencies goes to the worker that holds most of its input bytes
 *   (placement.ts). Root tasks (no dependencies) are queued and handed out only to workers
 *   with fewer than ceil(saturation * nthreads) + slack processing (Dask's worker-saturation, plus
 *   a few tasks in flight so a worker's thread is not idle while results and the next task cross
 *   the network: without them a cluster of tiny tasks runs at one round trip per task). The
 *   slack grows to twice the slots a worker reports ('worker-slots': its executor queues more
 *   tasks per thread when they are tiny), so batches of tiny tasks fill a round trip.
 * - Work stealing (stealing.ts): on `balance`, idle workers ask busy ones for tasks not yet
 *   started there; the busy worker may refuse.
 * - A lost worker's processing tasks are rescheduled; its keys, if no other worker holds them
 *   and something needs them, are computed again from the graph. A task that was processing on
 *   more than `allowedFailures` workers that died errs with KilledWorkerError.
 * - Scattered values are in memory without a node: one that loses its last holder errs with
 *   ScatteredDataLostError. A worker's missing-data drops the holders it tried; a key left with
 *   none is lost as above, and the reporter's tasks that read it are evaluated again.
 */
import type { Key } from '@tsdask/core-graph';
import { DistributedTransitionError, type MoveStoryLine } from './errors.js';
import { missingData, removeWorker, restartTasks } from './lost-data.js';
import { GraphIngest, type IngestOps } from './ingest.js';
import { KeyMap } from './key-map.js';
import type { DataScattered, GraphSubmitted, SchedulerInstruction, SchedulerStimulus, TaskErred, TaskFinished } from './messages.js';
import { ReadyTasks } from './ready.js';
import { fail, needed, Releases } from './release.js';
import { newTaskRecord, type TaskRecord } from './task-record.js';
import { ERRED, FORGOTTEN, MEMORY, MOVE_TABLE, PROCESSING, RELEASED, STATE_COUNT, TASK_STATE_NAMES, WAITING } from './task-states.js';
import { balance, stealResponse, type StealOps } from './stealing.js';
import { TransitionLog, type SchedulerStoryEntry } from './transition-log.js';
import { validateScheduler } from './validate.js';
import { WorkerState } from './worker-state.js';

/** Settings of the machine. */
export interface SchedulerStateOptions {
  /** Workers that may die under one task before it errs with KilledWorkerError (default 3). */
  allowedFailures?: number;
  /** Root tasks processing per thread before the rest wait in the queue (default 1.1). */
  saturation?: number;
  /** Root tasks a worker may have beyond ceil(saturation * nthreads), to cover the round trip (default 8; 0 is Dask's queuing). */
  rootSlack?: number;
  /** Transitions kept for `story()` (default 65536). */
  logCapacity?: number;
}

export class SchedulerState {
  readonly tasks: Map<string, TaskRecord> = new KeyMap<TaskRecord>();
  /** Live workers in connection order. */
  readonly workers = new Map<string, WorkerState>();
  readonly allowedFailures: number;
  readonly saturation: number;
  readonly rootSlack: number;
  /** Called after every move, with the task in its new state (the event pump's hook; unset while nobody listens). */
  onMove: ((t: TaskRecord) => void) | undefined = undefined;
  /** The worker a task must run on, if any (a P2P shuffle's unpack: where its partition is); a worker not live is ignored. Never stolen. */
  restrict: ((t: TaskRecord) => string | undefined) | undefined = undefined;
  /**
   * How many tasks are in each state but released and forgotten, kept at every move, so that
   * /metrics and adapt read them in O(1) at a million tasks. A new record is released, and a
   * record is deleted only after its move to forgotten, so released = tasks.size - the others.
   */
  readonly #counts = new Float64Array(STATE_COUNT);
  readonly #log: TransitionLog;
  #out: SchedulerInstruction[] = [];
  #stimulus = 'none';
  #stimulusId = 0;
  #generation = 0;
  /** The graph being taken in step by step (ingest.ts), if any. */
  #ingest: GraphIngest | undefined;
  /**
   * Erred tasks whose error a worker still holds (distributed's `erred_on`): the worker that ran
   * and reported it. When the task leaves erred (released, or run again), that worker is told to
   * free the key, else it would keep every error record until it stops.
   */
  readonly #erredOn = new Map<TaskRecord, string>();
  readonly #ops: StealOps & IngestOps = {
    tasks: this.tasks,
    workers: this.workers,
    allowedFailures: 0,
    emit: (i) => this.#out.push(i),
    move: (t, to) => this.#move(t, to),
    unassign: (t) => this.#unassign(t),
    fail: (t, e) => fail(this.#ops, t, e),
    need: (t) => this.#need(t),
    needed,
    settle: (ts) => this.#releases.settle(ts),
    assign: (t, w) => this.#ready.assign(t, w),
    needFrom: (stack, budget) => this.#ready.needFrom(stack, budget),
    deliver: (t) => this.#deliver(t),
    pinned: (t) => this.restrict?.(t) !== undefined,
  };
  readonly #releases = new Releases(this.#ops);
  readonly #ready: ReadyTasks;

  constructor(opts: SchedulerStateOptions = {}) {
    this.allowedFailures = opts.allowedFailures ?? 3;
    this.#ops.allowedFailures = this.allowedFailures;
    this.saturation = opts.saturation ?? 1.1;
    this.rootSlack = opts.rootSlack ?? 8;
    this.#log = new TransitionLog(opts.logCapacity ?? 1 << 16);
    this.#ready = new ReadyTasks({ ...this.#ops, pin: (t) => this.restrict?.(t) }, this.saturation, this.rootSlack);
  }

  /** Applies one stimulus; returns what the shell must do. */
  handle(s: SchedulerStimulus): SchedulerInstruction[] {
    this.#stimulus = s.type;
    this.#stimulusId++;
    this.#out = [];
    this.#releases.begin();
    switch (s.type) {
      case 'graph-submitted':
        this.#submit(s);
        break;
      case 'graph-step':
        if (this.#ingest?.step(this.#ops, s.budget) === true) this.#ingest = undefined;
        break;
      case 'release-step':
        this.#releases.step(s.budget);
        break;
      case 'worker-added':
        if (!this.workers.has(s.worker)) this.workers.set(s.worker, new WorkerState(s.worker, s.nthreads >= 1 ? Math.floor(s.nthreads) : 1));
        break;
      case 'worker-slots': {
        const w = this.workers.get(s.worker);
        if (w !== undefined) w.slots = Math.max(0, Math.floor(s.slots));
        break;
      }
      case 'worker-removed':
        removeWorker(this.#ops, s.worker, s.reason, s.notStarted, s.restart);
        for (const [t, on] of this.#erredOn) if (on === s.worker) this.#erredOn.delete(t);
        break;
      case 'task-finished':
        this.#finished(s);
        break;
      case 'task-erred':
        this.#erred(s);
        break;
      case 'data-scattered':
        this.#scattered(s);
        break;
      case 'replica-added': {
        // One more holder of a result in memory (retiring a worker moves its results first); else nothing to learn.
        const w = this.workers.get(s.worker);
        const t = this.tasks.get(s.key);
        if (w !== undefined && t !== undefined && t.state === MEMORY) {
          t.whoHas.add(w);
          w.hold(t.key, s.nbytes);
        }
        break;
      }
      case 'missing-data':
        missingData(this.#ops, s);
        break;
      case 'restart-tasks':
        restartTasks(this.#ops, s.keys);
        break;
      case 'balance':
        balance(this.#ops);
        break;
      case 'steal-response':
        stealResponse(this.#ops, s);
        break;
      case 'release-keys':
        for (const key of s.keys) {
          const t = this.tasks.get(key);
          if (t === undefined) continue;
          t.wanted = false;
          t.delivered = false;
          this.#releases.settle([t]);
        }
        break;
    }
    this.#ready.drain();
    return this.#out;
  }

  /** Whether a graph submitted `sliced` is still being taken in ('graph-step' stimuli advance it). */
  get ingesting(): boolean {
    return this.#ingest !== undefined;
  }

  /** Whether a release walk waits for 'release-step' stimuli (release.ts: one stimulus walks at most RELEASE_BUDGET tasks). */
  get releasing(): boolean {
    return this.#releases.pending;
  }

  /** The state of `key` ('forgotten' if unknown). */
  stateOf(key: Key): string {
    const t = this.tasks.get(key);
    return TASK_STATE_NAMES[t === undefined ? FORGOTTEN : t.state];
  }

  /** A task's history, from the moves still in the log. */
  story(key: Key): SchedulerStoryEntry[] {
    return this.#log.story(key);
  }

  /** How many tasks are in state `code` now (forgotten: 0, the records are gone). */
  countIn(code: number): number {
    if (code === FORGOTTEN) return 0;
    if (code !== RELEASED) return this.#counts[code]!;
    let live = 0;
    for (let s = 0; s < STATE_COUNT; s++) if (s !== RELEASED && s !== FORGOTTEN) live += this.#counts[s]!;
    return this.tasks.size - live;
  }

  /** Up to `n` tasks of the queue (queued ones, in no particular order), without removing them: adapt's sample. */
  queuedSample(n: number): TaskRecord[] {
    return this.#ready.queuedSample(n);
  }

  /** The invariants between stimuli; returns the violations found (none: []). */
  validate(): string[] {
    return validateScheduler(this.tasks, this.workers, (code) => this.countIn(code));
  }

  /** Moves `t` to `to`; throws DistributedTransitionError on a move the table forbids. */
  #move(t: TaskRecord, to: number): void {
    const from = t.state;
    if (MOVE_TABLE[from * STATE_COUNT + to] !== 1) {
      const story: MoveStoryLine[] = this.story(t.key).map((e) => ({ from: e.from, to: e.to, stimulus: e.stimulus }));
      throw new DistributedTransitionError(t.key, TASK_STATE_NAMES[from]!, TASK_STATE_NAMES[to]!, story, this.#stimulus);
    }
    this.#log.record(t.key, from, to, this.#stimulus, this.#stimulusId);
    if (from === ERRED) this.#freeError(t);
    t.state = to;
    this.#counts[from]--;
    this.#counts[to]++;
    this.onMove?.(t);
  }

  /** Takes a graph in (ingest.ts): at once, or, `sliced`, in the 'graph-step' stimuli that follow (a graph still in is finished first). */
  #submit(s: GraphSubmitted): void {
    if (this.#ingest !== undefined) this.#ingest.step(this.#ops, Infinity);
    const ingest = new GraphIngest(this.tasks, s.graph, s.outputs, s.priorities, this.#generation++);
    this.#ingest = s.sliced === true ? ingest : undefined;
    if (s.sliced !== true) ingest.step(this.#ops, Infinity);
  }

  /** Makes released task `t` (and the released tasks it reads) progress toward memory. */
  #need(first: TaskRecord): void {
    this.#ready.needFrom([first], Infinity);
  }

  #deliver(t: TaskRecord): void {
    if (t.delivered) return;
    t.delivered = true;
    this.#out.push({ type: 'task-done', key: t.key, nbytes: t.nbytes });
  }

  /** Takes `t` off the worker it processes on. */
  #unassign(t: TaskRecord): WorkerState | undefined {
    const w = t.processingOn;
    w?.processing.delete(t.key);
    t.processingOn = undefined;
    if (t.stealTo !== undefined) {
      t.stealTo.incomingSteals--;
      t.stealTo = undefined;
    }
    return w;
  }

  #finished(s: TaskFinished): void {
    const w = this.workers.get(s.worker);
    if (w === undefined) return; // a message from a worker already removed
    const t = this.tasks.get(s.key);
    if (t === undefined || t.state !== PROCESSING || t.processingOn !== w) {
      // Stale: released, rescheduled elsewhere, or already known. The worker drops what we do not record.
      if (t === undefined || !t.whoHas.has(w)) this.#out.push({ type: 'free-keys', worker: w.name, keys: [s.key] });
      return;
    }
    this.#unassign(t);
    this.#inMemory(t, w, s.nbytes);
  }

  /** `t` (processing or released) is now held by `w`: tell the client, start the dependents it completes. */
  #inMemory(t: TaskRecord, w: WorkerState, nbytes: number): void {
    this.#move(t, MEMORY);
    t.nbytes = nbytes;
    t.whoHas.add(w);
    w.hold(t.key, nbytes);
    if (t.wanted) this.#deliver(t);
    for (const d of t.dependents) if (d.state === WAITING && --d.waitingOn === 0) this.#ready.ready(d);
    this.#releases.settle([...t.deps, t]);
  }

  #scattered(s: DataScattered): void {
    const w = this.workers.get(s.worker);
    if (w === undefined) return;
    let t = this.tasks.get(s.key);
    if (t === undefined) {
      t = newTaskRecord(s.key, null, this.#generation++, 0);
      this.tasks.set(s.key, t);
    }
    t.scattered = true;
    // The scattering client hears 'scattered' from the shell; clients that already wanted the key (a graph's output) hear task-done.
    if (!t.wanted) t.delivered = true;
    t.wanted = true;
    t.error = undefined;
    if (t.state === MEMORY) {
      t.whoHas.add(w);
      w.hold(t.key, s.nbytes);
      return;
    }
    // A computed key of the same name gives way to the scattered value.
    const on = this.#unassign(t);
    if (on !== undefined) this.#out.push({ type: 'free-keys', worker: on.name, keys: [t.key] });
    if (t.state !== RELEASED && t.state !== PROCESSING) this.#move(t, RELEASED);
    if (t.state === RELEASED) t.waitingOn = 0;
    this.#inMemory(t, w, s.nbytes);
  }

  #erred(s: TaskErred): void {
    const w = this.workers.get(s.worker);
    const t = this.tasks.get(s.key);
    if (w === undefined || t === undefined || t.state !== PROCESSING || t.processingOn !== w) return;
    this.#unassign(t);
    fail(this.#ops, t, s.error);
    this.#erredOn.set(t, w.name);
  }

  /** `t` leaves erred: the worker that reported its error, if still here, frees the key. */
  #freeError(t: TaskRecord): void {
    const on = this.#erredOn.get(t);
    if (on === undefined) return;
    this.#erredOn.delete(t);
    if (this.workers.has(on)) this.#out.push({ type: 'free-keys', worker: on, keys: [t.key] });
  }
}
