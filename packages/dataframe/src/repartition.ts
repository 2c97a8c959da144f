/** repartition({ npartitions }): neighbours are concatenated, or each partition split evenly. */
import { HighLevelGraph, MaterializedLayer, chunkKey, tokenize, type Key, type Node } from '@tsdask/core-graph';
import { DataFrame } from './dataframe.js';
import { K } from './plan.js';
import { DataFrameError } from './errors.js';

/** The same rows in `n` partitions, in order. */
export function repartition(df: DataFrame, n: number): DataFrame {
  if (!Number.isInteger(n) || n < 1) throw new DataFrameError(`repartition(): npartitions must be a positive integer, not ${n}.`);
  const input = df.lower();
  const m = df.npartitions;
  const name = `repartition-${tokenize(input.name, n)}`;
  const tasks = new Map<Key, Node>();
  if (n <= m) {
    for (let j = 0; j < n; j++) {
      const refs: Node[] = [];
      for (let i = Math.floor((j * m) / n); i < Math.floor(((j + 1) * m) / n); i++) refs.push({ ref: chunkKey(input.name, i) });
      tasks.set(chunkKey(name, j), { op: `${K}#concat`, args: refs });
    }
  } else {
    // Output j takes piece (j - first) of the input partition it falls in.
    for (let j = 0; j < n; j++) {
      const i = Math.floor((j * m) / n);
      const first = Math.ceil((i * n) / m);
      const count = Math.ceil(((i + 1) * n) / m) - first;
      tasks.set(chunkKey(name, j), { op: `${K}#piece`, args: [{ ref: chunkKey(input.name, i) }, count, j - first] });
    }
  }
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph);
  return new DataFrame({ kind: 'graph', name, graph, schema: df.schema, npartitions: n });
}
