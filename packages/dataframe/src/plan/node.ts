/**
 * The logical plan behind a DataFrame: a tree of typed nodes, one kind per file in plan/
 * (source, map, groupby, merge, sort, drop-duplicates, repartition, map-partitions, partition,
 * persisted). Every node records its output schema and partition count when the verb builds
 * it; optimize/ rewrites the tree (rules), plan/lower.ts turns it into graph layers once, at
 * compute. This file holds the shapes only, so node files and rules share them without cycles.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, registerWorkerModules, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { Table } from 'apache-arrow';
import type { DType, Schema } from '../kernels/columns.js';
import type { ExprNode } from '../kernels/expr-node.js';
import type { Step } from '../kernels/steps.js';
import type { AggSpec } from '../kernels/partial-agg.js';
import type { PushFilter } from './push-filters.js';

/** The module kernels are loaded from. */
export const K = '@tsdask/dataframe/kernels';
/** The module the readers' ops (CSV ranges, Parquet row groups) are loaded from. */
export const IO = '@tsdask/dataframe/io';
/** The module of the kernels that need Apache Arrow (mapPartitions): loaded only when a query uses them. */
export const ARROW = '@tsdask/dataframe/arrow';
// Worker threads load the kernels and the readers as they start, not when the first query's first task arrives.
registerWorkerModules(K, IO);

/**
 * A lowered plan: layers whose partition keys are `name,i`. `packed` names a layer of the same
 * rows with string dictionaries as UTF-8 only (a sort's output: compute() reads it, since the
 * Arrow Table needs no strings); `divisions` the key of a sort's partition boundaries.
 */
export interface Lowered {
  name: string;
  graph: HighLevelGraph;
  packed?: string;
  divisions?: Key;
}

/** Something that produces partitions: in-memory data, CSV ranges, Parquet row groups. */
export interface Source {
  readonly npartitions: number;
  readonly schema: Schema;
  /** True when `lower` can prune by filters. */
  readonly acceptsFilters: boolean;
  /** One line for explain(): what is read (the columns and filters are added by the plan). */
  describe(): string;
  /** Layers that read only `columns` (all when undefined), pruned by `filters` where it can. */
  lower(columns: string[] | undefined, filters: PushFilter[]): Lowered;
  /**
   * One task per partition that reads `columns`, applies the row-wise `steps` and returns the
   * partial aggregate of `spec`, whose keys have types `keyTypes` (see
   * optimize/scan-aggregate.ts); undefined when this source cannot.
   */
  lowerAggregate?(columns: string[], spec: AggSpec, steps: Step[], keyTypes: DType[]): Lowered | undefined;
  /** False when `lowerAggregate` would decline (for example another parsing engine). */
  readonly canAggregate?: boolean;
  /** Distinct combinations of `columns` among the rows of a sample, when the source has one. */
  sampleDistinct?(columns: string[]): { distinct: number; rows: number } | undefined;
}

interface Base {
  readonly schema: Schema;
  readonly npartitions: number;
}

/** A reader; `columns` (the projection) and `predicate` (filters on the rows read) come from the optimizer. */
export interface SourceNode extends Base {
  readonly kind: 'source';
  readonly source: Source;
  /** The columns it outputs, when fewer than the source's (projection pushdown). */
  readonly columns?: string[];
  /** Filters applied to the rows as they are read (predicate pushdown), in order. */
  readonly predicate?: ExprNode[];
}

/** Fused row-wise steps (filter, withColumns, select, rename, drop): one task per partition. */
export interface MapNode extends Base {
  readonly kind: 'map';
  readonly input: PlanNode;
  readonly steps: Step[];
}

/** groupBy(keys).agg(...): partial aggregates per partition, then a tree or a shuffle. */
export interface GroupByNode extends Base {
  readonly kind: 'groupby';
  readonly input: PlanNode;
  readonly spec: AggSpec;
  readonly splitEvery: number;
  /** Output partitions: 1 is a tree reduction; more hash-shuffle the partials. */
  readonly splitOut: number;
  /** Set by the scan-aggregate rule: the reader aggregates while it reads, where it can. */
  readonly scan?: boolean;
}

/** How a merge moves rows: one side whole to every partition of the other, or both shuffled. */
export type MergeMode = 'broadcast-right' | 'broadcast-left' | 'shuffle';

