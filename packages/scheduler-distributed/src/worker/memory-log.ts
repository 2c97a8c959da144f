/**
 * A worker's memory, logged every `TSDASK_WORKER_MEMORY_LOG_MS` milliseconds when that variable
 * is set (for finding what grows in a run: bench/p2p-shuffle.mjs prints the peaks): the
 * process's RSS, the main thread's V8 heap and its ArrayBuffers (each executor thread logs its
 * own, thread-entry.ts), the values the store holds in
 * memory and on disk, the shuffle buckets buffered, and whether the worker is paused.
 */
import type { DataStore } from './data-store.js';

/** What the log line reads besides process.memoryUsage(). */
export interface MemoryLogSource {
  store: DataStore;
  shuffleBuffered: number;
  paused: boolean;
}

const mib = (b: number): string => (b / 2 ** 20).toFixed(1);

/** One line: `memory rss=… heapUsed=… heapTotal=… external=… arrayBuffers=… stored=… spilled=… shuffleBuffer=… paused=…` (MiB). */
export function memoryLine(s: MemoryLogSource): string {
  const m = process.memoryUsage();
  return (
    `memory rss=${mib(m.rss)} heapUsed=${mib(m.heapUsed)} heapTotal=${mib(m.heapTotal)} external=${mib(m.external)} arrayBuffers=${mib(m.arrayBuffers)} ` +
    `stored=${mib(s.store.bytes)} spilled=${mib(s.store.spilledBytes)} shuffleBuffer=${mib(s.shuffleBuffered)} paused=${s.paused}`
  );
}

/** A thread's line: `thread-memory heapUsed=… heapTotal=… external=… arrayBuffers=…` (MiB; its own isolate's V8 heap). */
export function threadMemoryLine(): string {
  const m = process.memoryUsage();
  return `thread-memory heapUsed=${mib(m.heapUsed)} heapTotal=${mib(m.heapTotal)} external=${mib(m.external)} arrayBuffers=${mib(m.arrayBuffers)}`;
}

/** Starts the log when TSDASK_WORKER_MEMORY_LOG_MS is a positive number; returns its timer (unref'd), else undefined. */
export function startMemoryLog(log: (line: string) => void, read: () => MemoryLogSource): ReturnType<typeof setInterval> | undefined {
  const ms = Number(process.env.TSDASK_WORKER_MEMORY_LOG_MS ?? 0);
  if (!(ms > 0)) return undefined;
  const timer = setInterval(() => log(memoryLine(read())), ms);
  timer.unref();
  return timer;
}
