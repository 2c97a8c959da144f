/**
 * The logical plan behind a DataFrame: sources, fused row-wise steps, and opaque graph nodes
 * (the results of groupby, shuffles, persisted data). Plan-level rewrites (projection and
 * predicate pushdown, in optimize/) run on it before it is lowered to graph layers.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DType, Schema } from './kernels/columns.js';
import type { Step } from './kernels/steps.js';
import type { AggSpec } from './kernels/partial-agg.js';
import type { PushFilter } from './optimize/predicate.js';
import { pushFilters } from './optimize/predicate.js';
import { pruneSteps } from './optimize/projection.js';
import { lowerMerge } from './merge.js';

/** The module kernels are loaded from. */
export const K = '@tsdask/dataframe/kernels';

/** A lowered plan: layers whose partition keys are `name,i`. */
export interface Lowered {
  name: string;
  graph: HighLevelGraph;
}

/** Something that produces partitions: in-memory data, CSV ranges, Parquet row groups. */
export interface Source {
  readonly npartitions: number;
  readonly schema: Schema;
  /** True when `lower` can prune by filters. */
  readonly acceptsFilters: boolean;
  /** Layers that read only `columns` (all when undefined), pruned by `filters` where it can. */
  lower(columns: string[] | undefined, filters: PushFilter[]): Lowered;
  /**
   * One task per partition that reads `columns`, applies the row-wise `steps` and returns the
   * partial aggregate of `spec`, whose keys have types `keyTypes` (see
   * optimize/scan-aggregate.ts); undefined when this source cannot.
   */
  lowerAggregate?(columns: string[], spec: AggSpec, steps: Step[], keyTypes: DType[]): Lowered | undefined;
  /** Distinct combinations of `columns` among the rows of a sample, when the source has one. */
  sampleDistinct?(columns: string[]): { distinct: number; rows: number } | undefined;
}

/** The sample estimate of distinct key combinations, through steps that keep those columns. */
export function estimateDistinct(node: PlanNode, columns: string[]): { distinct: number; rows: number } | undefined {
  if (node.kind === 'source') return node.source.sampleDistinct?.(columns);
  if (node.kind !== 'map') return undefined;
  const touched = node.steps.some((s) =>
    s.k === 'rename' || (s.k === 'with' && s.exprs.some(([n]) => columns.includes(n))) ||
    (s.k === 'select' && s.exprs.some(([n, e]) => columns.includes(n) && !(e.e === 'col' && e.name === n))),
  );
  return touched ? undefined : estimateDistinct(node.input, columns);
}

/** A join of two plans (see merge.ts); lowered with projection pushdown into both sides. */
export interface MergeNode {
  kind: 'merge';
  left: PlanNode;
  right: PlanNode;
  how: 'inner' | 'left' | 'right' | 'outer';
  leftOn: string[];
  rightOn: string[];
  suffixes: [string, string];
  nullsEqual: boolean;
  mode: 'broadcast-right' | 'broadcast-left' | 'shuffle';
  schema: Schema;
  npartitions: number;
}

export type PlanNode =
  | MergeNode
  | { kind: 'source'; source: Source; schema: Schema; npartitions: number }
  | { kind: 'map'; input: PlanNode; steps: Step[]; schema: Schema; npartitions: number }
  | {
      kind: 'graph';
      name: string;
      graph: HighLevelGraph;
      schema: Schema;
      npartitions: number;
      /** After a sort: the key holding the n - 1 boundaries between partitions, and the column. */
      divisions?: { key: Key; column: string };
      /**
       * A layer whose partitions hold the same rows with string dictionaries as UTF-8 only
       * (`dictUtf8`, no `dict`): compute() reads these (the Arrow Table needs no strings);
       * everything else reads `name`.
       */
      packed?: string;
    };

/** The keys of a lowered plan's partitions. */
export function partitionKeys(name: string, n: number): Key[] {
  const out: Key[] = [];
  for (let i = 0; i < n; i++) out.push(chunkKey(name, i));
  return out;
}

/** Lowers a plan to layers, reading only the columns `needed` (all when undefined). */
export function lowerPlan(node: PlanNode, needed?: Set<string>): Lowered {
  switch (node.kind) {
    case 'graph':
      return { name: node.name, graph: node.graph };
    case 'merge':
      return lowerMerge(node, needed);
    case 'source':
      return node.source.lower(needed === undefined ? undefined : node.schema.names.filter((n) => needed.has(n)), []);
    case 'map': {
      const pruned = pruneSteps(node.steps, needed);
      let input: Lowered;
      if (node.input.kind === 'source' && node.input.source.acceptsFilters) {
        const cols = pruned.needed === undefined ? undefined : node.input.schema.names.filter((n) => (pruned.needed as Set<string>).has(n));
        input = node.input.source.lower(cols, pushFilters(pruned.steps, node.input.schema));
      } else {
        input = lowerPlan(node.input, pruned.needed);
      }
      if (pruned.steps.length === 0) return input;
      const name = `map-partitions-${tokenize(input.name, pruned.steps)}`;
      const tasks = new Map<Key, Node>();
      const steps = quote(pruned.steps);
      for (let i = 0; i < node.npartitions; i++) {
        tasks.set(chunkKey(name, i), { op: `${K}#mapPartition`, args: [{ ref: chunkKey(input.name, i) }, steps] });
      }
      return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
    }
  }
}

/** A layer of one task per partition: `op(partition_i, ...args)`. */
export function blockwise(input: Lowered, n: number, opName: string, op: string, args: unknown[]): Lowered {
  const name = `${opName}-${tokenize(input.name, op, args)}`;
  const tasks = new Map<Key, Node>();
  const quoted = args.map((a) => quote(a));
  for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op, args: [{ ref: chunkKey(input.name, i) }, ...quoted] });
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}
