/**
 * dropDuplicates(subset): one row per distinct combination of `subset`, the first such row
 * whole, in the order of those first rows, nulls counting as values: pandas' drop_duplicates
 * (keep='first'), and Dask's with one output partition.
 *
 * Each row gets its position (partition index * 2^32 + row), the groupBy keeps each group's
 * first row with its position, and a sort by position restores the order the rows came in.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DType } from './kernels/columns.js';
import type { AggSpec } from './kernels/groupby.js';
import { aggregate } from './groupby.js';
import { K } from './plan.js';
import { DataFrame } from './dataframe.js';
import { ColumnNotFoundError } from './errors.js';

/** The hidden position column (no user column is named so: it starts with a NUL). */
const POS = '\u0000position';

export function dropDuplicates(df: DataFrame, subset?: string | string[]): DataFrame {
  const keys = subset === undefined ? df.columns : typeof subset === 'string' ? [subset] : subset;
  for (const k of keys) if (!df.columns.includes(k)) throw new ColumnNotFoundError(k, df.columns, 'dropDuplicates()');
  const input = df.lower();
  const name = `with-position-${tokenize(input.name)}`;
  const tasks = new Map<Key, Node>();
  for (let i = 0; i < df.npartitions; i++) tasks.set(chunkKey(name, i), { op: `${K}#withPosition`, args: [{ ref: chunkKey(input.name, i) }, i, POS] });
  const graph = HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph);
  const positioned = new DataFrame({
    kind: 'graph',
    name,
    graph,
    schema: { names: [...df.columns, POS], types: [...df.columns.map((c) => df.dtypes[c] as DType), 'float64'] },
    npartitions: df.npartitions,
  });
  const rest = [...df.columns.filter((c) => !keys.includes(c)), POS];
  const spec: AggSpec = {
    keys: [...keys],
    aggs: rest.map((c) => [c, c, 'firstRow']),
    types: rest.map((c) => positioned.dtypes[c] as DType),
    dropna: false,
  };
  return aggregate(positioned, spec).sortValues(POS).select(df.columns);
}
