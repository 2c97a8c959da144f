/**
 * The JavaScript values of a column at the type level, as `valueAt` (kernels/columns.ts) gives
 * them: numbers for float64, int32 and int64 (int64 columns hold integers within 2^53 as
 * numbers), booleans for bool, strings for utf8, Date objects for date and timestamp; a missing
 * value is null. Where a column's dtype is not known statically (the `DType` union) the rule
 * gives every possible value. test/typed-results.test.ts checks it against the runtime.
 */
import type { DType } from './kernels/columns.js';

/** The JavaScript value of one (non-null) element of a column of dtype D. */
export type ValueOf<D extends DType> = D extends 'float64' | 'int32' | 'int64' ? number : D extends 'bool' ? boolean : D extends 'utf8' ? string : Date;
