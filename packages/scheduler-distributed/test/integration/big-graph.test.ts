/**
 * A big graph on a real 2-worker cluster (issue 14's million-task graphs, at CI size): 40k tasks
 * (35k leaves inc(i), a tree of sums of 8) sent in update-graph-parts and taken in by the
 * scheduler in slices. The result equals a plain loop; another client's questions are answered
 * while the graph is still going in (the event loop is not held by the intake); heartbeats keep
 * flowing (no worker is lost, none goes unheard near the heartbeat timeout); and the event
 * loop's longest block stays under a bound generous for a loaded machine. Timing figures are
 * bench/million-tasks.mjs's job; this checks behaviour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowerArrays, type Node } from '@tsdask/core-graph';
import { GRAPH_PART_TASKS, type SchedulerStats } from '@tsdask/scheduler-distributed';
import { startCluster, type Running } from './cluster-support.js';

const SUM = '@tsdask/core-graph/ops#sum';
let run: Running;
let watcher: Running['client'];
beforeAll(async () => {
  run = await startCluster({ nWorkers: 2 });
  watcher = run.cluster.client();
  await watcher.ready();
});
afterAll(async () => {
  await watcher?.close();
  await run?.stop();
});

describe('a 40k-task graph on a 2-worker cluster', () => {
  it('computes the answer of a plain loop, and the scheduler keeps answering and hearing its workers while the graph goes in', async () => {
    const leaves = 35_000;
    const keys: string[] = [];
    const nodes: Node[] = [];
    for (let i = 0; i < leaves; i++) {
      keys.push(`inc-big,${i}`);
      nodes.push({ op: SUM, args: [i, 1] });
    }
    let level = keys.slice();
    for (let depth = 0; level.length > 1; depth++) {
      const next: string[] = [];
      for (let j = 0; j < level.length; j += 8) {
        next.push(`sum-${depth}-big,${j / 8}`);
        keys.push(next.at(-1)!);
        nodes.push({ op: SUM, args: level.slice(j, j + 8).map((ref) => ({ ref })) });
      }
      level = next;
    }
    const graph = lowerArrays(keys, nodes);
    expect(graph.size).toBeGreaterThan(4 * GRAPH_PART_TASKS); // it goes in parts
    let want = 0;
    for (let i = 0; i < leaves; i++) want += i + 1;
    const workers = run.cluster.workers.map((w) => w.address).sort();
    await watcher.schedulerStats({ reset: true });

    const sched = run.client.asScheduler();
    const handle = sched.run(graph, [level[0]!], {});
    // Another client asks all along: some answer must come while the graph is being taken in.
    const seen: SchedulerStats[] = [];
    for (;;) {
      const s = await watcher.schedulerStats();
      seen.push(s);
      if (s.intake.graphs > 0) break;
    }
    expect(seen.some((s) => s.intake.busy)).toBe(true);
    await handle.done;
    expect(await sched.gather([level[0]!])).toEqual([want]);
    sched.release([level[0]!]);

    const end = await watcher.schedulerStats();
    expect(end.intake.lastTasks).toBe(graph.size);
    expect(end.workers).toBe(2);
    expect(run.cluster.workers.map((w) => w.address).sort()).toEqual(workers); // none lost and replaced
    // Heartbeats every 1000 ms; the scheduler drops a worker unheard for 5000 ms.
    expect(end.loop.workerSilenceMs).toBeLessThan(4000);
    // Generous: the bound is 100 ms on a quiet machine (bench/million-tasks.mjs); this one is shared and noisy.
    expect(end.loop.maxMs).toBeLessThan(3000);
  }, 180_000);
});
