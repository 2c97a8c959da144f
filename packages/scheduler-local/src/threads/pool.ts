/**
 * The worker-thread pool: one piscina pool per process, sized to `numWorkers` (default
 * `os.availableParallelism()`), created on first use and replaced when the size changes.
 * Idle workers do not keep the process alive.
 */
import { Piscina } from 'piscina';
import { availableParallelism } from 'node:os';

let pool: Piscina | undefined;
let poolSize = 0;

/** The default number of worker threads. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The shared pool with `n` workers. */
export function getPool(n: number): Piscina {
  if (pool !== undefined && poolSize === n) return pool;
  if (pool !== undefined) void pool.destroy();
  pool = new Piscina({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: n,
    maxThreads: n,
    idleTimeout: 60_000,
    // Each compute bounds its own batches in flight; several computes may share the pool.
    maxQueue: Infinity,
    concurrentTasksPerWorker: 1,
  });
  // A worker that dies rejects its task (handled by the scheduler); piscina also emits
  // 'error' for some of these, which must not crash the process.
  pool.on('error', () => {});
  poolSize = n;
  return pool;
}

/** Stops the worker threads (a later compute starts new ones). */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  poolSize = 0;
  if (p !== undefined) await p.destroy();
}
