/**
 * The cluster part of the dashboard's pure core: folds a cluster scheduler's events
 * ('worker-added', 'worker-removed', 'worker-memory', 'transfer', 'nanny-report'; computeId
 * 'cluster') into the workers panel, the transfers between workers and the nannies' restarts
 * (why each worker died, counted per worker name), and cuts the changes into one `cluster`
 * message on `flush()`. They outlive computes, so nothing here is reset when a compute starts.
 *
 * Cost: O(1) per event (a worker id lookup, a link lookup by (from, to)). A worker that left
 * stays, shown as gone with the reason; one that joins again under the same address is running
 * again. The last `keepTransfers` transfers and `keepRestarts` restarts are kept for pages that
 * connect later.
 */
import type { SchedulerEvent } from '@tsdask/core-graph';
import { TRANSFER_FIELDS, type ClusterMessage, type ClusterWorkerStatus, type NannyRestart, type TransferLink, type WorkerInfo } from './messages.js';

export class ClusterView {
  readonly #workerOf: (address: string) => WorkerInfo;
  readonly #now: () => number;
  readonly keepTransfers: number;
  readonly keepRestarts: number;
  /** Restarts per worker name. */
  readonly #restartCount = new Map<string, number>();
  #restarts: NannyRestart[] = [];
  #keptRestarts: NannyRestart[] = [];
  readonly #workers = new Map<number, ClusterWorkerStatus>();
  /** Links by `from * 2^20 + to`. */
  readonly #links = new Map<number, TransferLink>();
  #dirtyWorkers = new Set<ClusterWorkerStatus>();
  #dirtyLinks = new Set<TransferLink>();
  #newWorkers: WorkerInfo[] = [];
  #transfers: number[] = [];
  #kept: number[] = [];
  #changed = false;

  /** `workerOf` gives the dashboard's WorkerInfo of an address (creating it when new). */
  constructor(workerOf: (address: string) => WorkerInfo, opts: { now?: () => number; keepTransfers?: number; keepRestarts?: number } = {}) {
    this.#workerOf = workerOf;
    this.#now = opts.now ?? Date.now;
    this.keepTransfers = opts.keepTransfers ?? 200;
    this.keepRestarts = opts.keepRestarts ?? 100;
  }

  /** Whether any cluster event was seen (a local scheduler sends none). */
  get active(): boolean {
    return this.#workers.size > 0 || this.#kept.length > 0 || this.#transfers.length > 0 || this.#keptRestarts.length > 0 || this.#restarts.length > 0;
  }

  /** Folds one event in; false when it is not a cluster event this view keeps. */
  event(e: SchedulerEvent): boolean {
    switch (e.type) {
      case 'worker-added': {
        const w = this.#worker(e.worker);
        Object.assign(w, { name: e.name, nthreads: num(e.nthreads), memoryLimit: num(e.memoryLimit), state: 'running' });
        delete w.reason;
        break;
      }
      case 'worker-removed': {
        const w = this.#worker(e.worker);
        // What it held and ran is gone with it.
        Object.assign(w, { state: 'gone', reason: e.reason, processing: 0, held: 0, spilled: 0 });
        if (w.name === '') w.name = e.name;
        break;
      }
      case 'worker-memory': {
        if (typeof e.worker !== 'string') return false;
        const w = this.#worker(e.worker);
        if (e.held !== undefined) w.held = num(e.held);
        if (e.spilled !== undefined) w.spilled = num(e.spilled);
        if (e.processing !== undefined) w.processing = num(e.processing);
        break;
      }
      case 'transfer': {
        const from = this.#worker(e.from).id;
        const to = this.#worker(e.to).id;
        const id = from * 2 ** 20 + to;
        let link = this.#links.get(id);
        if (link === undefined) this.#links.set(id, (link = { from, to, keys: 0, bytes: 0, reports: 0 }));
        link.keys += num(e.keys);
        link.bytes += num(e.bytes);
        link.reports++;
        this.#dirtyLinks.add(link);
        this.#transfers.push(from, to, num(e.keys), num(e.bytes), num(e.ms), this.#now());
        break;
      }
      case 'nanny-report': {
        const name = typeof e.name === 'string' ? e.name : '';
        const count = (this.#restartCount.get(name) ?? 0) + 1;
        this.#restartCount.set(name, count);
        const reason = e.reason === 'memory' || e.reason === 'signal' ? e.reason : 'exit';
        const worker = typeof e.worker === 'string' ? e.worker : '';
        this.#restarts.push({ time: this.#now(), name, worker, reason, how: String(e.how), rss: num(e.rss), memoryLimit: num(e.memoryLimit), count });
        break;
      }
      default:
        return false;
    }
    this.#changed = true;
    return true;
  }

  /** The changes since the last flush (null when none). */
  flush(): ClusterMessage | null {
    if (!this.#changed) return null;
    const msg: ClusterMessage = {
      type: 'cluster',
      newWorkers: this.#newWorkers,
      workers: [...this.#dirtyWorkers].map((w) => ({ ...w })),
      links: [...this.#dirtyLinks].map((l) => ({ ...l })),
      transfers: this.#transfers,
      restarts: this.#restarts,
    };
    this.#keptRestarts.push(...this.#restarts);
    if (this.#keptRestarts.length > this.keepRestarts) this.#keptRestarts.splice(0, this.#keptRestarts.length - this.keepRestarts);
    this.#restarts = [];
    this.#kept.push(...this.#transfers);
    const over = this.#kept.length - this.keepTransfers * TRANSFER_FIELDS;
    if (over > 0) this.#kept.splice(0, over);
    this.#newWorkers = [];
    this.#dirtyWorkers = new Set();
    this.#dirtyLinks = new Set();
    this.#transfers = [];
    this.#changed = false;
    return msg;
  }

  /** Everything, for a page that connects now (the pending changes included); undefined before any cluster event. */
  snapshot(): ClusterMessage | undefined {
    if (!this.active) return undefined;
    const kept = [...this.#kept, ...this.#transfers];
    return {
      type: 'cluster',
      newWorkers: [],
      workers: [...this.#workers.values()].map((w) => ({ ...w })),
      links: [...this.#links.values()].map((l) => ({ ...l })),
      transfers: kept.slice(Math.max(0, kept.length - this.keepTransfers * TRANSFER_FIELDS)),
      restarts: [...this.#keptRestarts, ...this.#restarts].slice(-this.keepRestarts),
    };
  }

  #worker(address: string): ClusterWorkerStatus {
    const info = this.#workerOf(address);
    let w = this.#workers.get(info.id);
    if (w === undefined) {
      w = { id: info.id, name: '', nthreads: 0, memoryLimit: 0, processing: 0, held: 0, spilled: 0, state: 'running' };
      this.#workers.set(info.id, w);
      this.#newWorkers.push(info);
    }
    this.#dirtyWorkers.add(w);
    return w;
  }
}

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0;
}
