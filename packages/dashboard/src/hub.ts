/**
 * The hub: the thin shell around the Aggregator. It subscribes to core-graph's event stream,
 * cuts a batch (and a `cluster` message, when a cluster scheduler reported changes) every
 * `intervalMs` (100 ms) and sends it, serialized once, to every connected
 * page. A page whose socket falls behind (more than `maxBuffered` bytes queued) gets no
 * batches until it drains, then one fresh `hello` snapshot, so a slow page never makes the
 * server queue without bound.
 */
import { addCallbacks, CLUSTER_COMPUTE_ID, type Callbacks, type SchedulerEvent } from '@tsdask/core-graph';
import { Aggregator, type AggregatorOptions } from './aggregator.js';
import type { ServerMessage } from './messages.js';

/** One connected page, as the hub sees it (a WebSocket in practice, a fake in tests). */
export interface HubClient {
  send(text: string): void;
  /** Bytes queued and not yet written. */
  bufferedAmount(): number;
}

export interface HubOptions extends AggregatorOptions {
  /** Milliseconds between batches (default 100). */
  intervalMs?: number;
  /** Bytes queued for a page above which it is skipped until it drains (default 8 MiB). */
  maxBuffered?: number;
  /** Subscribe to every compute of this process (default true). */
  global?: boolean;
}

export class DashboardHub {
  readonly aggregator: Aggregator;
  readonly intervalMs: number;
  readonly maxBuffered: number;
  /** The subscriber to hand to `compute(x, { callbacks: [hub.callbacks] })` when not global. */
  readonly callbacks: Callbacks;
  readonly #clients = new Map<HubClient, { stale: boolean }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | undefined;
  #closed = false;
  /** Batches sent (for tests and the bench). */
  batchesSent = 0;

  constructor(opts: HubOptions = {}) {
    this.aggregator = new Aggregator(opts);
    this.intervalMs = opts.intervalMs ?? 100;
    this.maxBuffered = opts.maxBuffered ?? 8 << 20;
    const agg = this.aggregator;
    this.callbacks = {
      event: (e: SchedulerEvent) => {
        switch (e.type) {
          case 'compute-start':
            this.tick();
            this.#broadcast(agg.start(e));
            return;
          case 'task-batch':
            if (e.computeId === agg.compute?.computeId) agg.taskBatch(e.batch);
            return;
          case 'compute-finish': {
            if (e.computeId !== agg.compute?.computeId) return;
            const done = agg.finish(e);
            this.tick();
            this.#broadcast(done);
            return;
          }
          default:
            if (e.computeId === agg.compute?.computeId || e.computeId === CLUSTER_COMPUTE_ID) agg.event(e);
        }
      },
    };
    if (opts.global !== false) this.#unsubscribe = addCallbacks(this.callbacks);
    this.#timer = setInterval(() => this.tick(), this.intervalMs);
    this.#timer.unref?.();
  }

  /** Pages connected now. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Registers a page: it gets the snapshot now and batches from then on; returns the remover. */
  addClient(client: HubClient): () => void {
    if (this.#closed) return () => {};
    this.#clients.set(client, { stale: false });
    client.send(JSON.stringify(this.aggregator.hello()));
    return () => {
      this.#clients.delete(client);
    };
  }

  /** Cuts a batch now and sends it (the timer calls this every `intervalMs`). */
  tick(): void {
    const batch = this.aggregator.flush();
    const text = batch === null ? null : JSON.stringify(batch);
    if (text !== null) this.batchesSent++;
    const cluster = this.aggregator.flushCluster();
    const clusterText = cluster === null ? null : JSON.stringify(cluster);
    for (const [client, st] of this.#clients) {
      if (client.bufferedAmount() > this.maxBuffered) {
        st.stale = true;
        continue;
      }
      if (st.stale) {
        st.stale = false;
        client.send(JSON.stringify(this.aggregator.hello()));
        continue;
      }
      if (text !== null) client.send(text);
      if (clusterText !== null) client.send(clusterText);
    }
  }

  #broadcast(msg: ServerMessage): void {
    const text = JSON.stringify(msg);
    for (const [client, st] of this.#clients) if (!st.stale) client.send(text);
  }

  /** Stops the timer and the subscription; pages are dropped by the server. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#clients.clear();
  }
}
