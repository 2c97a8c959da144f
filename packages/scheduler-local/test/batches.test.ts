import { describe, expect, it } from 'vitest';
import { order } from '@tsdask/core-graph';
import { planBatches } from '@tsdask/scheduler-local';
import { randomDag } from './random-dag.js';

describe('planBatches', () => {
  it.each([[1], [3], [16], [512]])('makes in-trees with one root and bounded size (max %i)', (max) => {
    for (const seed of [1, 2, 3]) {
      const g = randomDag(400, seed);
      const sinks = [...g.keys].filter((_, i) => g.outPtr[i + 1] === g.outPtr[i]);
      const isOut = new Uint8Array(g.size);
      const extraOut = g.index.get('t,50')!;
      isOut[extraOut] = 1;
      for (const k of sinks) isOut[g.index.get(k)!] = 1;
      const plan = planBatches(g, order(g, sinks), isOut, max);
      const seen = new Uint8Array(g.size);
      for (let b = 0; b < plan.count; b++) {
        const members = Array.from(plan.memIdx.subarray(plan.memPtr[b], plan.memPtr[b + 1]));
        expect(members.length).toBeLessThanOrEqual(max);
        expect(members.at(-1)).toBe(plan.root[b]);
        for (const t of members) {
          expect(seen[t]).toBe(0);
          seen[t] = 1;
          expect(plan.batchOf[t]).toBe(b);
          if (t !== plan.root[b]) {
            // A non-root member has exactly one dependent, in the same batch, and is no output.
            expect(g.outPtr[t + 1]! - g.outPtr[t]!).toBe(1);
            expect(plan.batchOf[g.outIdx[g.outPtr[t]!]!]).toBe(b);
            expect(isOut[t]).toBe(0);
          }
          // Dependencies run earlier in the batch, or are inputs (other batches' roots).
          for (let e = g.depPtr[t]!; e < g.depPtr[t + 1]!; e++) {
            const d = g.depIdx[e]!;
            if (plan.batchOf[d] === b) expect(members.indexOf(d)).toBeLessThan(members.indexOf(t));
            else {
              expect(plan.root[plan.batchOf[d]!]).toBe(d);
              expect(Array.from(plan.inIdx.subarray(plan.inPtr[b], plan.inPtr[b + 1]))).toContain(d);
            }
          }
        }
      }
      expect(seen.every((x) => x === 1)).toBe(true);
      expect(plan.batchOf[extraOut]).toBe(plan.batchOf[extraOut]);
      expect(plan.root[plan.batchOf[extraOut]!]).toBe(extraOut);
    }
  });
});
