/**
 * readCSV: plans the read on the calling thread (files, a sample for the delimiter, header and
 * schema, byte ranges) and leaves the parsing to workers, one task per range. The schema is
 * inferred once from a sample of the first file and applied to every range.
 */
import { readSync } from 'node:fs';
import { withFd } from './io/open-file.js';
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import { DTYPES, type DType, type Schema } from './kernels/columns.js';
import { DEFAULT_NULLS, convertText } from './io/csv-columns.js';
import { sniffDelimiter } from './io/csv-papa.js';
import { sampleRecords } from './io/csv-sample.js';
import type { CsvRangeSpec } from './io/csv-scan.js';
import { DataFrame } from './dataframe.js';
import type { CsvSchema } from './schema-types.js';
import { filesText, sourceNode } from './plan/source.js';
import { IO, type Lowered, type Source } from './plan/node.js';
import type { AggSpec } from './kernels/partial-agg.js';
import type { Step } from './kernels/steps.js';
import { resolvePaths, parseSize, statFiles, type FileInfo } from './io/paths.js';
import { decodeFile, normalizeEncoding } from './io/utf8.js';
import { ColumnNotFoundError, CsvRecordTooLongError, DataFrameError, EmptyDataError } from './errors.js';

export interface ReadCsvOptions {
  /** Bytes per partition: a number or '64MB' (default '64MB'). */
  blocksize?: number | string;
  /** Read only these columns. */
  columns?: string[];
  /** Dtypes for some columns (the rest are inferred from a sample). */
  dtypes?: Record<string, DType>;
  /** Columns to parse as dates or timestamps. */
  parseDates?: string[];
  /** Field separator (sniffed from a sample when not given). */
  sep?: string;
  /** True (default) when the first row holds the column names. */
  header?: boolean;
  /** Field texts that mean a missing value (default: pandas' list, with ''). */
  nullValues?: string[];
  /** What to do with a malformed row (default 'error'). */
  onBadLines?: 'error' | 'skip' | 'warn';
  /** A text in a date column that is not a valid date: 'error' (default, a bad line) or 'null'. */
  invalidDates?: 'error' | 'null';
  /** Slash dates with the year last are D/M/YYYY (pandas' dayfirst) instead of M/D/YYYY. */
  dayfirst?: boolean;
  /** 'scanner' (default: our byte scanner) or 'papaparse' (the slow path, whole files). */
  engine?: 'scanner' | 'papaparse';
  /** Bytes of the first file used to infer the schema (default 256 KiB). */
  sampleSize?: number;
  /**
   * The files' text encoding (default 'utf-8', checked: bytes that are not UTF-8 are an error
   * naming the line). Others ('latin1', 'utf-16le', any label TextDecoder knows) are decoded
   * whole, through the papaparse path.
   */
  encoding?: string;
  /** The longest record the reader buffers, a number of bytes or '64MB' (default '1GiB'); a longer one is an error. */
  maxRecordSize?: number | string;
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

/** True when v is [-+]?[0-9]+ (a subset of what integerType's regular expression takes). */
function plainDigits(v: string): boolean {
  let i = v.length > 0 && (v.charCodeAt(0) === 45 || v.charCodeAt(0) === 43) ? 1 : 0;
  if (i >= v.length) return false;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * 'int64' when every text is a decimal integer that int64 or uint64 holds (pandas reads such a
 * column as integers), 'utf8' when they are all integers but one is past uint64 (pandas: object),
 * undefined when one is not an integer.
 */
function integerType(values: string[]): DType | undefined {
  let out: DType = 'int64';
  for (const v of values) {
    // Plain digits (with a sign) are the common case: a loop, not the regular expression.
    const plain = plainDigits(v);
    if (!plain && !/^\s*[-+]?\d+\s*$/.test(v)) return undefined;
    if ((!plain || v.length > 15) && Math.abs(Number(v)) > Number.MAX_SAFE_INTEGER) {
      const b = BigInt(v.trim());
      if (b < -(2n ** 63n) || b >= 2n ** 64n) out = 'utf8';
    }
  }
  return out;
}

/** Column j's texts in the sample's rows, null markers and missing fields left out (a loop: this runs cold, on the first query). */
function presentValues(body: string[][], j: number, nulls: Set<string>): string[] {
  const out: string[] = [];
  for (let r = 0; r < body.length; r++) {
    const v = (body[r] as string[])[j];
    if (v !== undefined && !nulls.has(v)) out.push(v);
  }
  return out;
}

function inferType(values: string[], parseDate: boolean, dayFirst: boolean): DType {
  if (values.length === 0) return parseDate ? 'timestamp' : 'float64';
  if (parseDate) {
    if (values.every((v) => !Number.isNaN(convertText('date', v, dayFirst)) && !/\d[T ]\d/.test(v.trim()))) return 'date';
    return 'timestamp';
  }
  // An integer past 2^53 keeps the column int64: reading it is then an error naming it, never a rounded value.
  const int = integerType(values);
  if (int !== undefined) return int;
  if (values.every((v) => !Number.isNaN(convertText('float64', v)))) return 'float64';
  if (values.every((v) => !Number.isNaN(convertText('bool', v)))) return 'bool';
  return 'utf8';
}

function uniqueNames(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((n, i) => {
    const name = n === '' ? `Unnamed: ${i}` : n;
    const k = seen.get(name);
    seen.set(name, (k ?? 0) + 1);
    return k === undefined ? name : `${name}.${k}`;
  });
}

/** Distinct key counts of a sample, by columns (samples are shared through the sample cache). */
const distinctMemo = new WeakMap<string[][], Map<string, { distinct: number; rows: number }>>();

class CsvSource implements Source {
  readonly acceptsFilters = false;
  constructor(
    private readonly files: FileInfo[],
    readonly schema: Schema,
    private readonly base: Omit<CsvRangeSpec, 'file' | 'start' | 'end' | 'size' | 'mtime' | 'want' | 'estRows'>,
    private readonly blocksize: number,
    private readonly bytesPerRow: number,
    private readonly engine: 'scanner' | 'papaparse',
    private readonly sample: string[][] = [],
  ) {}
  /** Only the scanner aggregates while it reads. */
  get canAggregate(): boolean {
    return this.engine === 'scanner';
  }
  describe(): string {
    return `ReadCSV ${filesText(this.files.map((f) => f.path))}`;
  }
  sampleDistinct(columns: string[]): { distinct: number; rows: number } | undefined {
    if (this.sample.length < 100) return undefined;
    let memo = distinctMemo.get(this.sample);
    if (memo === undefined) distinctMemo.set(this.sample, (memo = new Map()));
    const key = JSON.stringify(columns);
    const known = memo.get(key);
    if (known !== undefined) return known;
    const idx = columns.map((c) => this.schema.names.indexOf(c));
    const seen = new Set(this.sample.map((r) => idx.map((i) => r[i] ?? '').join('\u0000')));
    const out = { distinct: seen.size, rows: this.sample.length };
    memo.set(key, out);
    return out;
  }
  private ranges(f: FileInfo): [number, number][] {
    if (this.engine === 'papaparse' || f.size <= this.blocksize) return [[0, Math.max(f.size, 1)]];
    // As few ranges as blocksize allows, of equal size: 112 MiB in 16 MiB blocks is 8 ranges
    // of 14 MiB, not 7 of 16 and a small eighth, so two workers get equal shares.
    const n = Math.ceil(f.size / this.blocksize);
    const step = Math.ceil(f.size / n);
    const out: [number, number][] = [];
    for (let s = 0; s < f.size; s += step) out.push([s, Math.min(f.size, s + step)]);
    return out;
  }
  get npartitions(): number {
    return this.files.reduce((n, f) => n + this.ranges(f).length, 0);
  }
  lower(columns: string[] | undefined): Lowered {
    const names = columns === undefined || columns.length === 0 ? (columns?.length === 0 ? this.schema.names.slice(0, 1) : this.schema.names) : columns;
    const want = names.map((n) => this.base.names.indexOf(n));
    const token = tokenize(this.files, this.base, this.blocksize, this.engine, want);
    return this.rangeTasks(`read-csv-${token}`, token, want, 'readCsvRange', [this.engine]);
  }
  lowerAggregate(columns: string[], spec: AggSpec, steps: Step[], keyTypes: DType[]): Lowered | undefined {
    if (this.engine !== 'scanner' || columns.length === 0) return undefined;
    const want = columns.map((n) => this.base.names.indexOf(n));
    const token = tokenize(this.files, this.base, this.blocksize, this.engine, want);
    return this.rangeTasks(`read-csv-agg-${tokenize(token, spec, steps)}`, token, want, 'readCsvAggregate', [spec, keyTypes, steps]);
  }
  /**
   * One task per range, `op(spec, ...args, ...quote-state transfers of the pre-pass chunks before
   * it)`, named `name,i` (see io/csv-boundaries.ts): the first range waits for no pre-pass task,
   * and a range finds its own end from the bytes it reads.
   */
  private rangeTasks(name: string, token: string, want: number[], op: string, args: unknown[]): Lowered {
    const tasks = new Map<Key, Node>();
    const quoted = args.map((a) => quote(a));
    let part = 0;
    for (const [fi, f] of this.files.entries()) {
      const ranges = this.ranges(f);
      const transfers: Node[] = [];
      ranges.forEach(([s, e], r) => {
        const before = transfers.slice();
        if (r < ranges.length - 1) {
          // The quote-state transfer of [b_r, b_{r+1}), where b_r is the byte before range r's planned start.
          const k = chunkKey(`csv-quotes-${token}`, fi, r);
          const a = r === 0 ? 0 : s - 1;
          tasks.set(k, { op: `${IO}#csvQuoteTransfer`, args: [f.path, a, e - 1, f.size, f.mtime, this.base.sep] });
          transfers.push({ ref: k });
        }
        const spec: CsvRangeSpec = {
          ...this.base,
          file: f.path,
          start: s,
          end: e,
          size: f.size,
          mtime: f.mtime,
          want,
          estRows: Math.ceil(((e - s) / this.bytesPerRow) * 1.1) + 16,
        };
        tasks.set(chunkKey(name, part++), { op: `${IO}#${op}`, args: [quote(spec), ...quoted, ...before] });
      });
    }
    return { name, graph: new HighLevelGraph([new MaterializedLayer(name, tasks)]) };
  }
}

/** What a sample of the first file says: dialect, names, dtypes, and the sample's rows. */
interface SampleInfo {
  engine: 'scanner' | 'papaparse';
  sep: string;
  header: boolean;
  names: string[];
  types: DType[];
  nullValues: string[];
  body: string[][];
  bytesPerRow: number;
}

/**
 * Samples already analysed, by file (path, size, modification time) and the options that
 * shape the analysis: a second readCSV of an unchanged file (a user's next query) skips the
 * sample's read, parse and inference. Bounded; the oldest entry goes first.
 */
const samples = new Map<string, SampleInfo>();
const SAMPLES_KEPT = 32;

function analyseSample(first: FileInfo, opts: ReadCsvOptions): SampleInfo {
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

function inferSample(first: FileInfo, opts: ReadCsvOptions): SampleInfo {
  const encoding = encodingOf(opts);
  const head = readHead(first, opts.sampleSize ?? 256 * 1024, maxRecordOf(opts));
  const truncated = head.length < first.size;
  let text = decodeFile(head, encoding, first.path, truncated);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!truncated && text.trim() === '') throw new EmptyDataError(first.path, 'it holds only blank lines');
  let engine = opts.engine ?? 'scanner';
  if (encoding !== 'utf-8') engine = 'papaparse';
  const sep = opts.sep ?? sniffDelimiter(text);
  if (sep.length !== 1 || sep.charCodeAt(0) > 127 || sep === '"' || /\r(?!\n)/.test(text)) engine = 'papaparse';
  const rows = sampleRecords(text, sep);
  if (truncated && rows.length > 1) rows.pop();
  const header = opts.header !== false;
  const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const names = header ? uniqueNames(rows[0] ?? []) : Array.from({ length: width }, (_, i) => String(i));
  const body = header ? rows.slice(1) : rows;
  const nullValues = opts.nullValues ?? DEFAULT_NULLS;
  const nulls = new Set(nullValues);
  const parseDates = new Set(opts.parseDates ?? []);
  for (const d of [...parseDates, ...Object.keys(opts.dtypes ?? {}), ...(opts.columns ?? [])]) {
    if (!names.includes(d)) throw new ColumnNotFoundError(d, names, `readCSV('${first.path}')`);
  }
  const types: DType[] = names.map((n, j) => {
    const given = opts.dtypes?.[n];
    if (given !== undefined) {
      if (!DTYPES.includes(given)) throw new DataFrameError(`readCSV(): unknown dtype '${given}' for column '${n}'.`);
      return given;
    }
    // A header and no rows: pandas gives object columns (utf8 here).
    if (body.length === 0 && !truncated) return 'utf8';
    const vals = presentValues(body, j, nulls);
    return inferType(vals, parseDates.has(n), opts.dayfirst === true);
  });
  const sampleRows = Math.max(1, body.length);
  const bytesPerRow = Math.max(8, head.length / (sampleRows + (header ? 1 : 0)));
  return { engine, sep, header, names, types, nullValues, body, bytesPerRow };
}

/** The encoding option, checked and in canonical form. */
function encodingOf(opts: ReadCsvOptions): string {
  try {
    return normalizeEncoding(opts.encoding ?? 'utf-8');
  } catch {
    throw new DataFrameError(`readCSV(): unknown encoding '${opts.encoding}'; use 'utf-8', 'latin1', 'utf-16le' or another label TextDecoder knows.`);
  }
}

/** The maxRecordSize option in bytes (at most 1 GiB: longer records than that cannot be buffered). */
function maxRecordOf(opts: ReadCsvOptions): number {
  return Math.min(parseSize(opts.maxRecordSize ?? '1GiB'), 1024 ** 3);
}

/** The date options, checked: a misspelt value would otherwise read dates another way, silently. */
function checkDateOptions(opts: ReadCsvOptions): void {
  if (opts.dayfirst !== undefined && typeof opts.dayfirst !== 'boolean') {
    throw new DataFrameError(`readCSV(): dayfirst must be true or false, not ${JSON.stringify(opts.dayfirst)}.`);
  }
  if (opts.invalidDates !== undefined && opts.invalidDates !== 'error' && opts.invalidDates !== 'null') {
    throw new DataFrameError(`readCSV(): invalidDates must be 'error' or 'null', not ${JSON.stringify(opts.invalidDates)}.`);
  }
}

/**
 * Reads CSV files (a path, a glob, or a list) lazily, one partition per byte range. Typed: the
 * columns named in `dtypes` with their dtypes, or with `columns`, those names (dtypes from
 * `dtypes`, else any); other columns of the file are there at run time but not named by the
 * types (name them in `dtypes` to use them). Neither option: names are strings (`AnySchema`).
 */
export function readCSV<const D extends Record<string, DType> = Record<never, never>, const C extends string = never>(
  paths: string | string[],
  opts: ReadCsvOptions & { dtypes?: D; columns?: readonly C[] } = {},
): DataFrame<CsvSchema<D, C>> {
  checkDateOptions(opts);
  const files = statFiles(resolvePaths(paths));
  const first = files[0] as FileInfo;
  const { engine, sep, header, names, types, nullValues, body, bytesPerRow } = analyseSample(first, opts);
  const schema = { names: [...names], types: [...types] };
  const blocksize = parseSize(opts.blocksize ?? '64MB');
  const base = {
    header,
    sep,
    names,
    types,
    nullValues,
    onBadLines: opts.onBadLines ?? 'error',
    invalidDates: opts.invalidDates ?? 'error',
    dayfirst: opts.dayfirst === true,
    maxRecord: maxRecordOf(opts),
    encoding: encodingOf(opts),
  } as const;
  const src = new CsvSource(files, schema, base, blocksize, bytesPerRow, engine, body);
  const df = new DataFrame(sourceNode(src));
  return (opts.columns === undefined ? df : df.select(opts.columns)) as DataFrame<CsvSchema<D, C>>;
}
