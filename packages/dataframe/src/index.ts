/**
 * @tsdask/dataframe: lazy, partitioned Arrow dataframes. Read CSV or Parquet (or wrap Arrow
 * tables and records), filter, derive columns with expressions, group, join and sort on all
 * cores; `compute()` gives an Arrow Table.
 */
export { DataFrame, type ExplainOptions } from './dataframe.js';
export type { PlanOptimizeFlags } from './optimize/driver.js';
export { Series } from './series.js';
export { GroupBy, type GroupByOptions } from './groupby.js';
export { Scalar } from './collect.js';
export { Expr, When, Then, col, lit, when, type ExprLike } from './expr.js';
export { fromArrow, fromRecords, type FromOptions } from './from.js';
export type { DType, Schema, ColumnData, Partition } from './kernels/columns.js';
export type { ExprNode, Scalar as ScalarValue } from './kernels/expr-node.js';
export type { AggFn } from './kernels/groupby.js';
export * from './errors.js';
export { readCSV, type ReadCsvOptions } from './csv.js';
export { readParquet, type ReadParquetOptions } from './parquet.js';
