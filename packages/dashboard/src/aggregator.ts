/**
 * The pure core of the dashboard: folds the scheduler's event stream (start, tasks, event,
 * finish) into counters and a delta, and cuts that delta into one `batch` message on
 * `flush()`. No sockets, no timers: the hub calls `flush()` about every 100 ms.
 *
 * Cost policy: O(1) per task event, never a walk over the graph. Counters are absolute, so a
 * batch carries only the groups and workers that changed. Task bars coalesce (BarBuffer); at
 * most `maxBars` go out per batch (the rest are counted as dropped) and the last `keepBars`
 * are kept for pages that connect later.
 *
 * Memory per worker: a task reaching 'memory' with nbytes > 0 adds to its worker's `held`;
 * its 'released' subtracts it again. Other events: `spill` {key, bytes | nbytes, worker?} moves
 * a result's bytes from held to spilled (on the worker that held it), `unspill` moves them
 * back, `worker-memory` {worker, held?, spilled?} sets a worker's figures outright (what a
 * distributed worker's heartbeat reports). The local scheduler's `memory` totals are not per
 * worker and are not shown per worker.
 */
import { keyGroup, type ComputeFinish, type ComputeStart, type TaskEvent } from '@tsdask/core-graph';
import {
  BAR_FIELDS,
  NODE_STATE,
  PROTOCOL_VERSION,
  type BatchMessage,
  type ComputeFinishMessage,
  type ComputeInfo,
  type ComputeStartMessage,
  type ErrorInfo,
  type GroupStatus,
  type HelloMessage,
  type WorkerInfo,
  type WorkerStatus,
} from './messages.js';
import { BarBuffer } from './bar-buffer.js';
import { DirtySet } from './dirty-set.js';
import { workerName } from './workers.js';

export interface AggregatorOptions {
  /** Most task bars per batch (default 4000). */
  maxBars?: number;
  /** Task bars kept for the snapshot of pages that connect later (default 20000). */
  keepBars?: number;
  /** Errors kept (default 200). */
  keepErrors?: number;
  /** Clock for `startedAt` (ms since the epoch). */
  now?: () => number;
}

interface Held {
  worker: number;
  nbytes: number;
}

export class Aggregator {
  readonly maxBars: number;
  readonly keepBars: number;
  readonly keepErrors: number;
  readonly #now: () => number;

  readonly #workerIds = new Map<string, number>();
  /** As the events name workers (number or string) -> id, and a one-entry cache of both maps. */
  readonly #workerRaw = new Map<number | string, number>();
  #lastWorkerRaw: number | string | undefined;
  #lastWorker = 0;
  #lastGroupName: string | undefined;
  #lastGroup = 0;
  readonly #workers: WorkerInfo[] = [];
  #newWorkers: WorkerInfo[] = [];
  #status: WorkerStatus[] = [];
  readonly #dirtyWorkers = new DirtySet();

  #compute: ComputeInfo | null = null;
  #finished: ComputeFinishMessage | null = null;
  #groupIds = new Map<string, number>();
  #newGroups: string[] = [];
  #groups: GroupStatus[] = [];
  readonly #dirtyGroups = new DirtySet();
  #keyIndex: Map<string, number> | null = null;
  /** Latest NODE_STATE of each graph node (graphs of a few thousand tasks only). */
  #nodeState = new Uint8Array(0);
  #held = new Map<string, Held>();
  /** Results spilled to disk, by key (their worker and bytes). */
  #spilled = new Map<string, Held>();
  #done = 0;
  #erred = 0;
  #time = 0;

  readonly #bars: BarBuffer;
  #nodes: number[] = [];
  #errors: ErrorInfo[] = [];
  #keptBars: number[] = [];
  #keptErrors: ErrorInfo[] = [];
  #changed = false;

  constructor(opts: AggregatorOptions = {}) {
    this.maxBars = opts.maxBars ?? 4000;
    this.keepBars = opts.keepBars ?? 20000;
    this.keepErrors = opts.keepErrors ?? 200;
    this.#bars = new BarBuffer(this.maxBars);
    this.#now = opts.now ?? Date.now;
  }

  /** The compute now shown (the current or the last one). */
  get compute(): ComputeInfo | null {
    return this.#compute;
  }

  /** Whether anything changed since the last flush. */
  get changed(): boolean {
    return this.#changed;
  }

