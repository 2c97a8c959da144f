/**
 * The EventPump: turns the state machine's transition log into the event stream of core-graph's
 * callbacks. Once per scheduler step it copies the new log records into one reused columnar
 * TaskEventBatch (task index, state code, worker, times, bytes: no object per transition) and
 * hands it to `taskBatch` subscribers; `tasks` subscribers get TaskEvent objects built from it.
 * It also sends the compute's start and finish, memory figures and spill events.
 */
import {
  keyGroupLength,
  TaskBatchBuilder,
  taskEventsOf,
  type Callbacks,
  type ComputeStart,
  type Key,
  type TaskGraph,
} from '@tsdask/core-graph';
import type { BatchPlan } from './state/batches.js';
import type { SchedulerState } from './state/machine.js';
import { RUNNING } from './state/transition-log.js';
import { now } from '@tsdask/runtime';

/** Graphs up to this many tasks send their keys and dependencies with the start event. */
const MAX_GRAPH_FOR_EVENTS = 5000;

/** Runs a subscriber hook; a subscriber that throws is reported once and never breaks a compute. */
const reported = new WeakSet<Error>();
function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error && !reported.has(err)) {
      reported.add(err);
      console.error('tsdask: a progress/event subscriber threw (ignored):', err);
    }
  }
}

export class EventPump {
  #cursor = 0;
  #batch: TaskBatchBuilder | undefined;
  readonly #wantBatch: boolean;
  readonly #wantObjects: boolean;
  readonly #wantEvents: boolean;
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
    this.#wantBatch = callbacks.some((c) => c.taskBatch !== undefined);
    this.#wantObjects = callbacks.some((c) => c.tasks !== undefined);
    this.#wantEvents = callbacks.some((c) => c.event !== undefined);
  }

  start(scheduler: string, workers: number): void {
    if (this.callbacks.length === 0) return;
    const { names, ids } = assignGroups(this.g.keys);
    const counts = new Int32Array(names.length);
    for (let i = 0; i < ids.length; i++) counts[ids[i]!]!++;
    this.#batch = new TaskBatchBuilder(this.g.keys, ids, names);
    const info: ComputeStart = {
      computeId: this.computeId,
      scheduler,
      ntasks: this.g.size,
      groups: new Map<string, number>(names.map((nm, j) => [nm, counts[j] as number])),
      keys: this.g.keys,
      groupOf: ids,
      workers,
      ...(this.g.size <= MAX_GRAPH_FOR_EVENTS ? { graph: { keys: this.g.keys, depPtr: this.g.depPtr, depIdx: this.g.depIdx } } : {}),
    };
    for (const c of this.callbacks) safely(() => c.start?.(info));
  }

  /** Reports a spill or unspill of one result, with the running totals. */
  spill(kind: 'spill' | 'unspill', batch: number, bytes: number): void {
    if (!this.#wantEvents || this.#finished) return;
    const m = this.machine.memory;
    const task = this.plan.root[batch]!;
    const key = this.g.keys[task] as Key;
    const payload = { key, task, bytes, spillCount: m.spillCount, unspillCount: m.unspillCount, spilledBytes: m.spilledBytes, held: m.held };
    for (const c of this.callbacks) safely(() => c.event?.(kind, payload, this.computeId));
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
    const payload = { worker: 'scheduler', held: m.held, spilled: m.spilledBytes, limit: m.limit, paused: m.paused, spillCount: m.spillCount, unspillCount: m.unspillCount, maxHeld: m.maxHeld };
    for (const c of this.callbacks) safely(() => c.event?.('memory', payload, this.computeId));
  }

  /** Sends the transitions logged since the last call, as one batch. */
  drain(): void {
    if (this.#finished) return;
    if (this.#wantEvents) this.#memory(false);
    const b = this.#batch;
    if (b === undefined || !(this.#wantBatch || this.#wantObjects)) return;
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
    const objects = this.#wantObjects ? taskEventsOf(b) : undefined;
    for (const c of this.callbacks) {
      if (c.taskBatch !== undefined) safely(() => c.taskBatch?.(b, this.computeId));
      if (objects !== undefined && c.tasks !== undefined) safely(() => c.tasks?.(objects, this.computeId));
    }
  }

  /** Whether anyone listens for the 'running' event. */
  get wantsRunning(): boolean {
    return this.#wantEvents;
  }

  #runningSig = '';

  /**
   * Reports the batches running now and their workers (`event('running', { running })`, each
   * `{ worker, key, task, start }` with start in ms since the compute started), when that changed.
   */
  running(now: readonly { worker: number; batch: number; start: number }[]): void {
    const sig = now.map((r) => `${r.worker}:${r.batch}`).join(',');
    if (sig === this.#runningSig || this.#finished) return;
    this.#runningSig = sig;
    const running = now.filter((r) => r.batch < this.plan.count).map((r) => {
      const task = this.plan.root[r.batch]!;
      return { worker: r.worker, key: this.g.keys[task] as Key, task, start: r.start - this.t0 };
    });
    for (const c of this.callbacks) safely(() => c.event?.('running', { running }, this.computeId));
  }

  finish(ok: boolean, error?: Error): void {
    if (this.#finished) return;
    this.drain();
    this.#finished = true;
    if (this.#wantEvents) this.#memory(true);
    const info = { computeId: this.computeId, ok, elapsedMs: now() - this.t0, ...(error ? { error } : {}) };
    for (const c of this.callbacks) safely(() => c.finish?.(info));
  }
}

/**
 * Gives every task a group id without building a string per task: a key's group prefix is
 * compared with the few groups already seen (recent first), and sliced only when new.
 */
function assignGroups(keys: readonly Key[]): { names: string[]; ids: Int32Array } {
  const names: string[] = [];
  const ids = new Int32Array(keys.length);
  const byName = new Map<string, number>();
  let last = -1;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as Key;
    const len = keyGroupLength(key);
    let id = -1;
    if (last >= 0 && (names[last] as string).length === len && key.startsWith(names[last] as string)) id = last;
    else {
      for (let j = names.length - 1; j >= 0 && j >= names.length - 8; j--) {
        const nm = names[j] as string;
        if (nm.length === len && key.startsWith(nm)) {
          id = j;
          break;
        }
      }
      if (id < 0) {
        const nm = key.slice(0, len);
        id = byName.get(nm) ?? -1;
        if (id < 0) {
          id = names.length;
          names.push(nm);
          byName.set(nm, id);
        }
      }
    }
    ids[i] = id;
    last = id;
  }
  return { names, ids };
}
