/**
 * int64 values as the kernels hold them: JavaScript numbers, exact up to 2^53. A bigint past
 * that (from Arrow, records or Parquet) is an error naming where it was, never a rounded
 * number; readers offer `dtypes` to read such a column as text instead.
 */
import { DataFrameError } from './errors.js';

const MAX = 9007199254740991n;

/** True when an int64 column holds `v` exactly (|v| < 2^53). */
export function exactInt64(v: bigint): boolean {
  return v <= MAX && v >= -MAX;
}

/** The largest integer an int64 column holds exactly here, as a number. */
export const INT64_EXACT = 2 ** 53 - 1;

/** The error for a result (a sum, a product) that leaves the exact range: `what` made it. */
export function int64RangeError(what: string, approx: number): DataFrameError {
  return new DataFrameError(
    `${what} gives about ${approx.toPrecision(6)}, beyond 2^53, past what int64 columns hold exactly here (a rounded number would be a wrong answer). Cast to float64 first to compute it approximately.`,
  );
}

/** The error for a bigint past 2^53 at `where`, with what to do (`fix`). */
export function int64Error(where: string, v: bigint, fix: string): DataFrameError {
  return new DataFrameError(`${where} holds ${v}, an integer beyond 2^53 that int64 columns do not hold exactly here; not read. ${fix}`);
}
