/**
 * The scheduler's own figures, for benchmarks, tests and operators (the client's
 * `schedulerStats()`): tasks it records, its heap and RSS, how long its event loop blocked
 * (loop-monitor.ts) and how its last graph went in (graph-intake.ts). With `gc`, a full garbage
 * collection runs first, so `heapUsed` is what the scheduler keeps (V8's gc, reached without
 * the --expose-gc flag through a fresh context, as `v8.setFlagsFromString` allows).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { IntakeStats } from './graph-intake.js';
import type { LoopDelay } from './loop-monitor.js';

/** What `schedulerStats()` answers. */
export interface SchedulerStats {
  /** Tasks in the state machine. */
  tasks: number;
  /** Workers connected. */
  workers: number;
  /** V8 heap in use and the process's resident memory, in bytes. */
  heapUsed: number;
  rss: number;
  /** The event loop's longest block (and 99th percentile) since the last reset, in ms. */
  loop: LoopDelay;
  /** Graphs taken in, and the last one's tasks and ms. */
  intake: IntakeStats;
}

let gc: (() => void) | undefined;

/** Runs a full garbage collection. */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
