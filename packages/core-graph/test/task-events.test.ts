import { describe, expect, it } from 'vitest';
import { TaskBatchBuilder, taskEventsOf, TASK_STATES, type TaskEvent } from '@tsdask/core-graph';

describe('TaskEventBatch', () => {
  it('round-trips events through the columns, growing past its first capacity', () => {
    const states = TASK_STATES;
    // 3000 events over 700 keys in 3 groups, workers as numbers, strings and none.
    const events: TaskEvent[] = Array.from({ length: 3000 }, (_, i) => {
      const group = ['inc', 'add', 'sum'][i % 3]!;
      const worker: number | string = i % 5 === 0 ? -1 : i % 5 === 1 ? 'tcp://h:1' : i % 7;
      return { key: `${group}-tok,${i % 700}`, group, state: states[i % 6]!, worker, start: i, stop: i + 0.5, nbytes: i % 11 };
    });
    const b = TaskBatchBuilder.fromEvents(events);
    expect(b.length).toBe(3000);
    expect(b.task.length).toBeGreaterThanOrEqual(3000);
    expect(new Set(b.keys).size).toBe(b.keys.length);
    expect([...b.groups].sort()).toEqual(['add', 'inc', 'sum']);
    expect(taskEventsOf(b)).toEqual(events);
  });

  it('reuses its arrays after clear and keeps worker indices stable', () => {
    const b = new TaskBatchBuilder(['a-1', 'b-2'], Int32Array.from([0, 1]), ['a', 'b']);
    const w7 = b.workerIndex(7);
    b.push(0, 3, w7, 1, 2, 8);
    const arr = b.task;
    b.clear();
    expect(b.length).toBe(0);
    b.push(1, 5, b.workerIndex('x'), 3, 4, 0);
    b.push(0, 4, b.workerIndex(7), 0, 0, 0);
    expect(b.task).toBe(arr);
    expect(b.workers).toEqual([7, 'x']);
    expect(taskEventsOf(b)).toEqual([
      { key: 'b-2', group: 'b', state: 'erred', worker: 'x', start: 3, stop: 4, nbytes: 0 },
      { key: 'a-1', group: 'a', state: 'released', worker: 7, start: 0, stop: 0, nbytes: 0 },
    ]);
  });
});
