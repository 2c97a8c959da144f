/**
 * SchedulerServer, the public face of a running scheduler: `start(opts)` listens and serves
 * (core.ts does the work), `address` is where it listens, `state` is its state machine (for
 * tests and diagnostics), `workers` the data addresses of the workers connected, `close()`
 * tells workers to exit and closes every connection.
 */
import type { Callbacks } from '@tsdask/core-graph';
import { SchedulerCore, type SchedulerOptions } from './core.js';
import type { SchedulerState } from './state/scheduler-state.js';

export type { SchedulerOptions as SchedulerServerOptions };

/** A running scheduler. */
export class SchedulerServer {
  readonly #core: SchedulerCore;

  private constructor(core: SchedulerCore) {
    this.#core = core;
  }

  /** Starts a scheduler on host:port (default 127.0.0.1:0) that admits connections with `token`. */
  static async start(opts: SchedulerOptions): Promise<SchedulerServer> {
    return new SchedulerServer(await SchedulerCore.start(opts));
  }

  /** The bound host and port. */
  get address(): { host: string; port: number } {
    return this.#core.address;
  }

  /** The state machine. */
  get state(): SchedulerState {
    return this.#core.state;
  }

  /** Data addresses (`host:port`) of the workers connected now. */
  get workers(): string[] {
    return [...this.#core.workers.keys()];
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.#core.clients.size;
  }

  /** Subscribes to this scheduler's events (its computes and the cluster's, core-graph events.ts) besides the process's global subscribers; returns the remover. */
  subscribe(cb: Callbacks): () => void {
    const off = this.#core.events.subscribe(cb);
    this.#core.replayWorkers([cb]);
    return off;
  }

  /** Tells workers to exit, closes every connection and stops listening. */
  close(): Promise<void> {
    return this.#core.close();
  }
}
