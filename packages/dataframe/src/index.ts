/**
 * @tsdask/dataframe: lazy, partitioned Arrow dataframes. Read CSV or Parquet (or wrap Arrow
 * tables and records), filter, derive columns with expressions, group, join and sort on all
 * cores; `compute()` gives an Arrow Table.
 */
export { DataFrame, type ExplainOptions } from './dataframe.js';
export type { PlanOptimizeFlags } from './optimize/driver.js';
export { Series } from './series.js';
export type { ValueOf } from './value-types.js';
export { GroupBy, type GroupByOptions } from './groupby.js';
export { Expr, When, Then, col, lit, when, type ExprLike } from './expr.js';
export { fromArrow, fromRecords, type FromOptions } from './from.js';
export type { MergeOptions } from './merge.js';
export type { SortOptions } from './sort-values.js';
export type {
  AggDType,
  AggItem,
  Aggregated,
  AggregatedAll,
  AnySchema,
  ArrowDType,
  ArrowSchemaOf,
  CheckColumns,
  CheckEach,
  ColumnName,
  CsvSchema,
  DTypeAt,
  Dropped,
  ExprDType,
  Flat,
  IsWide,
  Merged,
  MergedBy,
  NamesOf,
  RecordDType,
  RecordsSchema,
  Renamed,
  Row,
  SameAt,
  SchemaShape,
  SelectItem,
  Selected,
  Simplify,
  ValueCountsSchema,
  WithColumns,
} from './schema-types.js';
export type { CallName, ColsOf, CommonDType, DTypeTerm, ExprInfo, InfoOf, LitDType, NameOf, ResolveDType, ScalarLike, TermOf } from './expr-static.js';
export type { DType, Schema, ColumnData, Partition } from './kernels/columns.js';
export type { ExprNode, Scalar as ScalarValue } from './kernels/expr-node.js';
export type { AggFn } from './kernels/groupby.js';
export * from './errors.js';
export { readCSV, type ReadCsvOptions } from './csv.js';
export { readParquet, type ReadParquetOptions } from './parquet.js';
export { toCSV, toParquet, type ToCsvOptions, type ToParquetOptions } from './writers.js';

declare module '@tsdask/core-graph' {
  interface Options {
    /** Fuse a reader with a groupBy aggregation over it (default true); a config setting. */
    'dataframe.fuseScanAggregate'?: boolean;
    /** Switches of the dataframe plan's optimizer rules, e.g. { predicate: false }; a config setting. */
    'dataframe.optimize'?: import('./optimize/driver.js').PlanOptimizeFlags;
    /** How shuffles exchange data: 'auto' (default: 'p2p' when the configured scheduler is a distributed Client), 'tasks' or 'p2p'; a config setting. */
    'dataframe.shuffle.method'?: import('./shuffle-method.js').ShuffleMethodSetting;
  }
}
