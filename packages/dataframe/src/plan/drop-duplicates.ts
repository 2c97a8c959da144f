/**
 * The dropDuplicates node: one row per distinct combination of `subset`, the first such row
 * whole, in the order of those first rows, nulls counting as values (pandas' keep='first').
 * Lowered as: each row gets its position (partition index * 2^32 + row), an aggregation keeps
 * each group's first row with its position, and a sort by position restores the input order.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DType } from '../kernels/columns.js';
import type { AggSpec } from '../kernels/groupby.js';
import { K, dropsSome, restrict, type DropDuplicatesNode, type Lowered, type NodeOps, type PlanNode } from './node.js';
import { aggregateLayers } from './groupby.js';
import { appendSteps, project } from './map.js';
import { lowerSteps } from './source.js';
import { sortLayers } from './sort.js';
import { chooses } from './steps.js';

/** The hidden position column (no user column is named so: it starts with a NUL). */
const POS = '\u0000position';

/** Each partition's rows with their positions in the column POS. */
function withPositions(input: Lowered, m: number): Lowered {
  const name = `with-position-${tokenize(input.name)}`;
  const tasks = new Map<Key, Node>();
  for (let i = 0; i < m; i++) tasks.set(chunkKey(name, i), { op: `${K}#withPosition`, args: [{ ref: chunkKey(input.name, i) }, i, POS] });
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}

function narrowDropDuplicates(n: DropDuplicatesNode, cols: ReadonlySet<string>): PlanNode | undefined {
  const need = new Set([...cols, ...n.subset]);
  if (!dropsSome(n.input, need)) return undefined;
  const input = project(n.input, need);
  const narrowed: DropDuplicatesNode = { ...n, input, schema: input.schema };
  if (!dropsSome(narrowed, cols)) return narrowed;
  const out = restrict(narrowed.schema, cols);
  return appendSteps(narrowed, [chooses(out.names)], out);
}

export const dropDuplicatesOps: NodeOps<DropDuplicatesNode> = {
  describe: (n) => `DropDuplicates [${n.subset.join(', ')}]; keep first`,
  inputs: (n) => [n.input],
  withInputs: (n, [input]) => ({ ...n, input: input as PlanNode }),
  requires: () => undefined,
  narrow: narrowDropDuplicates,
  lower(n, lowerInput) {
    const s = n.input.schema;
    const m = n.input.npartitions;
    const positioned = withPositions(lowerInput(n.input), m);
    const rest = [...s.names.filter((c) => !n.subset.includes(c)), POS];
    const spec: AggSpec = {
      keys: [...n.subset],
      aggs: rest.map((c) => [c, c, 'firstRow']),
      types: rest.map((c) => (c === POS ? 'float64' : (s.types[s.names.indexOf(c)] as DType))),
      dropna: false,
    };
    const firsts = aggregateLayers(positioned, false, m, spec, 8, 1);
    const sorted = sortLayers(firsts, 1, [], [POS], [true], 1);
    return lowerSteps(sorted, 1, [chooses(s.names)]);
  },
};
