import { describe, expect, it } from 'vitest';
import { compute, TASK_STATES, type SchedulerEvent, type TaskEventBatch } from '@tsdask/core-graph';
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
          event(e: SchedulerEvent) {
            if (e.type === 'running') snapshots.push(e.running as { worker: number; key: string; start: number }[]);
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

describe('the now-running board', () => {
  it('frees the slot of an ended thread for the next one, so replaced workers never run it out', async () => {
    const { createBoard, claimSlot, releaseSlot, markRunning, readBoard, SLOTS } = await import('../src/threads/now-running.js');
    const board = createBoard();
    const slots = Array.from({ length: SLOTS }, (_, i) => claimSlot(board, 100 + i));
    expect(new Set(slots).size).toBe(SLOTS);
    expect(claimSlot(board, 9999)).toBe(-1);
    markRunning(board, slots[5]!, 7, 3);
    expect(readBoard(board, 7).map((r) => [r.worker, r.batch])).toEqual([[105, 3]]);
    // thread 105 is terminated while running batch 3: its slot goes to the thread replacing it
    releaseSlot(board, 105);
    expect(readBoard(board, 7)).toEqual([]);
    const again = claimSlot(board, 9999);
    expect(again).toBe(slots[5]);
    expect(readBoard(board, 7)).toEqual([]);
    // a thousand replacements in a row still find a slot
    let id = 10_000;
    let last = again;
    for (let i = 0; i < 1000; i++) {
      releaseSlot(board, i === 0 ? 9999 : id - 1);
      last = claimSlot(board, id++);
      expect(last).toBeGreaterThanOrEqual(0);
    }
  });
});
