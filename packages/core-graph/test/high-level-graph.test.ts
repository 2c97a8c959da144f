import { describe, expect, it } from 'vitest';
import { HighLevelGraph, MaterializedLayer, ref, task } from '@tsdask/core-graph';

describe('HighLevelGraph', () => {
  const a = new MaterializedLayer('a', { 'a,0': 1, 'a,1': 2, 'a,2': 3 });
  const b = new MaterializedLayer('b', { 'b,0': task('m#inc', ref('a,0')), 'b,1': task('m#inc', ref('a,1')), 'b,2': task('m#inc', ref('a,2')) }, ['a']);
  const c = new MaterializedLayer('c', { c: task('m#add', ref('b,1'), ref('b,2')) }, ['b']);
  const hlg = HighLevelGraph.fromLayer(c, HighLevelGraph.fromLayer(b, new HighLevelGraph([a])));

  it('keeps the DAG of layers in graphology', () => {
    expect(hlg.dag.order).toBe(3);
    expect(hlg.dag.hasEdge('a', 'b')).toBe(true);
    expect(hlg.dag.hasEdge('b', 'c')).toBe(true);
    expect(hlg.layerOrder()).toEqual(['a', 'b', 'c']);
  });

  it('materializes only the keys the requested ones need, across layers', () => {
    expect([...hlg.materialize(['c']).keys()].sort()).toEqual(['a,1', 'a,2', 'b,1', 'b,2', 'c']);
    expect([...hlg.materialize(['b,0']).keys()].sort()).toEqual(['a,0', 'b,0']);
    expect(hlg.materialize().size).toBe(7);
  });

  it('merges graphs, sharing layers of the same name', () => {
    const other = HighLevelGraph.fromLayer(new MaterializedLayer('d', { d: task('m#neg', ref('a,0')) }, ['a']), new HighLevelGraph([a]));
    const merged = HighLevelGraph.merge(hlg, other);
    expect([...merged.layers.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...merged.materialize(['c', 'd']).keys()].sort()).toEqual(['a,0', 'a,1', 'a,2', 'b,1', 'b,2', 'c', 'd']);
  });
});
