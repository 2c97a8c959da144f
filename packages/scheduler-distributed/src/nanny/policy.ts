/**
 * The nanny's decisions, pure (no process, no timer): when a worker's memory is too high (Dask's
 * terminate threshold, 95% of its memory limit, measured on RSS, which counts ArrayBuffer memory
 * and every thread), why a worker died (memory when the nanny killed it for that, else the
 * signal or the exit code), how that reads in KilledWorkerError, and whether it may be
 * restarted again (at most 5 restarts in any 60 s, so a worker that dies at once does not spin).
 */
import type { WorkerDeathReason, WorkerDiedMsg } from '../protocol/messages.js';

/** Fraction of the memory limit at which the nanny kills its worker (distributed's memory.terminate). */
export const TERMINATE_FRACTION = 0.95;
/** Restarts allowed within RESTART_WINDOW_MS before the nanny gives up. */
export const MAX_RESTARTS = 5;
/** The window MAX_RESTARTS counts over, in ms. */
export const RESTART_WINDOW_MS = 60_000;
/** Stderr lines of its worker a nanny keeps and reports. */
export const TAIL_LINES = 30;
/** Of those, how many go into the scheduler's one-line account of the death (KilledWorkerError's `how`). */
export const HOW_LINES = 5;

/** A worker death as the nanny reports it (the worker-died message without its type). */
export type WorkerDeath = Omit<WorkerDiedMsg, 'type'>;

/** True when `rss` bytes pass the terminate threshold of `memoryLimit` (0: no limit, never). */
export function overMemory(rss: number, memoryLimit: number): boolean {
  return memoryLimit > 0 && rss > TERMINATE_FRACTION * memoryLimit;
}

/** Why the worker died: memory when the nanny killed it for that, else the signal, else the exit code. */
export function deathReason(killedForMemory: boolean, signal: string | null): WorkerDeathReason {
  if (killedForMemory) return 'memory';
  return signal !== null ? 'signal' : 'exit';
}

/** Bytes in decimal units, as --memory-limit is usually written: 812 MB, 1.5 GB, 300 kB. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) if (n >= size) return `${Number((n / size).toFixed(n >= 10 * size ? 0 : 1))} ${unit}`;
  return `${n} B`;
}

/** How the worker died, in one line: what KilledWorkerError's `how` says (memory, signal or exit code, RSS, last log lines). */
export function describeDeath(d: WorkerDeath): string {
  const limit = d.memoryLimit > 0 ? ` of its ${formatBytes(d.memoryLimit)} limit` : '';
  const rss = d.rss > 0 ? `using ${formatBytes(d.rss)}${limit}` : '';
  let head: string;
  if (d.reason === 'memory') {
    const pct = d.memoryLimit > 0 ? `${Math.round((100 * d.rss) / d.memoryLimit)}%` : 'over';
    head = `killed by its nanny for memory: memory use ${pct}${limit} (${formatBytes(d.rss)} above its memory at start; the nanny kills at ${TERMINATE_FRACTION * 100}%)`;
  } else if (d.reason === 'signal') head = `killed by signal ${d.signal ?? 'unknown'}${rss !== '' ? ` (${rss})` : ''}`;
  else head = `exited with code ${d.code ?? 'unknown'}${rss !== '' ? ` (${rss})` : ''}`;
  const lines = d.lastLines.slice(-HOW_LINES);
  return lines.length === 0 ? `${head}; it printed nothing on stderr` : `${head}; last log lines: ${lines.join(' | ')}`;
}

/** Counts restarts in a sliding window: `allow(now)` records one and says whether it is within the budget. */
export class RestartBudget {
  readonly #times: number[] = [];
  constructor(
    readonly max = MAX_RESTARTS,
    readonly windowMs = RESTART_WINDOW_MS,
  ) {}

  /** Records a restart at `now` (ms) and returns true, or returns false when `max` were made in the last `windowMs`. */
  allow(now: number): boolean {
    while (this.#times.length > 0 && now - this.#times[0]! >= this.windowMs) this.#times.shift();
    if (this.#times.length >= this.max) return false;
    this.#times.push(now);
    return true;
  }
}
