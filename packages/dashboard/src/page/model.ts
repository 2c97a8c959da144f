/**
 * The page's state: applies the server's messages (hello, compute-start, batch,
 * compute-finish, and a cluster scheduler's `cluster`) in O(size of the message), never walking
 * the graph. Views read it.
 */
import {
  BAR_FIELDS,
  NODE_STATE,
  TRANSFER_FIELDS,
  type BatchMessage,
  type ClusterMessage,
  type ClusterWorkerStatus,
  type NannyRestart,
  type TransferLink,
  type ComputeFinishMessage,
  type ComputeInfo,
  type ErrorInfo,
  type GroupStatus,
  type ServerMessage,
  type WorkerInfo,
  type WorkerStatus,
} from '../messages.js';

/** Bars kept for drawing (older ones fall off). */
const MAX_BARS = 100_000;
/** Points of the task-rate series kept. */
const MAX_RATE_POINTS = 600;
/** Recent transfers kept. */
const MAX_TRANSFERS = 200;
/** Nanny restarts kept. */
const MAX_RESTARTS = 100;

export class Model {
  workers: WorkerInfo[] = [];
  status = new Map<number, WorkerStatus>();
  compute: ComputeInfo | null = null;
  finished: ComputeFinishMessage | null = null;
  progress: GroupStatus[] = [];
  done = 0;
  erred = 0;
  /** ms since the compute's start, as of the latest batch. */
  time = 0;
  /** Flat bars (BAR_FIELDS each), a window of the latest MAX_BARS. */
  bars: number[] = [];
  /** Tasks drawn in the task stream, per worker id (counts of every bar received). */
  streamTasks = new Map<number, number>();
  droppedBars = 0;
  /** (time ms, tasks per second) points. */
  rate: [number, number][] = [];
  nodeState = new Uint8Array(0);
  errors: ErrorInfo[] = [];
  /** What runs now: flat (worker id, group id, start ms) triples. */
  running: number[] = [];
  /** A cluster's workers by WorkerInfo id (empty for a local scheduler). */
  cluster = new Map<number, ClusterWorkerStatus>();
  /** The nannies' restarts, oldest first (the last MAX_RESTARTS). */
  restarts: NannyRestart[] = [];
  /** Bytes moved between workers so far, by `from,to`. */
  links = new Map<string, TransferLink>();
  /** Recent transfers, flat (TRANSFER_FIELDS each), oldest first. */
  transfers: number[] = [];
  /** performance.now() when the latest batch arrived. */
  #receivedAt = 0;
  /** Bumped on every change, so views redraw only when needed. */
  version = 0;
  /** Bumped when a new compute (or graph) arrives. */
  computeVersion = 0;
  #lastDone = 0;
  #lastTime = 0;

