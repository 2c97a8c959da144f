/**
 * Making tasks progress toward memory and handing ready ones out. A needed released task waits
 * for its inputs (walking to the released ones in turn), errs when one erred, or is ready: a
 * task with inputs goes to the worker that holds most of its input bytes (placement.ts, or the
 * worker `pin` names); a root task (no inputs), or any when no worker is live, is queued and
 * handed out only to a worker with fewer than ceil(saturation * nthreads) + slack processing
 * (see SchedulerState's policy). Pure.
 */
import type { Key } from '@tsdask/core-graph';
import { ScatteredDataLostError } from './errors.js';
import type { MachineOps } from './lost-data.js';
import { decideWorker, type PlacedInput } from './placement.js';
import { TaskQueue, type TaskRecord } from './task-record.js';
import { ERRED, MEMORY, PROCESSING, QUEUED, RELEASED, WAITING } from './task-states.js';
import type { WorkerState } from './worker-state.js';

/** What readiness needs of the machine. */
export interface ReadyOps extends Pick<MachineOps, 'workers' | 'emit' | 'move' | 'fail'> {
  /** The worker `t` must run on, if any (SchedulerState.restrict). */
  pin(t: TaskRecord): string | undefined;
}

/** A task's inputs as placement reads them. */
const inputsOf = (t: TaskRecord): PlacedInput[] => t.deps.map((d) => ({ nbytes: d.nbytes, holders: d.whoHas }));

/** The machine's walk toward memory, its queue of ready tasks, and where ready tasks go (see the header). */
export class ReadyTasks {
  readonly #m: ReadyOps;
  readonly #saturation: number;
  readonly #rootSlack: number;
  readonly #queue = new TaskQueue();

  constructor(m: ReadyOps, saturation: number, rootSlack: number) {
    this.#m = m;
    this.#saturation = saturation;
    this.#rootSlack = rootSlack;
  }

  /** Up to `n` tasks of the queue (queued ones, in no particular order), without removing them. */
  queuedSample(n: number): TaskRecord[] {
    return this.#queue.sample(n, (t) => t.state === QUEUED);
  }

  /** The walk toward memory over `work`, for at most `budget` tasks (ingest.ts pauses it between steps); returns how many it took. */
  needFrom(work: TaskRecord[], budget: number): number {
    const m = this.#m;
    let taken = 0;
    for (let t = taken < budget ? work.pop() : undefined; t !== undefined; t = ++taken < budget ? work.pop() : undefined) {
      if (t.state !== RELEASED) continue;
      if (t.scattered) {
        m.fail(t, new ScatteredDataLostError(t.key));
        continue;
      }
      const bad = t.deps.find((d) => d.state === ERRED);
      if (bad !== undefined) {
        m.fail(t, bad.error!);
        continue;
      }
      let missing = 0;
      for (const d of t.deps) if (d.state !== MEMORY) missing++;
      if (missing === 0) {
        this.ready(t);
        continue;
      }
      t.waitingOn = missing;
      m.move(t, WAITING);
      for (const d of t.deps) if (d.state === RELEASED) work.push(d);
    }
    return taken;
  }

  /** `t`'s inputs are all in memory: queue it (a root task, or no worker) or send it to the best worker. */
  ready(t: TaskRecord): void {
    if (t.deps.length === 0 || this.#m.workers.size === 0) {
      this.#m.move(t, QUEUED);
      this.#queue.push(t);
      return;
    }
    this.#send(t, this.#pinned(t) ?? decideWorker(this.#m.workers.values(), inputsOf(t))!);
  }

  /** Puts processing `t` on `w` and sends it there. */
  assign(t: TaskRecord, w: WorkerState): void {
    t.processingOn = w;
    w.processing.add(t.key);
    const whoHas: Record<Key, string[]> = {};
    for (const d of t.deps) whoHas[d.key] = [...d.whoHas].map((h) => h.name);
    this.#m.emit({ type: 'compute-task', worker: w.name, key: t.key, node: t.node, priority: t.priority, whoHas });
  }

  /** Hands queued tasks to workers while one has room (root tasks: under the saturation limit). */
  drain(): void {
    const q = this.#queue;
    while (q.size > 0) {
      const t = q.peek()!;
      if (t.state !== QUEUED) {
        q.pop();
        continue;
      }
      const w = t.deps.length > 0 ? (this.#pinned(t) ?? decideWorker(this.#m.workers.values(), inputsOf(t))) : this.#openForRoot();
      if (w === undefined) return;
      q.pop();
      this.#send(t, w);
    }
  }

  /** The live worker `pin` names for `t`, if any. */
  #pinned(t: TaskRecord): WorkerState | undefined {
    const name = this.#m.pin(t);
    return name === undefined ? undefined : this.#m.workers.get(name);
  }

  #send(t: TaskRecord, w: WorkerState): void {
    this.#m.move(t, PROCESSING);
    this.assign(t, w);
  }

  /** The least occupied worker (earliest on ties) under its saturation limit, if any: where a root task goes. */
  #openForRoot(): WorkerState | undefined {
    let best: WorkerState | undefined;
    for (const w of this.#m.workers.values()) {
      if (w.processing.size >= w.rootLimit(this.#saturation, this.#rootSlack)) continue;
      if (best === undefined || w.occupancy < best.occupancy) best = w;
    }
    return best;
  }
}
