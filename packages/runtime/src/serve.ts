/**
 * The runtime's entry for message transports, in the manner of vitest's worker `init`: the core
 * does not know its transport, it takes `post`/`on`/`off`. A worker process is then an adapter
 * of a few lines:
 *
 *   serveBatches({
 *     post: (m) => process.send!(m),
 *     on: (f) => process.on('message', f),
 *     off: (f) => process.off('message', f),
 *   }, { worker: process.pid, hooks: { afterTask: bufferCollector() } });
 *
 * (forked with `serialization: 'advanced'`, so typed arrays and errors' fields survive).
 */
import type { BatchResult } from './execute-batch.js';
import type { FromWorker, ToWorker } from './messages.js';
import { failedBatch, runBatch, type WorkerHooks } from './run-batch.js';
import { transferables } from './transfer.js';

/** A message channel as the worker sees it; `transfer` lists buffers a thread channel may move. */
export interface WorkerTransport {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
  on(listener: (message: unknown) => void): void;
  off(listener: (message: unknown) => void): void;
}

/** Where the worker runs: its id in events and its hooks. */
export interface ServeOptions {
  worker: number;
  hooks?: WorkerHooks;
}

function isRunBatch(m: unknown): m is ToWorker {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'run-batch';
}

/** Serves `run-batch` messages on a transport, answering each with `batch-done`; returns a function that stops serving. */
export function serveBatches(transport: WorkerTransport, options: ServeOptions): () => void {
  const listener = (m: unknown): void => {
    // Other messages may share the channel (a process's IPC): they are not ours.
    if (!isRunBatch(m)) return;
    const { id, payload } = m;
    // Not a task's failure (a malformed payload, a result the channel cannot carry): charged to
    // the batch's root, as the threads scheduler does with what piscina rejects.
    const failed = (err: unknown): BatchResult => failedBatch(err, Math.max(0, (payload.parent?.length ?? 1) - 1), options.worker);
    const reply = (result: BatchResult): void => {
      try {
        transport.post({ type: 'batch-done', id, result }, result.ok ? transferables(result.value) : undefined);
      } catch (err) {
        transport.post({ type: 'batch-done', id, result: failed(err) });
      }
    };
    runBatch(payload, options.worker, options.hooks).then(reply, (err: unknown) => reply(failed(err)));
  };
  transport.on(listener);
  return () => transport.off(listener);
}
