/**
 * readCSV: plans the read on the calling thread (files, a sample for the delimiter, header and
 * schema, byte ranges) and leaves the parsing to workers, one task per range. The schema is
 * inferred once from a sample of the first file and applied to every range.
 */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, tokenize, type Key, type Node } from '@tsdask/core-graph';
import type { DType, Schema } from './kernels/columns.js';
import { analyseSample, encodingOf, maxRecordOf } from './io/csv-analyse.js';
import type { SampleRows } from './io/csv-infer-fast.js';
import type { CsvRangeSpec } from './io/csv-scan.js';
import { DataFrame } from './dataframe.js';
import type { CsvSchema } from './schema-types.js';
import { filesText, sourceNode } from './plan/source.js';
import { IO, type Lowered, type Source } from './plan/node.js';
import type { AggSpec } from './kernels/partial-agg.js';
import type { Step } from './kernels/steps.js';
import { resolvePaths, parseSize, statFiles, type FileInfo } from './io/paths.js';
import { DataFrameError } from './errors.js';

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

/** Distinct key counts of a sample, by columns (samples are shared through the sample cache). */
const distinctMemo = new WeakMap<SampleRows, Map<string, { distinct: number; rows: number }>>();

class CsvSource implements Source {
  readonly acceptsFilters = false;
  constructor(
    private readonly files: FileInfo[],
    readonly schema: Schema,
    private readonly base: Omit<CsvRangeSpec, 'file' | 'start' | 'end' | 'size' | 'mtime' | 'want' | 'estRows'>,
    private readonly blocksize: number,
    private readonly bytesPerRow: number,
    private readonly engine: 'scanner' | 'papaparse',
    private readonly sample?: SampleRows,
  ) {}
  /** Only the scanner aggregates while it reads. */
  get canAggregate(): boolean {
    return this.engine === 'scanner';
  }
  describe(): string {
    return `ReadCSV ${filesText(this.files.map((f) => f.path))}`;
  }
  sampleDistinct(columns: string[]): { distinct: number; rows: number } | undefined {
    const sample = this.sample;
    if (sample === undefined || sample.rows < 100) return undefined;
    let memo = distinctMemo.get(sample);
    if (memo === undefined) distinctMemo.set(sample, (memo = new Map()));
    const key = JSON.stringify(columns);
    const known = memo.get(key);
    if (known !== undefined) return known;
    const idx = columns.map((c) => this.schema.names.indexOf(c));
    // Only these columns' fields become strings (a missing field counts as '').
    const cols = sample.columns(idx);
    const seen = new Set<string>();
    for (let r = 0; r < sample.rows; r++) seen.add(cols.map((c) => c[r] ?? '').join('\u0000'));
    const out = { distinct: seen.size, rows: sample.rows };
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
