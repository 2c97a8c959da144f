/**
 * The EventPump: turns the state machine's transition log into core-graph's typed event stream
 * (SchedulerEvent, sent with emitEvent). Once per scheduler step it copies the new log records
 * into one reused columnar TaskEventBatch (task index, state code, worker, times, bytes: no
 * object per transition) and sends it as 'task-batch'. It also sends 'compute-start' and
 * 'compute-finish', 'memory' figures, 'spill' / 'unspill' / 'spill-failed' and 'running'.
 */
import {
  assignGroups,
  emitEvent,
  listens,
  TaskBatchBuilder,
  type Callbacks,
  type ComputeStartEvent,
  type Key,
  type SchedulerEvent,
  type TaskBatchEvent,
  type TaskGraph,
} from '@tsdask/core-graph';
import type { BatchPlan } from './state/batches.js';
import type { SchedulerState } from './state/machine.js';
import { RUNNING } from './state/transition-log.js';
import { now } from '@tsdask/runtime';

/** Graphs up to this many tasks send their keys and dependencies with the start event. */
const MAX_GRAPH_FOR_EVENTS = 5000;

export class EventPump {
  #cursor = 0;
  #batch: TaskBatchBuilder | undefined;
  /** The 'task-batch' event, reused for every step (its batch is valid during the call only). */
  #batchEvent: TaskBatchEvent | undefined;
  readonly #wantBatch: boolean;
  /** Whether anyone receives these kinds (they are built only then). */
  readonly #wantMemory: boolean;
  readonly #wantSpill: boolean;
  readonly #wantRunning: boolean;
  #lastMemory = 0;
  #memorySig = '';
  /** Set by finish(): nothing is sent after it (late I/O of a failed or cancelled compute). */
  #finished = false;

  constructor(
    readonly g: TaskGraph,
    readonly machine: SchedulerState,
    readonly plan: BatchPlan,
    readonly callbacks: Callbacks[],
    readonly computeId: string,
    readonly t0: number,
  ) {
    this.#wantBatch = listens(callbacks, 'task-batch');
    this.#wantMemory = listens(callbacks, 'memory');
    this.#wantSpill = listens(callbacks, 'spill') || listens(callbacks, 'unspill');
    this.#wantRunning = listens(callbacks, 'running');
  }

