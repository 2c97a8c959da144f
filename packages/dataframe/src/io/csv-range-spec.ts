/**
 * What a worker gets to parse one byte range of a CSV file (planned by csv.ts), and where the
 * scanner (csv-scan.ts) can hand its rows as it goes.
 */
import type { DType, Partition } from '../kernels/columns.js';

/** Everything a worker needs to parse one range. */
export interface CsvRangeSpec {
  file: string;
  start: number;
  end: number;
  size: number;
  header: boolean;
  sep: string;
  names: string[];
  types: DType[];
  /** File column indices to produce, in output order. */
  want: number[];
  nullValues: string[];
  onBadLines: 'error' | 'skip' | 'warn';
  /** An invalid date in a date column: a bad line ('error', the default) or a null. */
  invalidDates?: 'error' | 'null';
  /** Slash dates are D/M/YYYY (pandas' dayfirst), not M/D/YYYY. */
  dayfirst?: boolean;
  estRows: number;
  /** The file's modification time when planned (with `size`: a changed file is an error). */
  mtime: number;
  /** The longest record, in bytes, that the scanner buffers. */
  maxRecord: number;
  /** The text encoding ('utf-8' for the byte scanner; others go through papaparse). */
  encoding: string;
}

/**
 * Where a scan can hand its rows as it goes, instead of building whole columns: batches of
 * about `rows` rows (views on buffers that the scan then reuses), in file order.
 */
export interface CsvSink {
  rows: number;
  take(batch: Partition): void;
}