/** A join of two plans. */
export interface MergeNode extends Base {
  readonly kind: 'merge';
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly how: 'inner' | 'left' | 'right' | 'outer';
  readonly leftOn: string[];
  readonly rightOn: string[];
  readonly nullsEqual: boolean;
  readonly mode: MergeMode;
  /** [input column, output name] of the left columns kept (the keys always are). */
  readonly leftKeep: [string, string][];
  /** [input column, output name or null] of the right columns kept (null: a shared key, dropped). */
  readonly rightKeep: [string, string | null][];
}

/** sortValues: a global sort, range-partitioned on the first key. */
export interface SortNode extends Base {
  readonly kind: 'sort';
  readonly input: PlanNode;
  readonly by: string[];
  readonly ascending: boolean[];
}

/** dropDuplicates(subset): the first row of each distinct subset, in input order. */
export interface DropDuplicatesNode extends Base {
  readonly kind: 'drop-duplicates';
  readonly input: PlanNode;
  readonly subset: string[];
}

/** repartition({ npartitions }). */
export interface RepartitionNode extends Base {
  readonly kind: 'repartition';
  readonly input: PlanNode;
}

/** mapPartitions(fn): a user function from Arrow Table to Arrow Table, per partition. */
export interface MapPartitionsNode extends Base {
  readonly kind: 'map-partitions';
  readonly input: PlanNode;
  readonly fn: (t: Table) => Table;
}

/** getPartition(i): one partition of the input. */
export interface PartitionNode extends Base {
  readonly kind: 'partition';
  readonly input: PlanNode;
  readonly index: number;
}

/** Results already computed (persist()) or a graph built elsewhere: opaque to the optimizer. */
export interface PersistedNode extends Base {
  readonly kind: 'persisted';
  readonly lowered: Lowered;
}

export type PlanNode =
  SourceNode | MapNode | GroupByNode | MergeNode | SortNode | DropDuplicatesNode | RepartitionNode | MapPartitionsNode | PartitionNode | PersistedNode;

/** The keys of a lowered plan's partitions. */
export function partitionKeys(name: string, n: number): Key[] {
  const out: Key[] = [];
  for (let i = 0; i < n; i++) out.push(chunkKey(name, i));
  return out;
}

/** A layer of one task per partition: `op(partition_i, ...args)`. */
export function blockwise(input: Lowered, n: number, opName: string, op: string, args: unknown[]): Lowered {
  const name = `${opName}-${tokenize(input.name, op, args)}`;
  const tasks = new Map<Key, Node>();
  const quoted = args.map((a) => quote(a));
  for (let i = 0; i < n; i++) tasks.set(chunkKey(name, i), { op, args: [{ ref: chunkKey(input.name, i) }, ...quoted] });
  return { name, graph: HighLevelGraph.fromLayer(new MaterializedLayer(name, tasks, [input.name]), input.graph) };
}

/** The schema restricted to `names` (kept in the schema's order). */
export function restrict(schema: Schema, names: ReadonlySet<string>): Schema {
  const keep = schema.names.map((n, i) => [n, i] as const).filter(([n]) => names.has(n));
  return { names: keep.map(([n]) => n), types: keep.map(([, i]) => schema.types[i] as DType) };
}

/** True when two schemas have the same names and types in the same order. */
export function sameSchema(a: Schema, b: Schema): boolean {
  return a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i] && a.types[i] === b.types[i]);
}

/** What each kind of node knows about itself: one table entry per file in plan/. */
export interface NodeOps<N extends PlanNode> {
  /** One line for explain(). */
  describe(n: N): string;
  /** The inputs, in order. */
  inputs(n: N): PlanNode[];
  /** The same node over other inputs (which have the columns it reads). */
  withInputs(n: N, inputs: PlanNode[]): N;
  /** The columns of input i that the node reads to make its whole output (undefined: all). */
  requires(n: N, i: number): Set<string> | undefined;
  /**
   * A plan whose output is exactly the columns `cols` of this node's (in its order), reading
   * less; undefined when it cannot do better than this node.
   */
  narrow(n: N, cols: ReadonlySet<string>): PlanNode | undefined;
  /** Layers, lowering inputs through `lowerInput` (memoized: a shared input lowers once). */
  lower(n: N, lowerInput: (p: PlanNode) => Lowered): Lowered;
}

/** True when `cols` leaves out some column of the node's output. */
export function dropsSome(n: PlanNode, cols: ReadonlySet<string>): boolean {
  return n.schema.names.some((c) => !cols.has(c));
}