  /** Sends one event to the subscribers, unless the compute has finished. */
  emit(e: SchedulerEvent): void {
    if (!this.#finished) emitEvent(this.callbacks, e);
  }

  start(scheduler: string, workers: number): void {
    if (this.callbacks.length === 0) return;
    const { names, ids } = assignGroups(this.g.keys);
    const counts = new Int32Array(names.length);
    for (let i = 0; i < ids.length; i++) counts[ids[i]!]!++;
    this.#batch = new TaskBatchBuilder(this.g.keys, ids, names);
    this.#batchEvent = { type: 'task-batch', computeId: this.computeId, batch: this.#batch };
    const info: ComputeStartEvent = {
      type: 'compute-start',
      computeId: this.computeId,
      scheduler,
      ntasks: this.g.size,
      groups: new Map<string, number>(names.map((nm, j) => [nm, counts[j] as number])),
      keys: this.g.keys,
      groupOf: ids,
      workers,
      ...(this.g.size <= MAX_GRAPH_FOR_EVENTS ? { graph: { keys: this.g.keys, depPtr: this.g.depPtr, depIdx: this.g.depIdx } } : {}),
    };
    this.emit(info);
  }

  /** Reports a spill or unspill of one result, with the running totals. */
  spill(kind: 'spill' | 'unspill', batch: number, bytes: number): void {
    if (!this.#wantSpill || this.#finished) return;
    const m = this.machine.memory;
    const task = this.plan.root[batch]!;
    const key = this.g.keys[task] as Key;
    const { spillCount, unspillCount, spilledBytes, held } = m;
    this.emit({ type: kind, computeId: this.computeId, key, task, bytes, spillCount, unspillCount, spilledBytes, held });
  }

  /** Reports held and spilled bytes, at most every 50 ms unless spilling changed. */
  #memory(force: boolean): void {
    const m = this.machine.memory;
    if (!Number.isFinite(m.limit) && m.held === 0) return;
    const sig = `${m.spillCount}/${m.unspillCount}`;
    const t = now();
    if (!force && sig === this.#memorySig && t - this.#lastMemory < 50) return;
    this.#memorySig = sig;
    this.#lastMemory = t;
    // Not this.emit: finish() sends the last figures after the compute is marked finished.
    emitEvent(this.callbacks, {
      type: 'memory',
      computeId: this.computeId,
      worker: 'scheduler',
      held: m.held,
      spilled: m.spilledBytes,
      limit: m.limit,
      paused: m.paused,
      spillCount: m.spillCount,
      unspillCount: m.unspillCount,
      maxHeld: m.maxHeld,
    });
  }

  /** Sends the transitions logged since the last call, as one batch. */
  drain(): void {
    if (this.#finished) return;
    if (this.#wantMemory) this.#memory(false);
    const b = this.#batch;
    if (b === undefined || !this.#wantBatch) return;
    const log = this.machine.log;
    const { root, batchOf } = this.plan;
    const t0 = this.t0;
    const t = now() - t0;
    const cap = log.capacity;
    const begin = Math.max(this.#cursor, log.written - cap);
    const end = log.written;
    this.#cursor = end;
    if (begin === end) return;
    b.clear();
    b.reserve(end - begin);
    const { task: bTask, state: bState, worker: bWorker, start: bStart, stop: bStop, nbytes: bBytes } = b;
    const { task: lTask, to: lTo, stim: lStim } = log;
    let lastStim = -1;
    let worker = -1;
    let start = t;
    let stop = 0;
    let nbytes = 0;
    let done = false;
    let i = 0;
    for (let w = begin, at = begin % cap; w < end; w++, i++, at = at + 1 === cap ? 0 : at + 1) {
      const task = lTask[at]!;
      const to = lTo[at]!;
      const stim = lStim[at]!;
      if (stim !== lastStim) {
        lastStim = stim;
        const s = log.stimuli.get(stim);
        worker = s?.worker === undefined || s.worker === -1 ? -1 : b.workerIndex(s.worker);
        done = s?.start !== undefined;
        start = done ? (s!.start as number) - t0 : t;
        stop = done ? (s!.stop as number) - t0 : 0;
        nbytes = s?.nbytes ?? 0;
      }
      bTask[i] = task;
      bState[i] = to;
      bWorker[i] = worker;
      if (done && to !== RUNNING) {
        bStart[i] = start;
        bStop[i] = stop;
        // A batch reports the bytes of its root's result only.
        bBytes[i] = nbytes > 0 && root[batchOf[task]!] === task ? nbytes : 0;
      } else {
        bStart[i] = t;
        bStop[i] = 0;
        bBytes[i] = 0;
      }
    }
    b.length = i;
    emitEvent(this.callbacks, this.#batchEvent as TaskBatchEvent);
  }

  /** Whether anyone listens for the 'running' event. */
  get wantsRunning(): boolean {
    return this.#wantRunning;
  }

  #runningSig = '';

  /**
   * Reports the batches running now and their workers (a 'running' event, each
   * `{ worker, key, task, start }` with start in ms since the compute started), when that changed.
   */
  running(now: readonly { worker: number; batch: number; start: number }[]): void {
    const sig = now.map((r) => `${r.worker}:${r.batch}`).join(',');
    if (sig === this.#runningSig || this.#finished) return;
    this.#runningSig = sig;
    const running = now
      .filter((r) => r.batch < this.plan.count)
      .map((r) => {
        const task = this.plan.root[r.batch]!;
        return { worker: r.worker, key: this.g.keys[task] as Key, task, start: r.start - this.t0 };
      });
    this.emit({ type: 'running', computeId: this.computeId, running });
  }

  finish(ok: boolean, error?: Error): void {
    if (this.#finished) return;
    this.drain();
    this.#finished = true;
    if (this.#wantMemory) this.#memory(true);
    emitEvent(this.callbacks, { type: 'compute-finish', computeId: this.computeId, ok, elapsedMs: now() - this.t0, ...(error ? { error } : {}) });
  }
}
