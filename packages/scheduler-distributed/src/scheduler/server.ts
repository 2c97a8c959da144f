/**
 * SchedulerServer, the public face of a running scheduler: `start(opts)` listens and serves
 * (core.ts does the work), `address` is where it listens, `state` is its state machine (for
 * tests and diagnostics), `workers` the data addresses of the workers connected, `subscribe`
 * adds a subscriber to its events, `dashboardUrl` is its dashboard's page when `dashboard` was
 * asked for (dashboard.ts; off by default here, on by default in the tsdask-scheduler bin),
 * `metricsUrl` its Prometheus endpoint when `metrics` was asked for (metrics.ts),
 * `close()` tells workers to exit and closes every connection.
 */
import type { Callbacks } from '@tsdask/core-graph';
import { SchedulerCore, type SchedulerOptions } from './core.js';
import { startClusterDashboard, type RunningDashboard, type SchedulerDashboardOptions } from './dashboard.js';
import type { SchedulerState } from './state/scheduler-state.js';
import { serveMetrics, type MetricsServer } from '../metrics/http.js';
import { schedulerMetrics } from './metrics.js';
import type { SchedulerStats } from './stats.js';

/** Options of SchedulerServer.start: the core's, and the dashboard. */
export interface SchedulerServerOptions extends SchedulerOptions {
  /** Serve the cluster's dashboard (guarded by the token): true for port 8787 on the scheduler's host, or where (default: off). */
  dashboard?: boolean | SchedulerDashboardOptions;
  /** Serve Prometheus metrics at http://HOST:PORT/metrics (not behind the token, as Dask's): `{ port }` (0: any free one; host: the scheduler's). Default: off. */
  metrics?: { port: number; host?: string };
}

/** A running scheduler. */
export class SchedulerServer {
  readonly #core: SchedulerCore;
  #dashboard: RunningDashboard | undefined;
  #metrics: MetricsServer | undefined;

  private constructor(core: SchedulerCore) {
    this.#core = core;
  }

  /** Starts a scheduler on host:port (default 127.0.0.1:0) that admits connections with `token`, and its dashboard when asked. */
  static async start(opts: SchedulerServerOptions): Promise<SchedulerServer> {
    const server = new SchedulerServer(await SchedulerCore.start(opts));
    const dash = opts.dashboard;
    if (dash !== undefined && dash !== false) {
      try {
        server.#dashboard = await startClusterDashboard(server.#core, opts.token, dash === true ? {} : dash);
      } catch (err) {
        await server.#core.close();
        throw err;
      }
    }
    if (opts.metrics !== undefined) {
      const core = server.#core;
      try {
        server.#metrics = await serveMetrics({
          host: opts.metrics.host ?? core.address.host,
          port: opts.metrics.port,
          collect: () => schedulerMetrics(core),
          log: (line) => core.log(`tsdask-scheduler: ${line}`),
        });
      } catch (err) {
        await server.close();
        throw err;
      }
    }
    return server;
  }

  /** Where its Prometheus metrics are served (`http://HOST:PORT/metrics`), when asked for. */
  get metricsUrl(): string | undefined {
    return this.#metrics?.url;
  }

  /** The bound host and port. */
  get address(): { host: string; port: number } {
    return this.#core.address;
  }

  /** The dashboard's URL (with `?token=`), when it runs. */
  get dashboardUrl(): string | undefined {
    return this.#dashboard?.url;
  }

  /** The state machine. */
  get state(): SchedulerState {
    return this.#core.state;
  }

  /** The scheduler's own figures: tasks, heap, the event loop's longest block, the last graph's intake (stats.ts). */
  stats(): SchedulerStats {
    return this.#core.stats();
  }

  /** Data addresses (`host:port`) of the workers connected now. */
  get workers(): string[] {
    return [...this.#core.workers.keys()];
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.#core.clients.size;
  }

  /**
   * Subscribes to this scheduler's events (its computes and the cluster's, core-graph events.ts)
   * besides the process's global subscribers; it hears of the workers already connected at once.
   * Returns the remover.
   */
  subscribe(cb: Callbacks): () => void {
    const off = this.#core.events.subscribe(cb);
    this.#core.replayWorkers([cb]);
    return off;
  }

  /** Tells workers to exit, closes every connection and stops listening (and the dashboard). */
  async close(): Promise<void> {
    const dash = this.#dashboard;
    const metrics = this.#metrics;
    this.#dashboard = undefined;
    this.#metrics = undefined;
    await Promise.all([dash?.close(), metrics?.close(), this.#core.close()]);
  }
}
