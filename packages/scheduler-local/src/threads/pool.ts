/**
 * The worker-thread pool: one piscina pool per process, sized to `numWorkers` (default
 * `os.availableParallelism()`), created on first use and replaced when the size changes.
 * Idle workers do not keep the process alive.
 */
import { createBoard, releaseSlot, type NowRunningBoard } from './now-running.js';
import { Piscina } from 'piscina';
import { availableParallelism } from 'node:os';

/** Per-thread V8 limits (worker_threads' ResourceLimits), e.g. `{ maxOldGenerationSizeMb: 512 }`. */
export interface WorkerLimits {
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  codeRangeSizeMb?: number;
  stackSizeMb?: number;
}

let pool: Piscina | undefined;
let poolKey = '';

/** The now-running board of the current pool's workers. */
let board: NowRunningBoard = createBoard();
export function poolBoard(): NowRunningBoard {
  return board;
}

/** The default number of worker threads. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The shared pool with `n` workers (and the given per-thread limits). */
export function getPool(n: number, limits?: WorkerLimits): Piscina {
  const key = `${n}:${JSON.stringify(limits ?? {})}`;
  if (pool !== undefined && poolKey === key) return pool;
  if (pool !== undefined) void pool.destroy();
  board = createBoard();
  pool = new Piscina({
    ...(limits !== undefined ? { resourceLimits: limits } : {}),
    workerData: { board },
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
  // A worker that ends (terminated by a cancel, crashed) frees its slot on the board for the
  // worker that replaces it.
  const b = board;
  pool.on('workerDestroy', (w: { id?: unknown }) => {
    if (typeof w?.id === 'number') releaseSlot(b, w.id);
  });
  poolKey = key;
  return pool;
}

/** Stops the worker threads (a later compute starts new ones). */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  poolKey = '';
  if (p !== undefined) await p.destroy();
}
