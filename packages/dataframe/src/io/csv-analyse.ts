/**
 * What readCSV learns from a sample of the first file (the first 256 KiB, like Dask's
 * sample=256000) before any worker runs: the dialect (separator, engine), the column names,
 * their dtypes (io/csv-infer.ts), and the sample's records for groupBy planning. This runs on
 * the main thread on every first query, so the sample is kept as offsets (io/csv-sample.ts)
 * and analysed in place; a second readCSV of an unchanged file finds it in a small cache.
 */
import { isAscii } from 'node:buffer';
import { readSync } from 'node:fs';
import { withFd } from './open-file.js';
import { DTYPES, type DType } from '../kernels/columns.js';
import { DEFAULT_NULLS } from './csv-columns.js';
import { inferType, presentValues, uniqueNames } from './csv-infer.js';
import { fastSample, type SampleRows } from './csv-infer-fast.js';
import { sniffDelimiter } from './csv-papa.js';
import { sampleRecords } from './csv-sample.js';
import { parseSize, type FileInfo } from './paths.js';
import { decodeFile, normalizeEncoding } from './utf8.js';
import type { ReadCsvOptions } from '../csv.js';
import { ColumnNotFoundError, CsvRecordTooLongError, DataFrameError, EmptyDataError } from '../errors.js';

/** What a sample of the first file says: dialect, names, dtypes, and the sample's records. */
export interface SampleInfo {
  engine: 'scanner' | 'papaparse';
  sep: string;
  header: boolean;
  names: string[];
  types: DType[];
  nullValues: string[];
  /** The sample's records after the header (a cut last record left out). */
  body: SampleRows;
  bytesPerRow: number;
}

/** The longest first line the sample reads (it becomes one string, then is parsed whole). */
const MAX_FIRST_LINE = 64 << 20;

/**
 * The first n bytes of a file, or more: as many as it takes to hold the first line (a header
 * longer than the sample), up to maxRecord bytes and 64 MiB; a longer first line is an error.
 */
function readHead(f: FileInfo, n0: number, maxRecord0: number): Uint8Array {
  const maxRecord = Math.min(maxRecord0, MAX_FIRST_LINE);
  return withFd(f.path, (fd) => {
    let n = Math.max(1, Math.min(n0, f.size));
    for (;;) {
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const k = readSync(fd, buf, got, n - got, got);
        if (k <= 0) break;
        got += k;
      }
      const head = buf.subarray(0, got);
      if (got >= f.size || head.includes(10)) return head;
      if (n >= maxRecord)
        throw new CsvRecordTooLongError(f.path, 1, maxRecord, maxRecord < maxRecord0 ? 'the longest first line readCSV samples' : 'maxRecordSize');
      n = Math.min(n * 2, maxRecord, f.size);
    }
  });
}

/** The encoding option, checked and in canonical form. */
export function encodingOf(opts: ReadCsvOptions): string {
  try {
    return normalizeEncoding(opts.encoding ?? 'utf-8');
  } catch {
    throw new DataFrameError(`readCSV(): unknown encoding '${opts.encoding}'; use 'utf-8', 'latin1', 'utf-16le' or another label TextDecoder knows.`);
  }
}

/** The maxRecordSize option in bytes (at most 1 GiB: longer records than that cannot be buffered). */
export function maxRecordOf(opts: ReadCsvOptions): number {
  return Math.min(parseSize(opts.maxRecordSize ?? '1GiB'), 1024 ** 3);
}

/**
 * Samples already analysed, by file (path, size, modification time) and the options that
 * shape the analysis: a second readCSV of an unchanged file (a user's next query) skips the
 * sample's read, parse and inference. Bounded; the oldest entry goes first.
 */
const samples = new Map<string, SampleInfo>();
const SAMPLES_KEPT = 32;

