/**
 * The worker-thread pool: one piscina pool per process, sized to `numWorkers` (default
 * `os.availableParallelism()`), created on first use (or by `startPool()`) and replaced when the
 * size changes. Idle workers do not keep the process alive.
 */
import { createBoard, releaseSlot, type NowRunningBoard } from './now-running.js';
import { Piscina } from 'piscina';
import { availableParallelism } from 'node:os';
import { ConfigError, resolveOptions, workerModules, type ComputeOptions } from '@tsdask/core-graph';
import { workerResourceLimits } from '../options.js';

/** Per-thread V8 limits (worker_threads' ResourceLimits), e.g. `{ maxOldGenerationSizeMb: 512 }`. */
export interface WorkerLimits {
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  codeRangeSizeMb?: number;
  stackSizeMb?: number;
}

let pool: Piscina | undefined;
let poolKey = '';
/**
 * Resolves when every worker of the current pool has started (its kernel modules loaded), or
 * the pool failed or was closed (startPool() then returns, and a compute meets the failure).
 */
let poolReady: Promise<void> = Promise.resolve();
let settleReady: () => void = () => {};

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
  settleReady();
  board = createBoard();
  pool = new Piscina({
    ...(limits !== undefined ? { resourceLimits: limits } : {}),
    // Workers load the collections' kernel modules as they start (worker.ts).
    workerData: { board, preload: workerModules() },
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
  // piscina emits 'workerCreate' when a worker is ready (worker.ts: its modules are loaded).
  const p = pool;
  poolReady = new Promise<void>((resolve) => {
    let ready = 0;
    const settle = (): void => {
      p.off('workerCreate', onReady);
      p.off('error', settle);
      resolve();
    };
    const onReady = (): void => {
      if (++ready >= n) settle();
    };
    p.on('workerCreate', onReady);
    p.on('error', settle);
    settleReady = settle;
  });
  // A worker that ends (terminated by a cancel, crashed) frees its slot on the board for the
  // worker that replaces it.
  const b = board;
  pool.on('workerDestroy', (w: { id?: unknown }) => {
    if (typeof w?.id === 'number') releaseSlot(b, w.id);
  });
  poolKey = key;
  return pool;
}

/**
 * Starts the 'threads' pool now and resolves when all its workers are ready, with the kernel
 * modules of the collections imported so far loaded (core-graph's `workerModules()`): call it
 * while the first query is still being written or planned, and that query does not wait for
 * threads to start. Takes the options a compute would (`numWorkers`, `workerResourceLimits`,
 * else the config's), so the compute that follows finds this pool.
 */
export async function startPool(opts: Pick<ComputeOptions, 'numWorkers'> & { workerResourceLimits?: WorkerLimits } = {}): Promise<void> {
  const o = resolveOptions(opts as ComputeOptions);
  const n = o.numWorkers ?? defaultWorkers();
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`startPool(): numWorkers must be a positive integer, got ${String(n)}.`);
  const limits = o['workerResourceLimits'] as WorkerLimits | undefined;
  const bad = limits === undefined ? undefined : workerResourceLimits(limits);
  if (bad !== undefined) throw new ConfigError(`startPool(): workerResourceLimits ${bad}.`);
  getPool(n, limits);
  await poolReady;
}

/** Stops the worker threads (a later compute starts new ones). */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  poolKey = '';
  settleReady();
  if (p !== undefined) await p.destroy();
}
