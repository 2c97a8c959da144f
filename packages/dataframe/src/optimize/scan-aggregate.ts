/**
 * Scan-aggregate fusion: the partial step of a groupBy (or of a whole-frame reduction) over a
 * source that can aggregate while it reads (readCSV's scanner) becomes one task per byte range
 * that walks the records and adds them straight into the groups' states, building no column
 * (io/ops.ts readCsvAggregate), instead of a read task whose columns a partialAgg task then
 * aggregates. Its result is the same Partial, so the combine steps are unchanged.
 *
 * Applied only where the answer is the same: the steps between the source and the groupBy
 * may only choose columns (a select of columns under their own names, a drop). A filter, a
 * derived or renamed column, a source that cannot aggregate (readCSV's papaparse engine,
 * Parquet, memory) keep the read and partialAgg tasks. Off with the config setting
 * `dataframe.fuseScanAggregate: false`.
 */
import { config } from '@tsdask/core-graph';
import type { AggSpec } from '../kernels/partial-agg.js';
import type { Lowered, PlanNode } from '../plan.js';

/** The config setting that switches the rewrite off when false. */
export const FUSE_SCAN_AGGREGATE = 'dataframe.fuseScanAggregate';

/**
 * The partial aggregates of `spec` over `plan` (a frame narrowed to the columns the spec
 * reads), one per partition, read and aggregated by fused tasks; undefined where not fused.
 */
export function fuseScanAggregate(plan: PlanNode, spec: AggSpec): Lowered | undefined {
  if (config.get(FUSE_SCAN_AGGREGATE) === false) return undefined;
  let node = plan;
  if (node.kind === 'map') {
    const onlyChooses = node.steps.every(
      (s) => s.k === 'drop' || (s.k === 'select' && s.exprs.every(([n, e]) => e.e === 'col' && e.name === n)),
    );
    if (!onlyChooses) return undefined;
    node = node.input;
  }
  if (node.kind !== 'source' || node.source.lowerAggregate === undefined) return undefined;
  // The columns the frame has after the steps are the source's columns the spec reads.
  return node.source.lowerAggregate(plan.schema.names, spec);
}
