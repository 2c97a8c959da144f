/**
 * The fast path's per-range constants and targets (csv-fast.ts PlainPlan, PlainTargets) for a
 * range's spec, as the scanner (csv-scan.ts) sets them up before its walk: each file column's
 * kind by dtype (or skipped), the null markers, and the builders' arrays by output slot.
 */
import type { DType } from '../kernels/columns.js';
import type { ByteInterner } from './byte-interner.js';
import type { ColumnBuilder } from './csv-columns.js';
import { F_DATE, F_FLOAT, F_GENERAL, F_INT, F_INT32, F_SKIP, F_TIMESTAMP, F_UTF8, NO_F64, NO_I32, type PlainPlan, type PlainTargets } from './csv-fast.js';
import type { CsvRangeSpec } from './csv-range-spec.js';

/** The fast path's kind of a wanted column of dtype t. */
function kindOf(t: DType): number {
  return t === 'float64'
    ? F_FLOAT
    : t === 'int64'
      ? F_INT
      : t === 'int32'
        ? F_INT32
        : t === 'utf8'
          ? F_UTF8
          : t === 'timestamp'
            ? F_TIMESTAMP
            : t === 'date'
              ? F_DATE
              : F_GENERAL;
}

/** The plan of a range: `slotOf` per file column (-1: not wanted), the markers as bytes and their first-byte table. */
export function plainPlan(
  spec: CsvRangeSpec,
  slotOf: Int32Array,
  markers: Uint8Array[],
  nullFirst: Int32Array,
  emptyIsNull: boolean,
  interners: (ByteInterner | undefined)[],
): PlainPlan {
  return {
    sep: spec.sep.charCodeAt(0),
    ncols: spec.names.length,
    kind: Uint8Array.from(spec.names, (_, fi) => ((slotOf[fi] as number) < 0 ? F_SKIP : kindOf(spec.types[fi] as DType))),
    slot: slotOf,
    markers,
    nullFirst,
    emptyIsNull,
    interners,
    dayFirst: spec.dayfirst === true,
  };
}

/** The targets of the builders (one per output slot): their arrays are set before each walk. */
export function plainTargets(builders: ColumnBuilder[]): PlainTargets {
  return {
    f64: builders.map(() => NO_F64),
    i32: builders.map(() => NO_I32),
    valid: builders.map((b) => b.valid),
    nulls: new Int32Array(builders.length),
    pend: new Int32Array(builders.length + 1),
  };
}
