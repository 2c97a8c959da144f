import { describe, expect, it } from 'vitest';
import { keyMask, order } from '@tsdask/core-graph';
import { planBatches, SchedulerState } from '@tsdask/scheduler-local';
import { randomDag } from './random-dag.js';

// V8 counts a plain ArrayBuffer's bytes as external memory and runs a full mark-compact of the
// whole heap for every 64 MB more of it; shared memory is not counted. The arrays per task that
// a compute allocates before it runs must not trigger that on a graph of millions of tasks.
describe('arrays per task of a compute', () => {
  it('live on SharedArrayBuffers, with the values a plain loop gives', () => {
    const g = randomDag(300, 7);
    const sinks = g.keys.filter((_, i) => g.outPtr[i + 1] === g.outPtr[i]);
    const prio = order(g, sinks);
    const mask = keyMask(g, sinks);
    const plan = planBatches(g, prio, mask, 8);
    const machine = new SchedulerState(g, plan, { outputs: Int32Array.from(sinks, (k) => g.index.get(k)!), slots: 2, retries: 0 });
    for (const a of [prio, mask, plan.batchOf, plan.memIdx, machine.state]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    // The reference: a sink's mask by a plain loop over the dependents; priorities a permutation.
    for (let i = 0; i < g.size; i++) expect(mask[i]).toBe(g.outPtr[i + 1] === g.outPtr[i] ? 1 : 0);
    expect([...prio].sort((a, b) => a - b)).toEqual(Array.from({ length: g.size }, (_, i) => i));
  });
});
