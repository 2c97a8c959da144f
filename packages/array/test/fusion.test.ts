import { describe, expect, it } from 'vitest';
import { compute, forEachOp, fuseBlockwise, graphOf, HighLevelGraph, type Task } from '@tsdask/core-graph';
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
    const x = da.fromArray(
      build([10, 6], (i) => i),
      { chunks: [3, 4] },
    );
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
    const x = da.fromArray(
      build([6], (i) => i),
      { chunks: 2 },
    );
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
    expectClose(
      await z.sum({ axis: 1 }).compute({ scheduler }),
      (want as number[][]).map((r) => r.reduce((p, q) => p + q, 0)),
    );
  });
});

describe.each(SCHEDULERS)('reductions of fused chains on %s', (scheduler) => {
  it('reduce the expression in one pass (reduceExpr), with the same numbers as a reference', async () => {
    const X = build([7, 5], (i) => ((i * 11) % 9) - 3);
    const Y = build([5], (i) => i * 0.5);
    const x = da.fromArray(X, { chunks: [3, 2] });
    const y = da.fromArray(Y, { chunks: 2 });
    const i32 = da.fromArray(new Int32Array([2000000000, 2000000000, 7, -3]), { chunks: 3 });
    const chain = x.add(1).mul(2).abs().sqrt();
    const { graph } = graphOf([chain.sum({ axis: 0 })], { optimize: { inline: false, fuse: false } });
    const partials = graph.keys.filter((k) => k.startsWith('sum-partial'));
    expect(partials.length).toBe(3 * 3);
    for (const k of partials) {
      const ops = opsIn(graph.nodes[graph.index.get(k) as number]);
      expect(ops).toContain('@tsdask/array/kernels#reduceExpr');
      expect(ops).not.toContain(EW);
    }
    const f = (v: number): number => Math.sqrt(Math.abs((v + 1) * 2));
    const [s0, mx, sb, any, ib, bc] = await compute(
      chain.sum({ axis: 0 }),
      x.mul(x).max({ axis: 1 }),
      x.gt(2).sum(),
      x.gt(4).any(),
      i32.add(1).sum(),
      x.add(y).sum({ axis: 1 }),
      { scheduler },
    );
    const cols = (X as number[][])[0]!.map((_, j) => (X as number[][]).reduce((p, r) => p + f(r[j]!), 0));
    expectClose(s0 as da.NDArray, cols, 1e-12);
    expectClose(
      mx as da.NDArray,
      (X as number[][]).map((r) => Math.max(...r.map((v) => v * v))),
    );
    expect(sb).toBe(BigInt((X as number[][]).flat().filter((v) => v > 2).length));
    expect(any).toBe((X as number[][]).flat().some((v) => v > 4));
    expect(ib).toBe(2000000001n + 2000000001n + 8n - 2n);
    expectClose(
      bc as da.NDArray,
      (X as number[][]).map((r) => r.reduce((p, v, j) => p + v + (Y as number[])[j]!, 0)),
    );
  });
});
