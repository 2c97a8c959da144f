/**
 * The 'sync' scheduler: runs every batch in the calling thread, one at a time. Any closure
 * works here (nothing is shipped), which makes it the scheduler for debugging and tests.
 */
import { setImmediate } from 'node:timers/promises';
import { loadOps, registerScheduler, type Scheduler } from '@tsdask/core-graph';
import { executeBatch, type BatchPayload } from './execute-batch.js';
import { runGraph, type Executor } from './run-graph.js';

const syncExecutor: Executor = {
  name: 'sync',
  slots: 1,
  workers: 1,
  shipsSource: false,
  async prepare(ops) {
    await loadOps(ops);
  },
  async run(payload: BatchPayload) {
    // Yield to the event loop between batches: otherwise back-to-back batches (a chain of
    // microtasks) starve I/O, and spill writes would only finish after the whole compute.
    await setImmediate();
    return executeBatch(payload, -1);
  },
};

/** The 'sync' scheduler. */
export const syncScheduler: Scheduler = {
  name: 'sync',
  get(graph, outputs, opts) {
    return runGraph(graph, outputs, syncExecutor, opts);
  },
};

registerScheduler(syncScheduler);