  apply(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello':
        this.workers = [...msg.workers];
        this.status = new Map();
        if (msg.compute) this.#startCompute(msg.compute);
        else this.compute = null;
        if (msg.state) this.#batch(msg.state);
        this.finished = msg.finished;
        this.cluster = new Map();
        this.links = new Map();
        this.transfers = [];
        this.restarts = [];
        if (msg.cluster) this.#cluster(msg.cluster);
        break;
      case 'cluster':
        this.#cluster(msg);
        break;
      case 'compute-start':
        this.#startCompute(msg.compute);
        break;
      case 'batch':
        if (msg.computeId === this.compute?.computeId) this.#batch(msg);
        break;
      case 'compute-finish':
        if (msg.computeId === this.compute?.computeId) {
          this.finished = msg;
          this.running = [];
          if (msg.elapsedMs > this.time) this.time = msg.elapsedMs;
        }
        break;
    }
    this.version++;
  }

  #cluster(m: ClusterMessage): void {
    for (const w of m.newWorkers) if (!this.workers.some((x) => x.id === w.id)) this.workers.push(w);
    for (const w of m.workers) this.cluster.set(w.id, w);
    for (const l of m.links) this.links.set(`${l.from},${l.to}`, l);
    this.transfers.push(...m.transfers);
    this.restarts.push(...(m.restarts ?? []));
    if (this.restarts.length > MAX_RESTARTS) this.restarts.splice(0, this.restarts.length - MAX_RESTARTS);
    if (this.transfers.length > MAX_TRANSFERS * TRANSFER_FIELDS) this.transfers.splice(0, this.transfers.length - MAX_TRANSFERS * TRANSFER_FIELDS);
  }

  #startCompute(c: ComputeInfo): void {
    this.compute = c;
    this.finished = null;
    this.progress = c.groups.map((_, i) => ({ group: i, done: 0, erred: 0, running: 0 }));
    this.done = 0;
    this.erred = 0;
    this.time = 0;
    this.bars = [];
    this.streamTasks = new Map();
    this.droppedBars = 0;
    this.rate = [[0, 0]];
    this.errors = [];
    this.running = [];
    this.nodeState = new Uint8Array(c.graph ? c.graph.keys.length : 0);
    for (const s of this.status.values()) Object.assign(s, { done: 0, erred: 0, held: 0, peak: 0, spilled: 0, results: 0 });
    this.#lastDone = 0;
    this.#lastTime = 0;
    this.computeVersion++;
  }

  #batch(b: BatchMessage): void {
    const c = this.compute as ComputeInfo;
    for (const w of b.newWorkers) if (!this.workers.some((x) => x.id === w.id)) this.workers.push(w);
    for (const g of b.newGroups) {
      c.groups.push(g);
      c.totals.push(0);
      this.progress.push({ group: this.progress.length, done: 0, erred: 0, running: 0 });
    }
    for (const p of b.progress) this.progress[p.group] = p;
    for (const w of b.workers) this.status.set(w.id, w);
    for (let i = 0; i < b.bars.length; i += BAR_FIELDS) {
      const w = b.bars[i] as number;
      this.streamTasks.set(w, (this.streamTasks.get(w) ?? 0) + (b.bars[i + 4] as number));
    }
    this.bars.push(...b.bars);
    if (this.bars.length > MAX_BARS * BAR_FIELDS) this.bars.splice(0, this.bars.length - MAX_BARS * BAR_FIELDS);
    this.droppedBars += b.droppedBars;
    for (let i = 0; i < b.nodes.length; i += 2) {
      const n = b.nodes[i] as number;
      if (n < this.nodeState.length) this.nodeState[n] = b.nodes[i + 1] as number;
    }
    for (const e of b.errors) {
      const same = this.errors.find((x) => x.key === e.key && e.key !== '');
      if (same) Object.assign(same, e);
      else this.errors.push(e);
    }
    this.done = b.done;
    this.erred = b.erred;
    this.running = b.running ?? [];
    this.#receivedAt = performance.now();
    if (b.time > this.#lastTime) {
      const dt = b.time - this.#lastTime;
      if (dt >= 50) {
        this.rate.push([b.time, ((b.done - this.#lastDone) * 1000) / dt]);
        if (this.rate.length > MAX_RATE_POINTS) this.rate.shift();
        this.#lastDone = b.done;
        this.#lastTime = b.time;
      }
    }
    if (b.time > this.time) this.time = b.time;
  }

  /** ms since the compute started, now: the latest batch's time, moved on while something runs. */
  get liveTime(): number {
    if (this.finished || this.running.length === 0) return this.time;
    return this.time + (performance.now() - this.#receivedAt);
  }

  /** Done fraction of the whole compute, 0..1. */
  get fraction(): number {
    const n = this.compute?.ntasks ?? 0;
    return n === 0 ? 0 : Math.min(1, this.done / n);
  }

  /** Latest tasks-per-second figure (over the compute when it has finished). */
  get currentRate(): number {
    if (this.finished && this.finished.elapsedMs > 0) return (this.done * 1000) / this.finished.elapsedMs;
    return this.rate.length > 0 ? (this.rate[this.rate.length - 1] as [number, number])[1] : 0;
  }

  /** Name of a worker id. */
  workerName(id: number): string {
    return this.workers.find((w) => w.id === id)?.name ?? `worker ${id}`;
  }
}

export { NODE_STATE };
