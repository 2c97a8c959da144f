/**
 * The test DAG of the memory and spill-failure tests: K loads of 100 bytes, each read by a sum and
 * by a max that also needs the last load, so every load is held (or spilled) until all loads are
 * done; and the state machine over it, one task per batch.
 */
import { lowerGraph, order, ref, task, type TaskGraph } from '@tsdask/core-graph';
import { planBatches, SchedulerState, type BatchPlan } from '@tsdask/scheduler-local';

/** The number of loads. */
export const K = 10;
const entries: [string, unknown][] = [];
for (let i = 0; i < K; i++) {
  entries.push([`load,${i}`, task('m#load', i)]);
  entries.push([`s,${i}`, task('m#sum', ref(`load,${i}`))]);
  entries.push([`m,${i}`, task('m#max', ref(`load,${i}`), ref(`load,${K - 1}`))]);
}
entries.push([
  'total',
  task(
    'm#add',
    Array.from({ length: K }, (_, i) => ref(`s,${i}`)),
  ),
]);
entries.push([
  'peak',
  task(
    'm#maxall',
    Array.from({ length: K }, (_, i) => ref(`m,${i}`)),
  ),
]);

/** The lowered DAG. */
export const g: TaskGraph = lowerGraph(entries);
/** Its outputs. */
export const outputs = ['total', 'peak'];

/** A machine over the DAG under `memoryLimit` (2 slots, no retries); `size(b)` is batch b's bytes (100 for a load, else 1). */
export function loadsMachine(memoryLimit: number): { m: SchedulerState; size: (b: number) => number; plan: BatchPlan; outIds: Int32Array } {
  const outIds = Int32Array.from(outputs, (k) => g.index.get(k)!);
  const isOut = new Uint8Array(g.size);
  for (const o of outIds) isOut[o] = 1;
  const plan = planBatches(g, order(g, outputs), isOut, 1);
  const m = new SchedulerState(g, plan, { outputs: outIds, slots: 2, retries: 0, memoryLimit, rootSlots: 1 });
  return { m, plan, outIds, size: (b) => (g.keys[plan.root[b]!]!.startsWith('load') ? 100 : 1) };
}
