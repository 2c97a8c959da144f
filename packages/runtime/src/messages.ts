/**
 * The worker protocol for transports that carry messages (a worker process's IPC channel, a
 * socket, a Web Worker's port), discriminated on `type`. A piscina thread needs none of it:
 * piscina carries the call itself.
 */
import type { BatchPayload, BatchResult } from './execute-batch.js';

/** From the scheduler to a worker: run this batch; `id` comes back with its result. */
export interface RunBatchMessage {
  type: 'run-batch';
  id: number;
  payload: BatchPayload;
}

/** From a worker to the scheduler: the result of batch `id`. */
export interface BatchDoneMessage {
  type: 'batch-done';
  id: number;
  result: BatchResult;
}

export type ToWorker = RunBatchMessage;
export type FromWorker = BatchDoneMessage;
