/**
 * The 'threads' scheduler (the default): runs batches on the piscina worker pool, two batches
 * in flight per worker so a worker never waits for the main thread. User functions travel as
 * source and must be self-contained: that is checked before anything runs, and a free
 * variable gives NotPortableError naming it. A cancelled compute (`signal`, `timeout`) aborts
 * its batches in piscina: a batch still queued is dropped, and the worker thread of a batch
 * that is running is terminated and replaced (so a task stuck in `while (true) {}` is stopped).
 * Results of output keys are kept in this (the main) thread (held-results.ts) until released.
 */
import { registerScheduler, serializeError, type Scheduler } from '@tsdask/core-graph';
import { now, type BatchPayload, type BatchResult } from '@tsdask/runtime';
import { portableSources } from '../portable.js';
import { runGraph, type Executor } from '../run-graph.js';
import { defaultWorkers, getPool, poolBoard, type WorkerLimits } from './pool.js';
import { readBoard } from './now-running.js';
import { localOptions, workerResourceLimits } from '../options.js';
import { localScheduler } from '../held-results.js';

const IN_FLIGHT_PER_WORKER = 2;

/** True when piscina rejected a task because its worker thread died (exit, crash, out of memory). */
function isWorkerDeath(err: unknown): boolean {
  const e = err as { message?: unknown; code?: unknown };
  return /worker exited|terminated/i.test(String(e?.message)) || String(e?.code).startsWith('ERR_WORKER');
}

/** Tags of computes on the now-running board. */
let nextTag = 1;

function threadsExecutor(n: number, limits?: WorkerLimits): Executor {
  const pool = getPool(n, limits);
  const board = poolBoard();
  const tag = nextTag++;
  return {
    running: () => readBoard(board, tag),
    name: 'threads',
    slots: n * IN_FLIGHT_PER_WORKER,
    workers: n,
    shipsSource: true,
    async prepare(ops) {
      portableSources(ops);
    },
    async run(payload: BatchPayload, signal: AbortSignal): Promise<BatchResult> {
      try {
        payload.tag = tag;
        return (await pool.run(payload, { signal })) as BatchResult;
      } catch (err) {
        if (isWorkerDeath(err)) throw err;
        // Anything else (a value that cannot be cloned, a pool error) is this batch's failure.
        const t = now();
        return { ok: false, member: (payload.parent?.length ?? 1) - 1, error: serializeError(err), start: t, stop: t, worker: -1 };
      }
    },
  };
}

/** The 'threads' scheduler. */
export const threadsScheduler: Scheduler = localScheduler(
  'threads',
  { ...localOptions, workerResourceLimits },
  (graph, outputs, opts, hooks) => {
    const n = opts.numWorkers ?? defaultWorkers();
    const limits = opts['workerResourceLimits'] as WorkerLimits | undefined;
    return runGraph(graph, outputs, threadsExecutor(n, limits), opts, hooks);
  },
  // The pool the run will take (getPool finds it again), created now so its threads start
  // and load their modules while compute() lowers the graph.
  (opts) => void getPool(opts.numWorkers ?? defaultWorkers(), opts['workerResourceLimits'] as WorkerLimits | undefined),
);

registerScheduler(threadsScheduler);
