/**
 * The source node: a reader (CSV ranges, Parquet row groups, data in memory) with the columns
 * it outputs (projection pushdown) and filters on the rows it reads (predicate pushdown). The
 * filters run in the read's own task (or the one after it), and Parquet also prunes row groups
 * by them.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { Schema } from '../kernels/columns.js';
import { columnsOf } from '../kernels/expr-node.js';
import type { Step } from '../kernels/steps.js';
import { pushFilters } from './push-filters.js';
import { exprText } from './expr-text.js';
import { K, dropsSome, restrict, type Lowered, type NodeOps, type PlanNode, type Source, type SourceNode } from './node.js';
import { chooses } from './steps.js';

/** Files as explain() names them: the path, or how many and the first. */
export function filesText(paths: readonly string[]): string {
  return paths.length === 1 ? (paths[0] as string) : `${paths.length} files (${paths[0] ?? ''}, ...)`;
}

/** A plan that reads all of `source`. */
export function sourceNode(source: Source): SourceNode {
  return { kind: 'source', source, schema: source.schema, npartitions: source.npartitions };
}

/** The columns the reader parses (undefined: all): the output and what the filters read. */
export function readColumns(n: SourceNode): string[] | undefined {
  if (n.columns === undefined) return undefined;
  const want = new Set(n.columns);
  for (const e of n.predicate ?? []) columnsOf(e, want);
  return n.source.schema.names.filter((c) => want.has(c));
}

/** The row-wise steps after the read: the filters, then a choice of the output columns when the filters read others. */
export function readSteps(n: SourceNode): Step[] {
  const steps: Step[] = (n.predicate ?? []).map((expr) => ({ k: 'filter', expr }));
  const read = readColumns(n);
  if (n.columns !== undefined && read !== undefined && read.length > n.columns.length) steps.push(chooses(n.columns));
  return steps;
}

/** The reader's layers, without the steps after it (see readSteps). */
export function lowerRead(n: SourceNode): Lowered {
  const filters = n.source.acceptsFilters ? pushFilters(readSteps(n), n.source.schema) : [];
  return n.source.lower(readColumns(n), filters);
}

/** Layers running `steps` (fused) over each partition of `input`. */
export function lowerSteps(input: Lowered, n: number, steps: Step[]): Lowered {
  if (steps.length === 0) return input;
  const name = `map-partitions-${tokenize(input.name, steps)}`;
  const tasks = new Map<Key, Node>();
  const q = quote(steps);
  for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op: `${K}#mapPartition`, args: [{ ref: chunkKey(input.name, i) }, q] });
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}

function describeSource(n: SourceNode): string {
  const all = n.source.schema.names.length;
  const cols = n.columns === undefined ? `all ${all} columns` : `columns [${n.columns.join(', ')}] (${n.columns.length} of ${all})`;
  const filter = n.predicate === undefined || n.predicate.length === 0 ? '' : `; filter ${n.predicate.map(exprText).join(' & ')}`;
  return `${n.source.describe()}: ${cols}${filter}`;
}

function narrowSource(n: SourceNode, cols: ReadonlySet<string>): PlanNode | undefined {
  if (!dropsSome(n, cols)) return undefined;
  const schema: Schema = restrict(n.schema, cols);
  return { ...n, schema, columns: schema.names };
}

export const sourceOps: NodeOps<SourceNode> = {
  describe: describeSource,
  inputs: () => [],
  withInputs: (n) => n,
  requires: () => undefined,
  narrow: narrowSource,
  lower: (n) => lowerSteps(lowerRead(n), n.npartitions, readSteps(n)),
};
