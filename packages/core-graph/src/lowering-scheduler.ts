/**
 * The scheduler a compute lowers its graph for, while it lowers: compute() and persist() set it
 * around building the task graph (compute.ts), so a collection whose lowering depends on where
 * the graph runs reads it (dataframe's `dataframe.shuffle.method: 'auto'` shuffles peer to peer
 * for a scheduler that runs P2P shuffles, as Dask's does for the client in use). Lowering is
 * synchronous, so one slot, restored after, is enough; undefined outside a compute's lowering
 * (then the configured scheduler is the one to go by).
 */
import type { Scheduler } from './schedulers.js';

let current: Scheduler | undefined;

/** The scheduler the graph being lowered now will run on, when a compute is lowering it. */
export function loweringScheduler(): Scheduler | undefined {
  return current;
}

/** Runs `lower` (synchronous) with `scheduler` as the lowering scheduler. */
export function lowerFor<T>(scheduler: Scheduler, lower: () => T): T {
  const before = current;
  current = scheduler;
  try {
    return lower();
  } finally {
    current = before;
  }
}
