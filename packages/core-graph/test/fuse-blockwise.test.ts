import { describe, expect, it } from 'vitest';
import { BlockwiseLayer, Collection, fuseBlockwise, graphOf, HighLevelGraph, isRef, MaterializedLayer, quote, task, type Task } from '@tsdask/core-graph';

const ID = '@tsdask/core-graph/ops#identity';
const SUM = '@tsdask/core-graph/ops#sum';

describe('BlockwiseLayer', () => {
  it('materializes only the asked blocks, broadcasting single blocks and listing contracted ones', () => {
    const l = new BlockwiseLayer('out', 'ik', [2, 3], task(SUM, BlockwiseLayer.arg(0), BlockwiseLayer.arg(1)), [
      { name: 'a', index: 'ij', numblocks: [2, 4] },
      { name: 'b', index: 'jk', numblocks: [4, 1] },
    ]);
    expect(l.size).toBe(6);
    expect(l.has('out,1,2')).toBe(true);
    expect(l.has('out,2,0')).toBe(false);
    const out = new Map();
    l.materialize(new Set(['out,1,2']), out);
    expect([...out.keys()]).toEqual(['out,1,2']);
    const t = out.get('out,1,2') as Task;
    expect(t.args[0]).toEqual(['a,1,0', 'a,1,1', 'a,1,2', 'a,1,3'].map((ref) => ({ ref })));
    expect(t.args[1]).toEqual(['b,0,0', 'b,1,0', 'b,2,0', 'b,3,0'].map((ref) => ({ ref })));
    expect([...l.outputKeys()]).toEqual(['out,0,0', 'out,0,1', 'out,0,2', 'out,1,0', 'out,1,1', 'out,1,2']);
  });
});

describe('fuseBlockwise', () => {
  const src = new MaterializedLayer('src', { 'src,0': 1, 'src,1': 2 });
  const p = new BlockwiseLayer('p', 'i', [2], task(ID, BlockwiseLayer.arg(0)), [{ name: 'src', index: 'i', numblocks: [2] }]);
  const c = new BlockwiseLayer('c', 'i', [2], task(SUM, BlockwiseLayer.arg(0), quote(10)), [{ name: 'p', index: 'i', numblocks: [2] }]);

  it('substitutes the producer template into its only reader and leaves the input graph unchanged', () => {
    const g = new HighLevelGraph([src, p, c]);
    const f = fuseBlockwise(g, ['c,0', 'c,1']);
    expect([...f.layers.keys()].sort()).toEqual(['c', 'src']);
    expect(g.layers.size).toBe(3);
    const node = f.materialize(['c,1']).get('c,1') as Task;
    expect(node.op).toBe(SUM);
    const inner = node.args[0] as Task;
    expect(inner.op).toBe(ID);
    expect(isRef(inner.args[0]) && inner.args[0].ref).toBe('src,1');
  });

  it('keeps producers that are outputs, read twice, contracted or broadcast', () => {
    expect(fuseBlockwise(new HighLevelGraph([src, p, c]), ['p,0', 'c,0']).layers.has('p')).toBe(true);
    const c2 = new BlockwiseLayer('c2', 'i', [2], task(ID, BlockwiseLayer.arg(0)), [{ name: 'p', index: 'i', numblocks: [2] }]);
    expect(fuseBlockwise(new HighLevelGraph([src, p, c, c2]), ['c,0', 'c2,0']).layers.has('p')).toBe(true);
    const contract = new BlockwiseLayer('r', '', [], task(ID, BlockwiseLayer.arg(0)), [{ name: 'p', index: 'i', numblocks: [2] }]);
    expect(fuseBlockwise(new HighLevelGraph([src, p, contract]), ['r']).layers.has('p')).toBe(true);
    const p1 = new BlockwiseLayer('p1', 'i', [1], task(ID, BlockwiseLayer.arg(0)), [{ name: 'src', index: 'i', numblocks: [1] }]);
    const bc = new BlockwiseLayer('bc', 'ij', [2, 2], task(ID, BlockwiseLayer.arg(0)), [{ name: 'p1', index: 'j', numblocks: [1] }]);
    expect(fuseBlockwise(new HighLevelGraph([src, p1, bc]), ['bc,0,0']).layers.has('p1')).toBe(true);
  });

  it('a fused graph computes the same values, and the pass can be switched off', async () => {
    class Layers extends Collection<unknown[]> {
      get graph(): HighLevelGraph {
        return new HighLevelGraph([src, p, c]);
      }
      get outputKeys(): string[] {
        return ['c,0', 'c,1'];
      }
      finalize(values: readonly unknown[]): unknown[] {
        return [...values];
      }
    }
    const x = new Layers();
    expect(graphOf([x], { optimize: { fuse: false, inline: false } }).graph.size).toBe(4);
    expect(graphOf([x], { optimize: { fuse: false, inline: false, blockwise: false } }).graph.size).toBe(6);
    expect(await x.compute({ scheduler: 'sync' })).toEqual([11, 12]);
    expect(await x.compute({ scheduler: 'sync', optimize: { blockwise: false } })).toEqual([11, 12]);
  });
});