  /** A compute began: resets the per-compute counters and returns its message. */
  start(info: ComputeStart): ComputeStartMessage {
    const groups = [...info.groups.keys()];
    this.#groupIds = new Map(groups.map((g, i) => [g, i]));
    this.#lastGroupName = undefined;
    this.#groups = groups.map((_, i) => ({ group: i, done: 0, erred: 0, running: 0 }));
    this.#newGroups = [];
    this.#dirtyGroups.clear();
    this.#held = new Map();
    this.#spilled = new Map();
    this.#done = 0;
    this.#erred = 0;
    this.#time = 0;
    this.#resetDelta();
    this.#keptBars = [];
    this.#keptErrors = [];
    this.#finished = null;
    this.#status = this.#status.map((s) => ({ id: s.id, done: 0, erred: 0, held: 0, peak: 0, spilled: 0, results: 0 }));
    for (const s of this.#status) this.#dirtyWorkers.add(s.id);
    let graph: ComputeInfo['graph'];
    this.#keyIndex = null;
    this.#nodeState = new Uint8Array(0);
    if (info.graph !== undefined) {
      const keys = [...info.graph.keys];
      this.#keyIndex = new Map(keys.map((k, i) => [k, i]));
      this.#nodeState = new Uint8Array(keys.length);
      graph = {
        keys,
        group: keys.map((k) => this.#groupOf(keyGroup(k))),
        depPtr: Array.from(info.graph.depPtr),
        depIdx: Array.from(info.graph.depIdx),
      };
    }
    this.#compute = {
      computeId: info.computeId,
      scheduler: info.scheduler,
      ntasks: info.ntasks,
      groups,
      totals: groups.map((g) => info.groups.get(g) ?? 0),
      workers: info.workers,
      startedAt: this.#now(),
      ...(graph ? { graph } : {}),
    };
    this.#compute.groups.push(...this.#newGroups);
    this.#compute.totals.push(...this.#newGroups.map(() => 0));
    this.#newGroups = [];
    this.#changed = true;
    return { type: 'compute-start', compute: this.#compute };
  }

  /** Folds a batch of task events in: O(1) each. */
  tasks(events: readonly TaskEvent[]): void {
    if (this.#compute === null) return;
    for (let i = 0; i < events.length; i++) this.#task(events[i] as TaskEvent);
    if (events.length > 0) this.#changed = true;
  }

  #task(e: TaskEvent): void {
    const state = e.state;
    if (state === 'waiting' || state === 'ready') return;
    const g = this.#groupOf(e.group);
    const gs = this.#groups[g] as GroupStatus;
    if (e.start > this.#time) this.#time = e.start;
    if (e.stop > this.#time) this.#time = e.stop;
    const node = this.#keyIndex === null ? undefined : this.#keyIndex.get(e.key);
    switch (e.state) {
      case 'running':
        gs.running++;
        this.#dirtyGroups.add(g);
        this.#node(node, NODE_STATE.running);
        return;
      case 'memory': {
        const w = this.#workerOf(e.worker);
        const ws = this.#status[w] as WorkerStatus;
        gs.done++;
        if (gs.running > 0) gs.running--;
        this.#done++;
        ws.done++;
        if (e.nbytes > 0) {
          const prev = this.#held.get(e.key);
          if (prev) this.#release(prev);
          this.#held.set(e.key, { worker: w, nbytes: e.nbytes });
          ws.held += e.nbytes;
          ws.results++;
          if (ws.held > ws.peak) ws.peak = ws.held;
        }
        this.#dirtyGroups.add(g);
        this.#dirtyWorkers.add(w);
        this.#bars.add(w, g, e.start, e.stop, 0);
        this.#node(node, NODE_STATE.memory);
        return;
      }
      case 'erred': {
        const w = this.#workerOf(e.worker);
        gs.erred++;
        if (gs.running > 0) gs.running--;
        this.#erred++;
        (this.#status[w] as WorkerStatus).erred++;
        this.#dirtyGroups.add(g);
        this.#dirtyWorkers.add(w);
        if (e.stop > 0) this.#bars.add(w, g, e.start, e.stop, 1);
        this.#error({ key: e.key, group: e.group, worker: w, message: '', time: e.stop || e.start });
        this.#node(node, NODE_STATE.erred);
        return;
      }
      case 'released': {
        const h = this.#held.get(e.key);
        if (h) {
          this.#held.delete(e.key);
          this.#release(h);
        } else if (this.#spilled.size > 0) {
          const s = this.#spilled.get(e.key);
          if (s) {
            this.#spilled.delete(e.key);
            const ws = this.#status[s.worker] as WorkerStatus;
            ws.spilled = Math.max(0, ws.spilled - s.nbytes);
            this.#dirtyWorkers.add(s.worker);
          }
        }
        this.#node(node, NODE_STATE.released);
        return;
      }
      default:
        return;
    }
  }

  #release(h: Held): void {
    const ws = this.#status[h.worker] as WorkerStatus;
    ws.held = Math.max(0, ws.held - h.nbytes);
    if (ws.results > 0) ws.results--;
    this.#dirtyWorkers.add(h.worker);
  }

  /** Any other scheduler event: memory and spill figures; unknown names are ignored. */
  event(name: string, payload: Record<string, unknown>): void {
    if (name !== 'spill' && name !== 'unspill' && name !== 'worker-memory') return;
    const key = typeof payload['key'] === 'string' ? payload['key'] : undefined;
    const nbytes = num(payload['nbytes']) ?? num(payload['bytes']);
    const raw = payload['worker'];
    let w = typeof raw === 'number' || typeof raw === 'string' ? this.#workerOf(raw) : undefined;
    if (name === 'spill') {
      const h = key === undefined ? undefined : this.#held.get(key);
      w ??= h?.worker;
      if (w === undefined) return;
      const ws = this.#status[w] as WorkerStatus;
      const moved = nbytes ?? h?.nbytes ?? 0;
      if (h) {
        this.#held.delete(key as string);
        this.#release(h);
      } else ws.held = Math.max(0, ws.held - moved);
      ws.spilled += moved;
      if (key !== undefined) this.#spilled.set(key, { worker: w, nbytes: moved });
    } else if (name === 'unspill') {
      const s = key === undefined ? undefined : this.#spilled.get(key);
      w ??= s?.worker;
      if (w === undefined) return;
      const ws = this.#status[w] as WorkerStatus;
      const moved = Math.min(ws.spilled, nbytes ?? s?.nbytes ?? 0);
      ws.spilled -= moved;
      ws.held += moved;
      if (ws.held > ws.peak) ws.peak = ws.held;
      if (s && key !== undefined) {
        this.#spilled.delete(key);
        this.#held.set(key, { worker: w, nbytes: moved });
        ws.results++;
      }
    } else {
      if (w === undefined) return;
      const ws = this.#status[w] as WorkerStatus;
      const held = num(payload['held']);
      const spilled = num(payload['spilled']);
      if (held !== undefined) ws.held = held;
      if (spilled !== undefined) ws.spilled = spilled;
      if (ws.held > ws.peak) ws.peak = ws.held;
    }
    this.#dirtyWorkers.add(w);
    this.#changed = true;
  }

  /** The compute ended; its error, if any, is attached to the failed key's entry. */
  finish(info: ComputeFinish): ComputeFinishMessage {
    const message = info.error ? `${info.error.name}: ${info.error.message}` : undefined;
    const key = (info.error as { key?: unknown } | undefined)?.key;
    if (message !== undefined) {
      const entry = [...this.#errors, ...this.#keptErrors].find((x) => x.key === key && x.message === '');
      if (entry) entry.message = message;
      else this.#error({ key: typeof key === 'string' ? key : '', group: '', worker: -1, message, time: info.elapsedMs });
    }
    this.#finished = {
      type: 'compute-finish',
      computeId: info.computeId,
      ok: info.ok,
      elapsedMs: info.elapsedMs,
      ...(message !== undefined ? { error: message } : {}),
    };
    if (info.elapsedMs > this.#time) this.#time = info.elapsedMs;
    this.#changed = true;
    return this.#finished;
  }

  /** The delta since the last flush as one message (null when nothing happened). */
  flush(): BatchMessage | null {
    if (!this.#changed || this.#compute === null) return null;
    const batch = this.#batch([...this.#dirtyGroups].map((g) => ({ ...(this.#groups[g] as GroupStatus) })), [
      ...this.#dirtyWorkers,
    ].map((w) => ({ ...(this.#status[w] as WorkerStatus) })), this.#bars.bars, this.#errors);
    this.#keep(this.#bars.bars, this.#errors);
    this.#compute.groups.push(...this.#newGroups);
    this.#compute.totals.push(...this.#newGroups.map(() => 0));
    this.#resetDelta();
    this.#changed = false;
    return batch;
  }

  /** Everything a page needs to draw from scratch (the pending delta included). */
  hello(): HelloMessage {
    const compute = this.#compute;
    const state =
      compute === null
        ? null
        : {
            ...this.#batch(this.#groups.map((g) => ({ ...g })), this.#status.map((s) => ({ ...s })), [...this.#keptBars, ...this.#bars.bars], [
              ...this.#keptErrors,
              ...this.#errors,
            ]),
            newWorkers: [],
            newGroups: [],
            nodes: compute.graph ? this.#nodeSnapshot(compute.graph.keys.length) : [],
          };
    const pendingGroups = this.#newGroups;
    return {
      type: 'hello',
      version: PROTOCOL_VERSION,
      workers: [...this.#workers],
      compute: compute && pendingGroups.length > 0 ? { ...compute, groups: [...compute.groups, ...pendingGroups], totals: [...compute.totals, ...pendingGroups.map(() => 0)] } : compute,
      state,
      finished: this.#finished,
    };
  }

  #batch(progress: GroupStatus[], workers: WorkerStatus[], bars: number[], errors: ErrorInfo[]): BatchMessage {
    return {
      type: 'batch',
      computeId: (this.#compute as ComputeInfo).computeId,
      time: this.#time,
      done: this.#done,
      erred: this.#erred,
      newWorkers: this.#newWorkers,
      newGroups: this.#newGroups,
      progress,
      workers,
      bars,
      droppedBars: this.#bars.dropped,
      nodes: this.#nodes,
      errors,
    };
  }

  #nodeSnapshot(n: number): number[] {
    const out: number[] = [];
    const s = this.#nodeState;
    for (let i = 0; i < n; i++) if (s[i] !== NODE_STATE.waiting) out.push(i, s[i] as number);
    return out;
  }

  #node(node: number | undefined, state: number): void {
    if (node === undefined) return;
    this.#nodeState[node] = state;
    this.#nodes.push(node, state);
  }

  #keep(bars: number[], errors: ErrorInfo[]): void {
    if (bars.length > 0) {
      this.#keptBars.push(...bars);
      const over = this.#keptBars.length - this.keepBars * BAR_FIELDS;
      if (over > 0) this.#keptBars.splice(0, over);
    }
    if (errors.length > 0) {
      this.#keptErrors.push(...errors);
      if (this.#keptErrors.length > this.keepErrors) this.#keptErrors.splice(0, this.#keptErrors.length - this.keepErrors);
    }
  }

  #resetDelta(): void {
    this.#newWorkers = [];
    this.#dirtyGroups.clear();
    this.#dirtyWorkers.clear();
    this.#bars.reset();
    this.#nodes = [];
    this.#errors = [];
  }

  #error(e: ErrorInfo): void {
    if (this.#errors.length < this.keepErrors) this.#errors.push(e);
  }

  #groupOf(name: string): number {
    if (name === this.#lastGroupName) return this.#lastGroup;
    let g = this.#groupIds.get(name);
    if (g === undefined) {
      g = this.#groups.length;
      this.#groupIds.set(name, g);
      this.#groups.push({ group: g, done: 0, erred: 0, running: 0 });
      this.#newGroups.push(name);
    }
    this.#lastGroupName = name;
    this.#lastGroup = g;
    return g;
  }

  #workerOf(worker: number | string): number {
    if (worker === this.#lastWorkerRaw) return this.#lastWorker;
    let w = this.#workerRaw.get(worker);
    if (w === undefined) w = this.#newWorker(worker);
    this.#lastWorkerRaw = worker;
    this.#lastWorker = w;
    return w;
  }

  #newWorker(worker: number | string): number {
    const name = workerName(worker);
    let w = this.#workerIds.get(name);
    if (w === undefined) {
      w = this.#workers.length;
      const info = { id: w, name };
      this.#workerIds.set(name, w);
      this.#workers.push(info);
      this.#newWorkers.push(info);
      this.#status.push({ id: w, done: 0, erred: 0, held: 0, peak: 0, spilled: 0, results: 0 });
    }
    this.#workerRaw.set(worker, w);
    return w;
  }
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined;
}

