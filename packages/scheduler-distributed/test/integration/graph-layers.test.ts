/**
 * A graph sent as layers on a real 2-worker cluster (issue 14: "the client sends a graph as
 * layers where it can and in chunks where it cannot"): three layers of 6k blocks each (inc(i), and two
 * maps over it) go as `update-graph-layer` templates, a tree of sums as parts; the answer equals a
 * plain loop and the same graph sent task by task (`distributed.layers: false`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowerArrays, type ComputeOptions, type Key, type Node } from '@tsdask/core-graph';
import { encodeGraph, graphMessages } from '@tsdask/scheduler-distributed';
import { startCluster, type Running } from './cluster-support.js';

const SUM = '@tsdask/core-graph/ops#sum';
let run: Running;
beforeAll(async () => {
  run = await startCluster({ nWorkers: 2 });
});
afterAll(async () => {
  await run?.stop();
});

/** src,i = i + 1; twice,i = src,i + src,i; plus,i = twice,i + src,i + 3; a tree of sums of 8 over plus. */
function graphOf(n: number, tag: string): { keys: Key[]; nodes: Node[]; root: Key } {
  const keys: Key[] = [];
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) {
    keys.push(`src-${tag},${i}`);
    nodes.push({ op: SUM, args: [i, 1] });
    keys.push(`twice-${tag},${i}`);
    nodes.push({ op: SUM, args: [{ ref: `src-${tag},${i}` }, { ref: `src-${tag},${i}` }] });
    keys.push(`plus-${tag},${i}`);
    nodes.push({ op: SUM, args: [{ ref: `twice-${tag},${i}` }, { ref: `src-${tag},${i}` }, 3] });
  }
  let level = Array.from({ length: n }, (_, i) => `plus-${tag},${i}`);
  for (let depth = 0; level.length > 1; depth++) {
    const next: Key[] = [];
    for (let j = 0; j < level.length; j += 8) {
      next.push(`sum-${depth}-${tag},${j / 8}`);
      keys.push(next.at(-1)!);
      nodes.push({ op: SUM, args: level.slice(j, j + 8).map((ref) => ({ ref })) });
    }
    level = next;
  }
  return { keys, nodes, root: level[0]! };
}

async function computeOn(n: number, tag: string, opts: ComputeOptions): Promise<unknown> {
  const { keys, nodes, root } = graphOf(n, tag);
  const graph = lowerArrays(keys, nodes);
  const sched = run.client.asScheduler();
  await sched.run(graph, [root], opts).done;
  const [value] = await sched.gather([root]);
  sched.release([root]);
  return value;
}

describe('a graph sent as layers on a 2-worker cluster', () => {
  it('gives the answer of a plain loop and of the per-task path', async () => {
    const n = 6_000;
    // what the client sends: the twice and plus layers as templates, the rest as parts
    const { keys, nodes, root } = graphOf(n, 'probe');
    const graph = lowerArrays(keys, nodes);
    const msgs = [...graphMessages(encodeGraph(1, graph, [root]), graph)];
    const layered = msgs.filter((m) => m.type === 'update-graph-layer');
    expect(new Set(layered.map((m) => JSON.parse(m.template).name))).toEqual(new Set(['src-probe', 'twice-probe', 'plus-probe']));
    expect(layered.reduce((s, m) => s + m.to - m.from, 0)).toBe(3 * n);

    let want = 0;
    for (let i = 0; i < n; i++) want += 3 * (i + 1) + 3;
    expect(await computeOn(n, 'layers', {})).toBe(want);
    expect(await computeOn(n, 'tasks', { 'distributed.layers': false } as ComputeOptions)).toBe(want);
  }, 180_000);
});
