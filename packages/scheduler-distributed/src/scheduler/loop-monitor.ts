/**
 * How long the scheduler's event loop is blocked: Node's `monitorEventLoopDelay` histogram (a
 * timer every `resolutionMs`; a late run means the loop was busy), read as the longest block and
 * the 99th percentile since the last reset; and the longest silence of a worker as the scheduler
 * heard it (heartbeats keep flowing while a big graph goes in, or they do not). The bound for a million-task graph is
 * 100 ms; bench/million-tasks.mjs and the CI test read it through the client's
 * `schedulerStats()`. On a loaded machine a block's wall time includes the time the OS ran other
 * processes; on Linux the monitor also reads the main thread's own CPU time at each of its ticks
 * (/proc/thread-self/schedstat), and the most spent between two ticks is the longest block's own
 * work (its GC pauses included), whatever the load.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** The calling thread's CPU time in ms (Linux: its run time in ns, first field of /proc/thread-self/schedstat), or undefined where that is not there. */
export function threadCpuMs(): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** The event loop's blocking as measured. */
export interface LoopDelay {
  /** Longest time a connected worker went without a message reaching the scheduler, in ms (heartbeats come every heartbeatMs). */
  workerSilenceMs: number;
  /** Longest delay of the monitor's timer since the last reset, in ms (about the longest block). */
  maxMs: number;
  /** 99th percentile of that delay, in ms. */
  p99Ms: number;
  /** The most CPU time the main thread spent between two ticks of the monitor, in ms: the longest block's own work (Linux only). */
  blockCpuMs?: number;
}

export class LoopMonitor {
  readonly #h: IntervalHistogram;
  #silence = 0;
  #cpuTimer: ReturnType<typeof setInterval> | undefined;
  #lastCpu = 0;
  #blockCpu = 0;

  constructor(resolutionMs = 10) {
    this.#h = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#h.enable();
    const cpu = threadCpuMs();
    if (cpu !== undefined) {
      this.#lastCpu = cpu;
      this.#cpuTimer = setInterval(() => {
        const now = threadCpuMs() ?? this.#lastCpu;
        if (now - this.#lastCpu > this.#blockCpu) this.#blockCpu = now - this.#lastCpu;
        this.#lastCpu = now;
      }, resolutionMs);
      this.#cpuTimer.unref();
    }
  }

  /** The figures since the last reset (0 before the first sample). */
  read(): LoopDelay {
    const h = this.#h;
    const max = h.count > 0 ? h.max : 0;
    const out: LoopDelay = { maxMs: max / 1e6, p99Ms: h.count > 0 ? h.percentile(99) / 1e6 : 0, workerSilenceMs: this.#silence };
    if (this.#cpuTimer !== undefined) out.blockCpuMs = this.#blockCpu;
    return out;
  }

  /** A worker's message came `ms` after its previous one. */
  workerHeard(ms: number): void {
    if (ms > this.#silence) this.#silence = ms;
  }

  /** Starts a new measurement. */
  reset(): void {
    this.#h.reset();
    this.#silence = 0;
    this.#blockCpu = 0;
    this.#lastCpu = threadCpuMs() ?? 0;
  }

  /** Stops the monitor's timer. */
  close(): void {
    this.#h.disable();
    clearInterval(this.#cpuTimer);
  }
}
