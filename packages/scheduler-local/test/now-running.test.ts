import { describe, expect, it } from 'vitest';
import { compute, TASK_STATES, type TaskEventBatch } from '@tsdask/core-graph';
import { spin } from '../../../test/support/spin.js';
import '@tsdask/scheduler-local';

describe("the 'running' event on threads", () => {
  it('names the worker of a batch while it runs, the one that later reports it done', async () => {
    const work = spin(600);
    const snapshots: { worker: number; key: string; start: number }[][] = [];
    const doneBy = new Map<string, number | string>();
    await compute(work, {
      scheduler: 'threads',
      callbacks: [
        {
          event(name, payload) {
            if (name === 'running') snapshots.push(payload['running'] as { worker: number; key: string; start: number }[]);
          },
          taskBatch(b: TaskEventBatch) {
            for (let i = 0; i < b.length; i++) {
              if (TASK_STATES[b.state[i]!] === 'memory') doneBy.set(b.keys[b.task[i]!]!, b.workers[b.worker[i]!]!);
            }
          },
        },
      ],
    });
    const seen = snapshots.flat().filter((r) => r.key === work.key);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]!.worker).toBe(doneBy.get(work.key));
    expect(seen[0]!.start).toBeGreaterThanOrEqual(0);
    // The last snapshot before the end shows it still running or nothing: never another key.
    expect(snapshots.flat().every((r) => r.key === work.key)).toBe(true);
  });
});
