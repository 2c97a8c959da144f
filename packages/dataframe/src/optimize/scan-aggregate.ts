/**
 * Rule scan-aggregate: the partial step of a groupBy (or of a whole-frame reduction) over a
 * source that can aggregate while it reads (readCSV's scanner) becomes one task per byte range
 * that walks the records and adds them straight into the groups' states, building no column
 * (io/ops.ts readCsvAggregate), instead of a read task whose columns a partialAgg task then
 * aggregates. Its result is the same Partial, so the combine steps are unchanged.
 *
 * The row-wise steps between the source and the groupBy (filters, derived and renamed
 * columns, choices of columns) run in the same task on each small batch, pruned to what the
 * aggregate reads (plan/groupby.ts lowerScanAggregate). A source that cannot aggregate
 * (readCSV's papaparse engine, Parquet, memory) keeps the read and partialAgg tasks. Off with
 * `dataframe.optimize: { scanAggregate: false }` or the older `dataframe.fuseScanAggregate: false`.
 */
import { registerOption } from '@tsdask/core-graph';
import type { PlanNode } from '../plan/node.js';

/** The older config setting that switches the rule off when false. */
export const FUSE_SCAN_AGGREGATE = 'dataframe.fuseScanAggregate';
registerOption(FUSE_SCAN_AGGREGATE, {
  scope: 'config',
  owner: '@tsdask/dataframe',
  check: (v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${typeof v}`),
});

/** The rule: a groupBy over a reader that can aggregate, marked to read its partials fused. */
export function fuseScanAggregate(n: PlanNode): PlanNode | undefined {
  if (n.kind !== 'groupby' || n.scan === true) return undefined;
  const src = n.input.kind === 'map' ? n.input.input : n.input;
  if (src.kind !== 'source' || src.source.lowerAggregate === undefined || src.source.canAggregate === false) return undefined;
  return { ...n, scan: true };
}
