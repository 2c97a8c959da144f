/**
 * Test helpers for the scheduler state machine: a DAG drawn as `{ key: [deps...] }` lowered to
 * a core-graph TaskGraph, and small readers of the instructions the machine returns.
 */
import { lowerGraph, ref, task, type TaskGraph } from '@tsdask/core-graph';
import type { ComputeTask, SchedulerInstruction } from '@tsdask/scheduler-distributed';

/** Lowers a DAG drawn as key -> the keys it reads (in insertion order). */
export function dag(drawn: Record<string, string[]>): TaskGraph {
  return lowerGraph(Object.entries(drawn).map(([k, deps]) => [k, task('test#f', ...deps.map((d) => ref(d)))] as const));
}

/** The compute-task instructions among `out`. */
export function computes(out: readonly SchedulerInstruction[]): ComputeTask[] {
  return out.filter((i): i is ComputeTask => i.type === 'compute-task');
}

/** `key -> worker` of the compute-task instructions among `out`. */
export function placed(out: readonly SchedulerInstruction[]): Record<string, string> {
  return Object.fromEntries(computes(out).map((c) => [c.key, c.worker]));
}

/** Keys of the client task-done instructions among `out`. */
export function done(out: readonly SchedulerInstruction[]): string[] {
  return out.flatMap((i) => (i.type === 'task-done' ? [i.key] : []));
}

/** A seeded PRNG (mulberry32), so random tests replay. */
export { mulberry32 as rng } from '../../../../test/support/seeded-random.js';
