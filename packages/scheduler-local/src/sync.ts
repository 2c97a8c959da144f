/**
 * The 'sync' scheduler: runs every batch in the calling thread, one at a time. Any closure
 * works here (nothing is shipped), which makes it the scheduler for debugging and tests.
 */
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
  run(payload: BatchPayload) {
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
