/**
 * How long the scheduler's event loop is blocked: Node's `monitorEventLoopDelay` histogram (a
 * timer every `resolutionMs`; a late run means the loop was busy), read as the longest block and
 * the 99th percentile since the last reset; and the longest silence of a worker as the scheduler
 * heard it (heartbeats keep flowing while a big graph goes in, or they do not). The bound for a million-task graph is
 * 100 ms; bench/million-tasks.mjs and the CI test read it through the client's
 * `schedulerStats()`.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** The event loop's blocking as measured. */
export interface LoopDelay {
  /** Longest time a connected worker went without a message reaching the scheduler, in ms (heartbeats come every heartbeatMs). */
  workerSilenceMs: number;
  /** Longest delay of the monitor's timer since the last reset, in ms (about the longest block). */
  maxMs: number;
  /** 99th percentile of that delay, in ms. */
  p99Ms: number;
}

export class LoopMonitor {
  readonly #h: IntervalHistogram;
  #silence = 0;

  constructor(resolutionMs = 10) {
    this.#h = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#h.enable();
  }

  /** The figures since the last reset (0 before the first sample). */
  read(): LoopDelay {
    const h = this.#h;
    const max = h.count > 0 ? h.max : 0;
    return { maxMs: max / 1e6, p99Ms: h.count > 0 ? h.percentile(99) / 1e6 : 0, workerSilenceMs: this.#silence };
  }

  /** A worker's message came `ms` after its previous one. */
  workerHeard(ms: number): void {
    if (ms > this.#silence) this.#silence = ms;
  }

  /** Starts a new measurement. */
  reset(): void {
    this.#h.reset();
    this.#silence = 0;
  }

  /** Stops the monitor's timer. */
  close(): void {
    this.#h.disable();
  }
}
