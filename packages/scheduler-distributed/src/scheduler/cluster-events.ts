/**
 * The scheduler's cluster events, those tied to no compute (computeId CLUSTER_COMPUTE_ID): a
 * worker joined ('worker-added') or left ('worker-removed', with how), its memory and load from
 * each heartbeat ('worker-memory': held bytes, spilled bytes when the heartbeat has them, tasks
 * processing there), and the inputs workers fetched from each other ('transfer', one event per
 * (from, to) pair per report, from the workers' `transfers` messages), and a nanny's report of why
 * its worker died ('nanny-report': the dashboard's restarts). Each is built only when
 * some subscriber wants its kind (core-graph `listens()`).
 */
import { CLUSTER_COMPUTE_ID, emitEvent, listens, type Callbacks, type SchedulerEvent } from '@tsdask/core-graph';
import type { HeartbeatMsg, TransfersMsg, WorkerDiedMsg } from '../protocol/messages.js';

/** A worker as cluster events describe it. */
export interface ClusterWorker {
  /** Its data address (its id). */
  address: string;
  /** The name it registered with. */
  name: string;
  nthreads: number;
  /** Bytes, 0 for none. */
  memoryLimit: number;
}

export class ClusterEvents {
  readonly #callbacks: () => Callbacks[];

  /** `callbacks` gives the subscribers at the moment of each event. */
  constructor(callbacks: () => Callbacks[]) {
    this.#callbacks = callbacks;
  }

  #emit(type: SchedulerEvent['type'], make: () => SchedulerEvent, to?: Callbacks[]): void {
    const cbs = to ?? this.#callbacks();
    if (cbs.length > 0 && listens(cbs, type)) emitEvent(cbs, make());
  }

  /** A worker registered (to `to` only, when given: a subscriber that joins late hears of the workers already there). */
  workerAdded(w: ClusterWorker, to?: Callbacks[]): void {
    this.#emit(
      'worker-added',
      () => ({ type: 'worker-added', computeId: CLUSTER_COMPUTE_ID, worker: w.address, name: w.name, nthreads: w.nthreads, memoryLimit: w.memoryLimit }),
      to,
    );
  }

  /** A worker left or was lost. */
  workerRemoved(w: ClusterWorker, reason: string): void {
    this.#emit('worker-removed', () => ({ type: 'worker-removed', computeId: CLUSTER_COMPUTE_ID, worker: w.address, name: w.name, reason }));
  }

  /** A worker's heartbeat, with the tasks processing there as the scheduler counts them. */
  heartbeat(address: string, m: HeartbeatMsg, processing: number): void {
    // `spilled` is an optional heartbeat field (workers that spill to disk send it).
    const spilled = (m as { spilled?: unknown }).spilled;
    this.#emit('worker-memory', () => ({
      type: 'worker-memory',
      computeId: CLUSTER_COMPUTE_ID,
      worker: address,
      held: m.memory,
      ...(typeof spilled === 'number' && Number.isFinite(spilled) && spilled >= 0 ? { spilled } : {}),
      processing,
    }));
  }

  /** A nanny's report of how its worker died (`how`: in words), before the nanny starts it again. */
  nannyReport(m: WorkerDiedMsg, how: string): void {
    this.#emit('nanny-report', () => ({
      type: 'nanny-report',
      computeId: CLUSTER_COMPUTE_ID,
      worker: m.address,
      name: m.name,
      reason: m.reason,
      how,
      rss: m.rss,
      memoryLimit: m.memoryLimit,
    }));
  }

  /** Inputs worker `to` fetched from its peers since its last report. */
  transfers(to: string, m: TransfersMsg): void {
    const cbs = this.#callbacks();
    if (cbs.length === 0 || !listens(cbs, 'transfer')) return;
    for (const [from, keys, bytes, ms] of m.rows) emitEvent(cbs, { type: 'transfer', computeId: CLUSTER_COMPUTE_ID, from, to, keys, bytes, ms });
  }
}
