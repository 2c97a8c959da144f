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
 * Task events come in columns (TaskEventBatch): the loop reads typed arrays and never builds
 * a string or an object per task. Tasks are known by their index in the compute's keys.
 *
 * Memory per worker is kept by MemoryLedger, from task events and the events 'spill' / 'unspill'
 * {key, task?, bytes, worker?} and 'worker-memory' {worker, held?, spilled?}. The local
 * scheduler's 'memory' totals are not per worker and are not shown per worker.
 *
 * A cluster scheduler's workers and transfers (events of computeId 'cluster') are kept by
 * ClusterView (cluster-view.ts) and go out in their own `cluster` message (`flushCluster()`).
 * A cluster compute (scheduler 'distributed') has no calling thread: a task row without a worker
 * (a task that failed because an input failed) counts for no worker.
 */
import {
  TaskStateCode,
  type ComputeFinish,
  type ComputeStart,
  type Key,
  type RunningBatch,
  type SchedulerEvent,
  type TaskEventBatch,
} from '@tsdask/core-graph';
import {
  NODE_STATE,
  PROTOCOL_VERSION,
  type BatchMessage,
  type ClusterMessage,
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
import { ClusterView } from './cluster-view.js';
import { DirtySet } from './dirty-set.js';
import { GroupTable } from './groups.js';
import { KeptHistory } from './kept.js';
import { MemoryLedger } from './memory-ledger.js';
import { TableMap } from './table-map.js';
import { WorkerTable } from './workers.js';

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

const { running: RUNNING, memory: MEMORY, released: RELEASED, erred: ERRED } = TaskStateCode;
/** The scheduler name of a cluster's computes (scheduler-distributed's event pump). */
const CLUSTER_SCHEDULER = 'distributed';

export class Aggregator {
  readonly maxBars: number;
  readonly keepBars: number;
  readonly keepErrors: number;
  readonly #now: () => number;

  readonly #workerTable = new WorkerTable();
  readonly #dirtyWorkers = new DirtySet();

  #compute: ComputeInfo | null = null;
  #finished: ComputeFinishMessage | null = null;
  readonly #groupTable = new GroupTable();
  readonly #dirtyGroups = new DirtySet();
  /** The compute's keys (task index -> key), and key -> index, built only when an event names a key. */
  #keys: readonly Key[] = [];
  #keyIndex: Map<Key, number> | null = null;
  /** Latest NODE_STATE of each graph node (graphs of a few thousand tasks only). */
  #nodeState = new Uint8Array(0);
  readonly #memory = new MemoryLedger(() => this.#workerTable.status, this.#dirtyWorkers);
  /** Translation of the batches' tables (groups, workers, keys) into our ids. */
  readonly #groupMap = new TableMap<string>((name) => this.#groupTable.of(name));
  readonly #workerMap = new TableMap<number | string>((w) => this.#workerOf(w));
  readonly #taskMap = new TableMap<Key>((key) => this.#taskOf(key));
  #done = 0;
  #erred = 0;
  #time = 0;
  /** What runs now (see BatchMessage.running), and each task's group id. */
  #running: number[] = [];
  #groupOfTask: Int32Array = new Int32Array(0);

  readonly #bars: BarBuffer;
  #nodes: number[] = [];
  readonly #kept: KeptHistory;
  #changed = false;
  /** Whether the compute shown runs on a cluster (rows without a worker then count for none). */
  #cluster = false;
  /** The cluster's workers and transfers (computes come and go; these stay). */
  readonly clusterView: ClusterView;

  constructor(opts: AggregatorOptions = {}) {
    this.maxBars = opts.maxBars ?? 4000;
    this.keepBars = opts.keepBars ?? 20000;
    this.keepErrors = opts.keepErrors ?? 200;
    this.#bars = new BarBuffer(this.maxBars);
    this.#kept = new KeptHistory(this.keepBars, this.keepErrors);
    this.#now = opts.now ?? Date.now;
    this.clusterView = new ClusterView((address) => this.#workerTable.all[this.#workerOf(address)] as WorkerInfo, { now: this.#now });
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
    this.#groupTable.reset(groups);
    this.#groupMap.reset();
    this.#taskMap.reset();
    this.#keys = info.keys;
    this.#keyIndex = null;
    this.#dirtyGroups.clear();
    this.#memory.reset(info.keys.length);
    this.#running = [];
    this.#groupOfTask = info.groupOf;
    this.#cluster = info.scheduler === CLUSTER_SCHEDULER;
    this.#done = 0;
    this.#erred = 0;
    this.#time = 0;
    this.#resetDelta();
    this.#kept.reset();
    this.#finished = null;
    this.#workerTable.resetStatus();
    for (const s of this.#workerTable.status) this.#dirtyWorkers.add(s.id);
    let graph: ComputeInfo['graph'];
    this.#nodeState = new Uint8Array(0);
    if (info.graph !== undefined) {
      const keys = [...info.graph.keys];
      this.#nodeState = new Uint8Array(keys.length);
      graph = {
        keys,
        group: Array.from(info.groupOf.subarray(0, keys.length)),
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
    this.#changed = true;
    return { type: 'compute-start', compute: this.#compute };
  }

  /** Folds a batch of task events in: O(1) each, typed-array reads only. */
  taskBatch(b: TaskEventBatch): void {
    if (this.#compute === null || b.length === 0) return;
    const groupMap = this.#groupMap.of(b.groups);
    const workerMap = this.#workerMap.of(b.workers);
    // Schedulers index the compute's own keys; other sources (tests, adapters) bring their own.
    const taskMap = b.keys === this.#keys ? null : this.#taskMap.of(b.keys);
    const { task, state, worker, start, stop, nbytes, groupOf } = b;
    const groups = this.#groupTable.status;
    const dirtyGroups = this.#dirtyGroups;
    const dirtyWorkers = this.#dirtyWorkers;
    const bars = this.#bars;
    const status = this.#workerTable.status;
    // Node i of the graph view is task i; no graph was sent when there are no nodes.
    const nodes = this.#nodeState.length > 0;
    let time = this.#time;
    for (let i = 0; i < b.length; i++) {
      const st = state[i] as number;
      if (st < RUNNING) continue;
      const bt = task[i] as number;
      const t = taskMap === null ? bt : (taskMap[bt] as number);
      const g = groupMap[groupOf[bt] as number] as number;
      const gs = groups[g] as GroupStatus;
      const t0 = start[i] as number;
      const t1 = stop[i] as number;
      if (t0 > time) time = t0;
      if (t1 > time) time = t1;
      if (st === RUNNING) {
        gs.running++;
        dirtyGroups.add(g);
        if (nodes) this.#node(t, NODE_STATE.running);
      } else if (st === MEMORY) {
        const bw = worker[i] as number;
        const w = bw >= 0 ? (workerMap[bw] as number) : this.#cluster ? -1 : this.#workerOf(-1);
        gs.done++;
        if (gs.running > 0) gs.running--;
        this.#done++;
        dirtyGroups.add(g);
        if (w >= 0) {
          (status[w] as WorkerStatus).done++;
          const n = nbytes[i] as number;
          if (n > 0) this.#memory.stored(t, w, n);
          dirtyWorkers.add(w);
          bars.add(w, g, t0, t1, 0);
        }
        if (nodes) this.#node(t, NODE_STATE.memory);
      } else if (st === ERRED) {
        const bw = worker[i] as number;
        const w = bw >= 0 ? (workerMap[bw] as number) : this.#cluster ? -1 : this.#workerOf(-1);
        gs.erred++;
        if (gs.running > 0) gs.running--;
        this.#erred++;
        dirtyGroups.add(g);
        if (w >= 0) {
          (status[w] as WorkerStatus).erred++;
          dirtyWorkers.add(w);
          if (t1 > 0) bars.add(w, g, t0, t1, 1);
        }
        this.#kept.error({ key: b.keys[bt] as Key, group: b.groups[groupOf[bt] as number] as string, worker: w, message: '', time: t1 || t0 });
        this.#node(t, NODE_STATE.erred);
      } else if (st === RELEASED) {
        if (t >= 0) this.#memory.released(t);
        if (nodes) this.#node(t, NODE_STATE.released);
      }
    }
    this.#time = time;
    this.#changed = true;
  }

  /** The compute task index of a key, or -1. */
  #taskOf(key: Key): number {
    this.#keyIndex ??= new Map(this.#keys.map((k, i) => [k, i]));
    return this.#keyIndex.get(key) ?? -1;
  }

  /**
   * The scheduler events beyond start, task batches and finish (which have their own methods):
   * what runs where, spills and per-worker memory, and the cluster's workers and transfers
   * (ClusterView); the other kinds are ignored.
   */
  event(e: SchedulerEvent): void {
    let w: number | undefined;
    switch (e.type) {
      case 'running':
        this.#onRunning(e.running);
        return;
      case 'spill':
      case 'unspill': {
        const task = e.task ?? this.#taskOf(e.key);
        const given = e.worker !== undefined ? this.#workerOf(e.worker) : undefined;
        w = e.type === 'spill' ? this.#memory.spill(task, given, num(e.bytes)) : this.#memory.unspill(task, given, num(e.bytes));
        break;
      }
      case 'worker-memory':
        this.clusterView.event(e);
        w = this.#workerOf(e.worker);
        this.#memory.report(w, num(e.held), num(e.spilled));
        break;
      case 'worker-added':
      case 'worker-removed':
      case 'transfer':
      case 'nanny-report':
        this.clusterView.event(e);
        return;
      default:
        return;
    }
    if (w === undefined) return;
    this.#dirtyWorkers.add(w);
    this.#changed = true;
  }

  /** The batches running now (`{ worker, key, task?, start }` each): replaces the last set. */
  #onRunning(list: readonly RunningBatch[]): void {
    const out: number[] = [];
    for (const r of list) {
      const task = r.task ?? this.#taskOf(r.key);
      if (task < 0 || task >= this.#groupOfTask.length) continue;
      out.push(this.#workerOf(r.worker), this.#groupOfTask[task] as number, r.start);
    }
    this.#running = out;
    // The time goes on while something runs, though no task event says so.
    if (this.#compute !== null) this.#time = Math.max(this.#time, this.#now() - this.#compute.startedAt);
    this.#changed = true;
  }

  /** The compute ended; its error, if any, is attached to the failed key's entry. */
  finish(info: ComputeFinish): ComputeFinishMessage {
    this.#running = [];
    const message = info.error ? `${info.error.name}: ${info.error.message}` : undefined;
    const key = (info.error as { key?: unknown } | undefined)?.key;
    if (message !== undefined) {
      const entry = this.#kept.openError(key);
      if (entry) entry.message = message;
      else this.#kept.error({ key: typeof key === 'string' ? key : '', group: '', worker: -1, message, time: info.elapsedMs });
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
    const batch = this.#batch(
      [...this.#dirtyGroups].map((g) => ({ ...(this.#groupTable.status[g] as GroupStatus) })),
      [...this.#dirtyWorkers].map((w) => ({ ...(this.#workerTable.status[w] as WorkerStatus) })),
      this.#bars.bars,
      this.#kept.errors,
    );
    this.#kept.keep(this.#bars.bars);
    // The batch announced the new groups; the compute lists them from now on (once).
    const added = this.#groupTable.takeAdded();
    this.#compute.groups.push(...added);
    this.#compute.totals.push(...added.map(() => 0));
    this.#resetDelta();
    this.#changed = false;
    return batch;
  }

  /** The cluster's changes since the last call, as one `cluster` message (null when none). */
  flushCluster(): ClusterMessage | null {
    return this.clusterView.flush();
  }

  /** Everything a page needs to draw from scratch (the pending delta included). */
  hello(): HelloMessage {
    const compute = this.#compute;
    const state =
      compute === null
        ? null
        : {
            ...this.#batch(
              this.#groupTable.status.map((g) => ({ ...g })),
              this.#workerTable.status.map((s) => ({ ...s })),
              this.#kept.allBars(this.#bars.bars),
              this.#kept.allErrors(),
            ),
            newWorkers: [],
            newGroups: [],
            nodes: compute.graph ? this.#nodeSnapshot(compute.graph.keys.length) : [],
          };
    const pendingGroups = this.#groupTable.added;
    const cluster = this.clusterView.snapshot();
    return {
      type: 'hello',
      version: PROTOCOL_VERSION,
      workers: [...this.#workerTable.all],
      compute:
        compute && pendingGroups.length > 0
          ? { ...compute, groups: [...compute.groups, ...pendingGroups], totals: [...compute.totals, ...pendingGroups.map(() => 0)] }
          : compute,
      state,
      finished: this.#finished,
      ...(cluster !== undefined ? { cluster } : {}),
    };
  }

  #batch(progress: GroupStatus[], workers: WorkerStatus[], bars: number[], errors: ErrorInfo[]): BatchMessage {
    return {
      type: 'batch',
      computeId: (this.#compute as ComputeInfo).computeId,
      time: this.#time,
      done: this.#done,
      erred: this.#erred,
      newWorkers: this.#workerTable.added,
      newGroups: [...this.#groupTable.added],
      progress,
      workers,
      bars,
      droppedBars: this.#bars.dropped,
      nodes: this.#nodes,
      errors,
      running: this.#running,
    };
  }

  #nodeSnapshot(n: number): number[] {
    const out: number[] = [];
    const s = this.#nodeState;
    for (let i = 0; i < n; i++) if (s[i] !== NODE_STATE.waiting) out.push(i, s[i] as number);
    return out;
  }

  #node(node: number, state: number): void {
    if (node < 0 || node >= this.#nodeState.length) return;
    this.#nodeState[node] = state;
    this.#nodes.push(node, state);
  }

  #resetDelta(): void {
    this.#workerTable.takeAdded();
    this.#dirtyGroups.clear();
    this.#dirtyWorkers.clear();
    this.#bars.reset();
    this.#nodes = [];
  }

  #workerOf(worker: number | string): number {
    return this.#workerTable.of(worker);
  }
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined;
}
