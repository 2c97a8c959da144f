/**
 * The 'sync' scheduler: runs every batch in the calling thread, one at a time. Any closure
 * works here (nothing is shipped), which makes it the scheduler for debugging and tests.
 *
 * Cancelling (`signal`, `timeout`): a task that is running cannot be interrupted, since it runs
 * on the very thread that would interrupt it; the compute stops before the next task. A
 * `timeout` or an abort from another event can only be noticed while the thread is free: between
 * batches, or while a task awaits. A task stuck in a loop of its own is never stopped here:
 * use 'threads' for work that may hang.
 *
 * Results of output keys are kept in this process (held-results.ts) until released.
 */
import { setImmediate } from 'node:timers/promises';
import { CancelledError, registerScheduler, serializeError, type Scheduler } from '@tsdask/core-graph';
import { executeBatch, loadOps, now, type BatchPayload, type BatchResult } from '@tsdask/runtime';
import { localScheduler } from './held-results.js';
import { runGraph, type Executor } from './run-graph.js';
import { localOptions } from './options.js';

const syncExecutor: Executor = {
  name: 'sync',
  slots: 1,
  workers: 1,
  shipsSource: false,
  async prepare(ops) {
    await loadOps(ops);
  },
  async run(payload: BatchPayload, signal: AbortSignal): Promise<BatchResult> {
    // Yield to the event loop between batches: otherwise back-to-back batches (a chain of
    // microtasks) starve I/O, and spill writes would only finish after the whole compute.
    await setImmediate();
    // The compute has ended meanwhile (cancelled or failed): this batch's result would be dropped.
    if (signal.aborted) {
      const t = now();
      return { ok: false, member: 0, error: serializeError(new CancelledError(signal.reason)), start: t, stop: t, worker: -1 };
    }
    // Checked after every task: no task starts once the compute is cancelled.
    return executeBatch(payload, -1, () => {
      if (signal.aborted) throw new CancelledError(signal.reason);
    });
  },
};

/** The 'sync' scheduler. */
export const syncScheduler: Scheduler = localScheduler('sync', localOptions, (graph, outputs, opts, hooks) =>
  runGraph(graph, outputs, syncExecutor, opts, hooks),
);

registerScheduler(syncScheduler);