/** The sample of `first` analysed under opts (from the cache when the file and options are unchanged). */
export function analyseSample(first: FileInfo, opts: ReadCsvOptions): SampleInfo {
  const key = JSON.stringify([
    first,
    opts.sampleSize,
    opts.sep,
    opts.header,
    opts.engine,
    opts.dtypes,
    opts.parseDates,
    opts.nullValues,
    opts.columns,
    opts.encoding,
    opts.maxRecordSize,
    opts.dayfirst,
  ]);
  const known = samples.get(key);
  if (known !== undefined) return known;
  const info = inferSample(first, opts);
  if (samples.size >= SAMPLES_KEPT) samples.delete(samples.keys().next().value as string);
  samples.set(key, info);
  return info;
}

/** The dtype opts give column n (its own key only: a column named 'constructor' is not Object's). */
function givenDtype(opts: ReadCsvOptions, n: string): DType | undefined {
  return opts.dtypes !== undefined && Object.hasOwn(opts.dtypes, n) ? opts.dtypes[n] : undefined;
}

function inferSample(first: FileInfo, opts: ReadCsvOptions): SampleInfo {
  const encoding = encodingOf(opts);
  const head = readHead(first, opts.sampleSize ?? 256 * 1024, maxRecordOf(opts));
  const truncated = head.length < first.size;
  // ASCII (most samples) reads the same in UTF-8 and Latin-1, whose decoding is a copy.
  let text =
    encoding === 'utf-8' && isAscii(head)
      ? Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1')
      : decodeFile(head, encoding, first.path, truncated);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!truncated && text.trim() === '') throw new EmptyDataError(first.path, 'it holds only blank lines');
  let engine = opts.engine ?? 'scanner';
  if (encoding !== 'utf-8') engine = 'papaparse';
  const sep = opts.sep ?? sniffDelimiter(text);
  if (sep.length !== 1 || sep.charCodeAt(0) > 127 || sep === '"' || (text.includes('\r') && /\r(?!\n)/.test(text))) engine = 'papaparse';
  const header = opts.header !== false;
  const nullValues = opts.nullValues ?? DEFAULT_NULLS;
  const parseDates = new Set(opts.parseDates ?? []);
  // The common sample is decided without a string per field; the rest field by field.
  const fast = header && parseDates.size === 0 ? fastSample(text, sep, truncated, nullValues, (n) => givenDtype(opts, n) !== undefined) : undefined;
  const slow = fast === undefined ? splitSample(text, sep, truncated, header) : undefined;
  const names = fast?.names ?? (slow as SlowSample).names;
  const body = fast?.body ?? (slow as SlowSample).body;
  const nulls = new Set(nullValues);
  for (const d of [...parseDates, ...Object.keys(opts.dtypes ?? {}), ...(opts.columns ?? [])]) {
    if (!names.includes(d)) throw new ColumnNotFoundError(d, names, `readCSV('${first.path}')`);
  }
  const types: DType[] = names.map((n, j) => {
    const given = givenDtype(opts, n);
    if (given !== undefined) {
      if (!DTYPES.includes(given)) throw new DataFrameError(`readCSV(): unknown dtype '${given}' for column '${n}'.`);
      return given;
    }
    // A header and no rows: pandas gives object columns (utf8 here).
    if (body.rows === 0 && !truncated) return 'utf8';
    if (fast !== undefined) return fast.types[j] as DType;
    const vals = presentValues((slow as SlowSample).records, j, nulls);
    return inferType(vals, parseDates.has(n), opts.dayfirst === true);
  });
  const sampleRows = Math.max(1, body.rows);
  const bytesPerRow = Math.max(8, head.length / (sampleRows + (header ? 1 : 0)));
  return { engine, sep, header, names, types, nullValues, body, bytesPerRow };
}

interface SlowSample {
  names: string[];
  records: string[][];
  body: SampleRows;
}

/** The sample split into a string per field (any dialect): names, and the records after the header. */
function splitSample(text: string, sep: string, truncated: boolean, header: boolean): SlowSample {
  const rows = sampleRecords(text, sep);
  if (truncated && rows.length > 1) rows.pop();
  const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const names = header ? uniqueNames(rows[0] ?? []) : Array.from({ length: width }, (_, i) => String(i));
  const records = header ? rows.slice(1) : rows;
  return { names, records, body: { rows: records.length, columns: (js) => js.map((j) => records.map((r) => r[j])) } };
}
