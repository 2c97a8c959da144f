/**
 * Finding a column by name: the one lookup that kernels use on a partition or a schema, so a
 * missing column is always the same ColumnNotFoundError (naming where, listing the columns,
 * suggesting the closest name).
 */
import type { ColumnData, Partition } from './columns.js';
import { ColumnNotFoundError } from '../errors.js';

/** The position of column `name` in `names`; throws ColumnNotFoundError (in `where`) when absent. */
export function columnIndex(p: { readonly names: readonly string[] }, name: string, where?: string): number {
  const i = p.names.indexOf(name);
  if (i < 0) throw new ColumnNotFoundError(name, p.names, where);
  return i;
}

/** The data of column `name` of a partition; throws ColumnNotFoundError (in `where`) when absent. */
export function columnOf(p: Partition, name: string, where?: string): ColumnData {
  return p.columns[columnIndex(p, name, where)] as ColumnData;
}
