/**
 * Reader ops run by workers (`@tsdask/dataframe/io#<export>`): the thin file-system shell
 * around the pure scanners.
 */
import { readFileSync, readSync } from 'node:fs';
import type { DType, Partition } from '../kernels/columns.js';
import { PartialAggregator, type AggSpec, type Partial } from '../kernels/partial-agg.js';
import { applySteps, type Step } from '../kernels/steps.js';
import { countQuotes, scanCsvRange, type CsvRangeSpec, type ReadFn } from './csv-scan.js';
import { parseCsvText } from './csv-papa.js';
import { MissingFileError } from '../errors.js';
import { withFd } from './open-file.js';


function withFile<T>(file: string, fn: (read: ReadFn) => T): T {
  return withFd(file, (fd) => fn((buf, off, len, pos) => readSync(fd, buf, off, len, pos)));
}

/** The number of quote characters in bytes [a, b) of a file. */
export function csvQuoteCount(file: string, a: number, b: number): number {
  return withFile(file, (read) => countQuotes(read, a, b));
}

/** Parses one byte range; `counts` are the quote counts of the bytes before it. */
export function readCsvRange(spec: CsvRangeSpec, engine: 'scanner' | 'papaparse', ...counts: number[]): Partition {
  if (engine === 'papaparse') {
    let text: string;
    try {
      text = readFileSync(spec.file, 'utf8');
    } catch (err) {
      throw new MissingFileError(spec.file, err);
    }
    return parseCsvText(text, spec);
  }
  let q = 0;
  for (const c of counts) q += c;
  return withFile(spec.file, (read) => scanCsvRange(spec, read, q % 2 === 1));
}
/**
 * Scans one byte range and aggregates it at once (the fused scan and partial aggregate of
 * optimize/scan-aggregate.ts): rows go from the scanner, through the row-wise `steps` (a
 * filter, derived columns; none when the frame only chose columns), to the groups' states in
 * small batches through reused buffers, and no column of the range is built. The same Partial
 * as partialAgg(mapPartition(readCsvRange(...), steps)).
 */
export function readCsvAggregate(spec: CsvRangeSpec, agg: AggSpec, keyTypes: DType[], steps: Step[], ...counts: number[]): Partial {
  let q = 0;
  for (const c of counts) q += c;
  const acc = new PartialAggregator(agg, keyTypes);
  const take = steps.length === 0 ? (b: Partition) => acc.add(b) : (b: Partition) => acc.add(applySteps(b, steps));
  withFile(spec.file, (read) => scanCsvRange(spec, read, q % 2 === 1, { rows: BATCH_ROWS, take }));
  return acc.finish();
}

/** Rows per batch of a fused scan: a few hundred KiB of buffers, which stay in cache. */
const BATCH_ROWS = 8192;

export { readParquetPart } from './parquet-read.js';
export { delimiterMasks, useDelimiterMasks } from './delimiter-masks.js';
export { writeCsvPart, writeParquetPart } from './write.js';
