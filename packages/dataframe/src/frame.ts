/**
 * Frame: what verbs, Series, GroupBy, reductions and writers need of a DataFrame, so they take
 * the frame they are given and make the next one through it (`df.create(plan)`, as arquero's
 * `table.create`) without importing the DataFrame class: dataframe.ts imports them, never the
 * other way round.
 */
import type { HeldKeys, HighLevelGraph, Key } from '@tsdask/core-graph';
import type { Table } from 'apache-arrow';
import type { DType, Schema } from './kernels/columns.js';
import type { Expr } from './expr.js';
import type { Lowered, PlanNode } from './plan/node.js';

/** A lazy frame whose verbs give frames of type F. */
export interface Frame<F> {
  readonly plan: PlanNode;
  readonly schema: Schema;
  readonly columns: string[];
  readonly dtypes: Record<string, DType>;
  readonly npartitions: number;
  readonly graph: HighLevelGraph;
  readonly outputKeys: readonly Key[];
  /** A frame of the same class over another plan. */
  create(plan: PlanNode): F;
  /** The optimized plan lowered to layers. */
  lower(): Lowered;
  /** The frame of these columns (its schema differs: not an F; the helpers only lower it). */
  select(...items: readonly (string | Expr | readonly (string | Expr)[])[]): { lower(): Lowered };
  cheapColumn(): string;
  /** A column's distinct values and counts (its schema differs: not an F; Series types it). */
  valueCounts(column: string): unknown;
  finalize(values: readonly unknown[]): Table;
  withHeld(handle: HeldKeys): F;
}

/** Any frame (the default type argument of Series and GroupBy). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named fixed point of Frame: a type alias cannot refer to itself
export interface AnyFrame extends Frame<AnyFrame> {}

/** `, tasks=N` for a one-line summary; empty when the graph cannot be built (a summary never throws). */
export function taskSuffix(c: { readonly graph: HighLevelGraph }): string {
  try {
    return `, tasks=${c.graph.taskCount}`;
  } catch {
    return '';
  }
}
