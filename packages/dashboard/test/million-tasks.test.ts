/**
 * The dashboard at cluster scale: a compute of a million tasks in four groups, every task going
 * running then memory on two workers, in batches as a cluster scheduler sends them. The page's
 * messages are aggregated by task group: each batch and the hello of a page that connects late
 * stay small whatever the number of tasks (a bound by groups, workers and the bar cap, never
 * by tasks), and the per-group progress equals the group sizes counted by hand.
 */
import { describe, expect, it } from 'vitest';
import { TaskBatchBuilder, TaskStateCode } from '@tsdask/core-graph';
import { Aggregator, BAR_FIELDS } from '@tsdask/dashboard';

describe('a million-task compute on the dashboard', () => {
  it('sends messages sized by groups and workers, not tasks, with the right progress per group', () => {
    const n = 1_000_000;
    const names = ['inc', 'mul', 'sum-0', 'sum-1'];
    const sizes = [500_000, 300_000, 150_000, 50_000];
    const keys: string[] = new Array<string>(n);
    const groupOf = new Int32Array(n);
    for (let g = 0, i = 0; g < names.length; g++) for (let j = 0; j < sizes[g]!; j++, i++) [keys[i], groupOf[i]] = [`${names[g]}-tok,${j}`, g];
    const a = new Aggregator({ now: () => 0 });
    a.start({ computeId: 'big', scheduler: 'distributed', ntasks: n, workers: 2, groups: new Map(names.map((g, i) => [g, sizes[i]!])), keys, groupOf });
    const b = new TaskBatchBuilder(keys, groupOf, names);
    const w = [b.workerIndex('tcp://127.0.0.1:1'), b.workerIndex('tcp://127.0.0.1:2')];
    let largest = 0;
    const done = new Array<number>(names.length).fill(0);
    for (let from = 0; from < n; from += 50_000) {
      b.clear();
      for (let t = from; t < from + 50_000; t++) {
        b.push(t, TaskStateCode.running, w[t % 2]!, t / 1000, 0, 0);
        b.push(t, TaskStateCode.memory, w[t % 2]!, t / 1000, t / 1000 + 0.5, 8);
      }
      a.taskBatch(b);
      const msg = a.flush()!;
      largest = Math.max(largest, JSON.stringify(msg).length);
      for (const p of msg.progress) done[p.group] = p.done;
      expect(msg.bars.length).toBeLessThanOrEqual(a.maxBars * BAR_FIELDS);
    }
    expect(done).toEqual(sizes); // every task of each group, counted once
    // 4000 bars of 7 numbers at most, a few groups and two workers: well under 1 MB at any number of tasks.
    expect(largest).toBeLessThan(1_000_000);
    const hello = JSON.stringify(a.hello());
    expect(hello.length).toBeLessThan(2_000_000); // the kept bars (20k) and the groups, not a million keys
    expect(hello).not.toContain('tok,999999'); // no per-task data
  });
});
