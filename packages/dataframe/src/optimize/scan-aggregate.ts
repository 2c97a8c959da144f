/**
 * Scan-aggregate fusion: the partial step of a groupBy (or of a whole-frame reduction) over a
 * source that can aggregate while it reads (readCSV's scanner) becomes one task per byte range
 * that walks the records and adds them straight into the groups' states, building no column
 * (io/ops.ts readCsvAggregate), instead of a read task whose columns a partialAgg task then
 * aggregates. Its result is the same Partial, so the combine steps are unchanged.
 *
 * The row-wise steps between the source and the groupBy (filters, derived and renamed
 * columns, choices of columns) run in the same task on each small batch, pruned to what the
 * aggregate reads; the source reads only the columns they need. Steps that only choose
 * columns are skipped (the aggregator finds columns by name). A source that cannot aggregate
 * (readCSV's papaparse engine, Parquet, memory) keeps the read and partialAgg tasks. Off with
 * the config setting `dataframe.fuseScanAggregate: false`.
 */
import { config, registerOption } from '@tsdask/core-graph';
import type { DType } from '../kernels/columns.js';
import type { AggSpec } from '../kernels/partial-agg.js';
import type { Step } from '../kernels/steps.js';
import type { Lowered, PlanNode } from '../plan.js';
import { pruneSteps } from './projection.js';

/** The config setting that switches the rewrite off when false. */
export const FUSE_SCAN_AGGREGATE = 'dataframe.fuseScanAggregate';
registerOption(FUSE_SCAN_AGGREGATE, {
  scope: 'config',
  owner: '@tsdask/dataframe',
  check: (v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${typeof v}`),
});

/**
 * The partial aggregates of `spec` over `plan` (a frame narrowed to the columns the spec
 * reads), one per partition, read and aggregated by fused tasks; undefined where not fused.
 */
export function fuseScanAggregate(plan: PlanNode, spec: AggSpec): Lowered | undefined {
  if (config.get(FUSE_SCAN_AGGREGATE) === false) return undefined;
  const source = plan.kind === 'map' ? plan.input : plan;
  if (source.kind !== 'source' || source.source.lowerAggregate === undefined) return undefined;
  const pruned = plan.kind === 'map' ? pruneSteps(plan.steps, new Set(plan.schema.names)) : { steps: [], needed: new Set(plan.schema.names) };
  const needed = pruned.needed as Set<string>;
  const columns = source.schema.names.filter((n) => needed.has(n));
  const steps: Step[] = pruned.steps.every(onlyChooses) ? [] : pruned.steps;
  const keyTypes = spec.keys.map((k) => plan.schema.types[plan.schema.names.indexOf(k)] as DType);
  return source.source.lowerAggregate(columns, spec, steps, keyTypes);
}

/** A step that only chooses columns under their own names (a drop, a select of columns). */
function onlyChooses(s: Step): boolean {
  return s.k === 'drop' || (s.k === 'select' && s.exprs.every(([n, e]) => e.e === 'col' && e.name === n));
}
