/**
 * readCSV: plans the read on the calling thread (files, a sample for the delimiter, header and
 * schema, byte ranges) and leaves the parsing to workers, one task per range. The schema is
 * inferred once from a sample of the first file and applied to every range.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import { DTYPES, type DType, type Schema } from './kernels/columns.js';
import { DEFAULT_NULLS, convertText } from './io/csv-columns.js';
import { sniffDelimiter } from './io/csv-papa.js';
import type { CsvRangeSpec } from './io/csv-scan.js';
import Papa from 'papaparse';
import { DataFrame } from './dataframe.js';
import type { Lowered, Source } from './plan.js';
import type { AggSpec } from './kernels/partial-agg.js';
import type { Step } from './kernels/steps.js';
import { resolvePaths, parseSize } from './io/paths.js';
import { ColumnNotFoundError, DataFrameError, MissingFileError } from './errors.js';

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
  /** 'scanner' (default: our byte scanner) or 'papaparse' (the slow path, whole files). */
  engine?: 'scanner' | 'papaparse';
  /** Bytes of the first file used to infer the schema (default 256 KiB). */
  sampleSize?: number;
}

interface FileInfo {
  path: string;
  size: number;
  mtime: number;
}

const IO = '@tsdask/dataframe/io';

function readHead(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function inferType(values: string[], parseDate: boolean): DType {
  if (values.length === 0) return parseDate ? 'timestamp' : 'float64';
  if (parseDate) {
    if (values.every((v) => !Number.isNaN(convertText('date', v)) && !/\d[T ]\d/.test(v.trim()))) return 'date';
    return 'timestamp';
  }
  if (values.every((v) => /^\s*[-+]?\d+\s*$/.test(v) && Math.abs(Number(v)) <= Number.MAX_SAFE_INTEGER)) return 'int64';
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
    private readonly base: Omit<CsvRangeSpec, 'file' | 'start' | 'end' | 'size' | 'want' | 'estRows'>,
    private readonly blocksize: number,
    private readonly bytesPerRow: number,
    private readonly engine: 'scanner' | 'papaparse',
    private readonly sample: string[][] = [],
  ) {}
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
  /** One task per range, `op(spec, ...args, ...quote counts of the ranges before it)`, named `name,i`. */
  private rangeTasks(name: string, token: string, want: number[], op: string, args: unknown[]): Lowered {
    const tasks = new Map<Key, Node>();
    const quoted = args.map((a) => quote(a));
    let part = 0;
    for (const [fi, f] of this.files.entries()) {
      const ranges = this.ranges(f);
      const counts: Node[] = [];
      ranges.forEach(([s, e], r) => {
        const spec: CsvRangeSpec = { ...this.base, file: f.path, start: s, end: e, size: f.size, want, estRows: Math.ceil(((e - s) / this.bytesPerRow) * 1.1) + 16 };
        tasks.set(chunkKey(name, part++), { op: `${IO}#${op}`, args: [quote(spec), ...quoted, ...counts] });
        if (r < ranges.length - 1) {
          // Quote characters in [b_r, b_{r+1}), where b_r is the byte where range r starts scanning.
          const k = chunkKey(`csv-quotes-${token}`, fi, r);
          const a = r === 0 ? 0 : s - 1;
          tasks.set(k, { op: `${IO}#csvQuoteCount`, args: [f.path, a, e - 1] });
          counts.push({ ref: k });
        }
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
  const key = JSON.stringify([first, opts.sampleSize, opts.sep, opts.header, opts.engine, opts.dtypes, opts.parseDates, opts.nullValues, opts.columns]);
  const known = samples.get(key);
  if (known !== undefined) return known;
  const info = inferSample(first, opts);
  if (samples.size >= SAMPLES_KEPT) samples.delete(samples.keys().next().value as string);
  samples.set(key, info);
  return info;
}

function inferSample(first: FileInfo, opts: ReadCsvOptions): SampleInfo {
  const head = readHead(first.path, opts.sampleSize ?? 256 * 1024);
  let text = new TextDecoder('utf-8').decode(head);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const truncated = head.length < first.size;
  let engine = opts.engine ?? 'scanner';
  const sep = opts.sep ?? sniffDelimiter(text);
  if (sep.length !== 1 || sep.charCodeAt(0) > 127 || sep === '"' || /\r(?!\n)/.test(text)) engine = 'papaparse';
  // Without a CR, papaparse would guess '\n' too, after splitting the text (5 ms here).
  const newline = text.includes('\r') ? {} : { newline: '\n' as const };
  const rows = Papa.parse<string[]>(text, { delimiter: sep, quoteChar: '"', skipEmptyLines: true, ...newline }).data;
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
    const vals = body.map((r) => r[j]).filter((v): v is string => v !== undefined && !nulls.has(v));
    return inferType(vals, parseDates.has(n));
  });
  const sampleRows = Math.max(1, body.length);
  const bytesPerRow = Math.max(8, head.length / (sampleRows + (header ? 1 : 0)));
  return { engine, sep, header, names, types, nullValues, body, bytesPerRow };
}

/** Reads CSV files (a path, a glob, or a list) lazily, one partition per byte range. */
export function readCSV(paths: string | string[], opts: ReadCsvOptions = {}): DataFrame {
  const files: FileInfo[] = resolvePaths(paths).map((p) => {
    try {
      const st = statSync(p);
      return { path: p, size: st.size, mtime: st.mtimeMs };
    } catch (err) {
      throw new MissingFileError(p, err);
    }
  });
  const first = files[0] as FileInfo;
  const { engine, sep, header, names, types, nullValues, body, bytesPerRow } = analyseSample(first, opts);
  const schema = { names: [...names], types: [...types] };
  const blocksize = parseSize(opts.blocksize ?? '64MB');
  const base = { header, sep, names, types, nullValues, onBadLines: opts.onBadLines ?? 'error', invalidDates: opts.invalidDates ?? 'error' } as const;
  const src = new CsvSource(files, schema, base, blocksize, bytesPerRow, engine, body);
  const df = new DataFrame({ kind: 'source', source: src, schema, npartitions: src.npartitions });
  return opts.columns === undefined ? df : df.select(opts.columns);
}
