import { describe, expect, it } from 'vitest';
import { forEachOp, fuseBlockwise, graphOf, HighLevelGraph, type Task } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { build, expectClose, refMap, SCHEDULERS } from './support.js';

const EW = '@tsdask/array/kernels#elementwise';

function opsIn(node: unknown): string[] {
  const out: string[] = [];
  forEachOp(node as Task, (op) => out.push(op));
  return out;
}

describe('fuse-blockwise', () => {
  it('x.add(1).mul(2).sqrt() materializes one task per chunk, each a single element-wise kernel', () => {
    const x = da.fromArray(build([10, 6], (i) => i), { chunks: [3, 4] });
    const y = x.add(1).mul(2).sqrt();
    const nblocks = 4 * 2;
    const { graph } = graphOf([y], { optimize: { inline: false, fuse: false } });
    const computeTasks = graph.keys.filter((k) => !k.startsWith(x.name));
    expect(computeTasks.length).toBe(nblocks);
    for (const k of computeTasks) {
      const ops = opsIn(graph.nodes[graph.index.get(k) as number]).filter((o) => o === EW);
      expect(ops.length).toBe(1);
    }
    const unfused = graphOf([y], { optimize: { inline: false, fuse: false, blockwise: false } }).graph;
    expect(unfused.keys.filter((k) => !k.startsWith(x.name)).length).toBe(3 * nblocks);
  });

  it('does not fuse a layer that two layers read, or one that is an output', () => {
    const x = da.fromArray(build([6], (i) => i), { chunks: 2 });
    const a = x.add(1);
    const b = a.mul(2);
    const c = a.sub(3);
    const g = HighLevelGraph.merge(b.graph, c.graph);
    const fused = fuseBlockwise(g, [...b.outputKeys, ...c.outputKeys]);
    expect(fused.layers.has(a.name)).toBe(true);
    const g2 = fuseBlockwise(b.graph, [...a.outputKeys, ...b.outputKeys]);
    expect(g2.layers.has(a.name)).toBe(true);
  });
});

describe.each(SCHEDULERS)('fused results on %s', (scheduler) => {
  it('equal the unfused results, with broadcasting and a shared input', async () => {
    const X = build([5, 4], (i) => i - 7);
    const Y = build([4], (i) => i * 0.25);
    const x = da.fromArray(X, { chunks: [2, 3] });
    const y = da.fromArray(Y, { chunks: 3 });
    const z = x.add(y).mul(x).abs().sqrt().sub(1);
    const want = refMap((a, b) => Math.sqrt(Math.abs((a + b) * a)) - 1, X, Y);
    expectClose(await z.compute({ scheduler }), want);
    expectClose(await z.compute({ scheduler, optimize: { blockwise: false } }), want);
    expectClose(await z.sum({ axis: 1 }).compute({ scheduler }), (want as number[][]).map((r) => r.reduce((p, q) => p + q, 0)));
  });
});
