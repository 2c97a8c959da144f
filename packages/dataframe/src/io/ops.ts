/**
 * Reader ops run by workers (`@tsdask/dataframe/io#<export>`): the thin file-system shell
 * around the pure scanners.
 */
import { readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { DType, Partition } from '../kernels/columns.js';
import { PartialAggregator, type AggSpec, type Partial } from '../kernels/partial-agg.js';
import { applySteps, countAfterSteps, type Step } from '../kernels/steps.js';
import { scanCsvRange, type CsvRangeSpec, type ReadFn } from './csv-scan.js';
import { firstFieldAt, quoteTransfer, rangeBounds } from './csv-boundaries.js';
import { parseCsvText } from './csv-papa.js';
import { DataFrameError } from '../errors.js';
import { withFd, type PlannedFile } from './open-file.js';
import { decodeFile } from './utf8.js';

function withFile<T>(file: string, planned: PlannedFile, fn: (read: ReadFn) => T): T {
  return withFd(file, (fd) => fn((buf, off, len, pos) => readSync(fd, buf, off, len, pos)), planned);
}

/** The quote-state transfer of bytes [a, b) of a file (see csv-boundaries.ts). */
export function csvQuoteTransfer(file: string, a: number, b: number, size: number, mtime: number, sep: string): number[] {
  return withFile(file, { size, mtime }, (read) => quoteTransfer(read, a, b, size, sep.charCodeAt(0), firstFieldAt(read)));
}

/** The longest text a JavaScript string holds (V8), in characters. */
const MAX_STRING = 0x1fffffe8;

/** A whole file's text, in the spec's encoding (the papaparse path). */
function readText(spec: CsvRangeSpec): string {
  return withFd(
    spec.file,
    (fd) => {
      if (spec.size > MAX_STRING) {
        throw new DataFrameError(
          `readCSV('${spec.file}'): the papaparse path reads whole files as one string, and ${spec.size} bytes is more than a string holds. ` +
            'Read it with the byte scanner: a UTF-8 file with a one-character separator and LF or CRLF line ends (convert it first if need be).',
        );
      }
      const bytes = new Uint8Array(spec.size);
      let off = 0;
      while (off < bytes.length) {
        const got = readSync(fd, bytes, off, bytes.length - off, off);
        if (got <= 0) break;
        off += got;
      }
      return decodeFile(bytes.subarray(0, off), spec.encoding, spec.file);
    },
    spec,
  );
}

/** Parses one byte range; `transfers` are the quote-state transfers of the pre-pass chunks before it. */
export function readCsvRange(spec: CsvRangeSpec, engine: 'scanner' | 'papaparse', ...transfers: number[][]): Partition {
  if (engine === 'papaparse') return parseCsvText(readText(spec), spec);
  return withFile(spec.file, spec, (read) => {
    const [from, to] = rangeBounds(read, spec.start, spec.end, spec.size, spec.sep.charCodeAt(0), transfers);
    return scanCsvRange(spec, read, from, to, undefined, isUtf8);
  });
}

/**
 * Scans one byte range and aggregates it at once (the fused scan and partial aggregate of
 * optimize/scan-aggregate.ts): rows go from the scanner, through the row-wise `steps` (a
 * filter, derived columns; none when the frame only chose columns), to the groups' states in
 * small batches through reused buffers, and no column of the range is built. The same Partial
 * as partialAgg(mapPartition(readCsvRange(...), steps)).
 */
export function readCsvAggregate(spec: CsvRangeSpec, agg: AggSpec, keyTypes: DType[], steps: Step[], ...transfers: number[][]): Partial {
  const acc = new PartialAggregator(agg, keyTypes);
  // A row count (no keys, only sizes: len() of a frame) needs no rows: each batch adds its
  // count after the steps (a last filter counted, not applied) as a batch of no columns.
  const counts = agg.keys.length === 0 && agg.aggs.every(([, , fn]) => fn === 'size');
  const take = counts
    ? (b: Partition) => acc.add({ names: [], columns: [], length: countAfterSteps(b, steps) })
    : steps.length === 0
      ? (b: Partition) => acc.add(b)
      : (b: Partition) => acc.add(applySteps(b, steps));
  withFile(spec.file, spec, (read) => {
    const [from, to] = rangeBounds(read, spec.start, spec.end, spec.size, spec.sep.charCodeAt(0), transfers);
    scanCsvRange(spec, read, from, to, { rows: BATCH_ROWS, take }, isUtf8);
  });
  return acc.finish();
}

/** Rows per batch of a fused scan: a few hundred KiB of buffers, which stay in cache. */
const BATCH_ROWS = 8192;

export { readParquetPart } from './parquet-read.js';
export { delimiterMasks, useDelimiterMasks } from './delimiter-masks.js';
export { useCompiledScan } from './csv-fast-compiled.js';
export { useWasmWalk } from './csv-wasm-scan.js';
export { writeCsvPart, writeParquetPart } from './write.js';
