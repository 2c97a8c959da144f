/** Checks layer templates against lowering: each run of blocks expands to exactly the tasks the lowered graph has. */
import { expect } from 'vitest';
import { expandTemplate, type TaskGraph, type TemplatedRun } from '@tsdask/core-graph';

/** Checks each run's expansion against the lowered graph, key by key, node by node, dependency by dependency; returns the blocks covered per layer group. */
export function expectRunsMatch(g: TaskGraph, runs: readonly TemplatedRun[]): Map<string, number> {
  const covered = new Map<string, number>();
  for (const run of runs) {
    const ex = expandTemplate(run.template, run.from, run.to);
    expect(ex.keys.length).toBe(run.ids.length);
    for (let t = 0; t < ex.keys.length; t++) {
      const id = run.ids[t]!;
      expect(ex.keys[t]).toBe(g.keys[id]);
      expect(ex.nodes[t]).toEqual(g.nodes[id]);
      const deps = Array.from(g.depIdx.subarray(g.depPtr[id], g.depPtr[id + 1]), (d) => g.keys[d]);
      expect(ex.depKeys.slice(ex.depPtr[t], ex.depPtr[t + 1])).toEqual(deps);
    }
    const group = run.template.name.replace(/-[0-9a-f]{32}$/, '');
    covered.set(group, (covered.get(group) ?? 0) + run.to - run.from);
  }
  return covered;
}
