/**
 * Layer templates on real array and dataframe graphs (issue 14): every run of blocks that
 * core-graph's findTemplatedRuns finds in a lowered graph expands (expandTemplate) to exactly the
 * tasks lowering gave, key by key, node by node, dependency by dependency, with the task-level
 * passes off and on; and the layers one expects to be templated are.
 */
import { describe, expect, it } from 'vitest';
import { findTemplatedRuns, graphOf, type CollectionLike } from '@tsdask/core-graph';
import { ones } from '@tsdask/array';
import { col, fromRecords } from '@tsdask/dataframe';
import { expectRunsMatch } from './support/template-runs.js';

const OFF = { optimize: { cull: false, inline: false, fuse: false, blockwise: false } };

describe('layer templates on collection graphs', () => {
  it('array: creation, elementwise, transpose and matmul blocks expand as lowering gives them', () => {
    const x = ones([400, 300], { chunks: [40, 30] }); // 10 x 10 blocks
    const y = x.mul(2).add(x.T.T);
    const z = y.matmul(x.T); // contracted over 10 blocks
    for (const opts of [OFF, {}]) {
      const { graph } = graphOf([z as unknown as CollectionLike], opts);
      const covered = expectRunsMatch(graph, findTemplatedRuns(graph, { minRun: 4 }));
      // every task is in a run: the ones (full), the elementwise layers (fused or not), both transposes, the matmul
      expect([...covered.values()].reduce((a, b) => a + b, 0)).toBe(graph.size);
      expect(covered.get('full')).toBe(100);
      expect(covered.get('tensordot')).toBe(100);
    }
  });

  it('dataframe: source, filter and withColumns partitions expand as lowering gives them', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ a: i, b: i % 7 }));
    const df = fromRecords(rows, { npartitions: 60 });
    const out = df.filter(col('b').gt(2)).withColumns({ c: col('a').mul(2) });
    for (const opts of [OFF, {}]) {
      const { graph } = graphOf([out as unknown as CollectionLike], opts);
      const runs = findTemplatedRuns(graph, { minRun: 4 });
      const covered = expectRunsMatch(graph, runs);
      // the partitions of the map layers are one template each (the source's quoted data is not)
      // (optimized, the source's data is inlined into the map: per-partition data, no template)
      if (opts === OFF) expect(covered.get('map-partitions')).toBe(60);
    }
  });
});
