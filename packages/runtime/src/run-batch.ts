/**
 * One batch on a worker, whatever carries it there (a piscina thread, a worker process, a
 * browser Web Worker): compiles the batch's shipped functions and imports its module ops (once
 * per worker, cached), runs its members, and answers a BatchResult whose failure is plain data
 * (a serialized error that the scheduler rebuilds as its own class).
 */
import { serializeError } from '@tsdask/core-graph';
import { compileFunction } from './compile.js';
import { executeBatch, now, prepareOps, type BatchPayload, type BatchResult } from './execute-batch.js';

/** What a transport adapter may hook into a worker's batches. */
export interface WorkerHooks {
  /** Runs after each member (for example `bufferCollector()`); it may throw to stop the batch. */
  afterTask?: () => void;
  /** Told when a batch's members start (`true`) and stop (`false`) running, for a live board. */
  running?: (payload: BatchPayload, on: boolean) => void;
}

/** A batch that failed outside its tasks' own run (preparing it, carrying it): member `member` is charged, now. */
export function failedBatch(err: unknown, member: number, worker: number): BatchResult {
  const t = now();
  return { ok: false, member, error: serializeError(err), start: t, stop: t, worker };
}

/** Runs one batch on this worker (`worker`: its id in events); a failure comes back as data, not a throw. */
export async function runBatch(payload: BatchPayload, worker: number, hooks: WorkerHooks = {}): Promise<BatchResult> {
  try {
    await prepareOps(payload, (_op, source) => compileFunction(source));
  } catch (err) {
    return failedBatch(err, 0, worker);
  }
  hooks.running?.(payload, true);
  try {
    return await executeBatch(payload, worker, hooks.afterTask);
  } finally {
    hooks.running?.(payload, false);
  }
}
