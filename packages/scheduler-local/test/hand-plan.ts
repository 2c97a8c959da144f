/**
 * A BatchPlan written by hand for the policy tests: batch b is the one task b, `inputs[b]`
 * lists the batches it reads, `picks` the pick batches. Dependents are worked out here with a
 * plain loop (not with the planner), so tests read the DAG as drawn.
 */
import type { BatchPlan } from '@tsdask/scheduler-local';

export function handPlan(inputs: number[][], picks: number[] = []): BatchPlan {
  const count = inputs.length;
  const ids = Int32Array.from({ length: count }, (_, i) => i);
  const inPtr = new Int32Array(count + 1);
  const inIdx: number[] = [];
  inputs.forEach((ins, b) => {
    inIdx.push(...ins);
    inPtr[b + 1] = inIdx.length;
  });
  const outPtr = new Int32Array(count + 1);
  const outIdx: number[] = [];
  for (let b = 0; b < count; b++) {
    for (let d = 0; d < count; d++) if (inputs[d]!.includes(b)) outIdx.push(d);
    outPtr[b + 1] = outIdx.length;
  }
  const memPtr = Int32Array.from({ length: count + 1 }, (_, i) => i);
  const pick = new Uint8Array(count);
  for (const p of picks) pick[p] = 1;
  return {
    count,
    batchOf: ids,
    memPtr,
    memIdx: ids.slice(),
    root: ids.slice(),
    inPtr,
    inIdx: Int32Array.from(inIdx),
    outPtr,
    outIdx: Int32Array.from(outIdx),
    pick,
  };
}
