/**
 * The dataframe package's errors. Each has a stable `code`, a message that says what to do,
 * and survives the trip from a worker thread (registered with core-graph's error registry).
 */
import { TsdaskError, closestName, registerErrorClass } from '@tsdask/core-graph';

/** A column name that the frame does not have; `available` lists the ones it has, `suggestion` the closest. */
export class ColumnNotFoundError extends TsdaskError {
  readonly column: string;
  readonly available: string[];
  readonly suggestion: string | undefined;
  constructor(column: string, available: readonly string[], where = '') {
    const near = closestName(column, available);
    super(
      'TSDASK_DF_COLUMN_NOT_FOUND',
      `Column '${column}' not found${where ? ` in ${where}` : ''}.${near !== undefined ? ` Did you mean '${near}'?` : ''} Columns are: ${available.map((c) => `'${c}'`).join(', ') || '(none)'}.`,
    );
    this.column = column;
    this.available = [...available];
    this.suggestion = near;
  }
}

/** An expression applied to values of a type it does not accept. */
export class ExprTypeError extends TsdaskError {
  readonly fn: string;
  readonly types: string[];
  constructor(fn: string, types: readonly string[], hint = '') {
    super('TSDASK_DF_TYPE_MISMATCH', `Type mismatch: '${fn}' cannot take (${types.join(', ')}).${hint ? ' ' + hint : ''} Use cast() to convert first.`);
    this.fn = fn;
    this.types = [...types];
  }
}

/** A malformed CSV row: the file, 1-based line number and the row's text. */
export class CsvParseError extends TsdaskError {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  constructor(file: string, line: number, text: string, reason: string, hint?: string) {
    const shown = text.length > 200 ? text.slice(0, 200) + '...' : text;
    super(
      'TSDASK_DF_CSV_MALFORMED',
      `${file}:${line}: ${reason}: ${JSON.stringify(shown)}. ` + (hint ?? "Fix the row, pass dtypes for the column, or read with onBadLines: 'skip' | 'warn'."),
    );
    this.file = file;
    this.line = line;
    this.text = text;
  }
}

/** A path or glob that matched no file. */
export class MissingFileError extends TsdaskError {
  readonly path: string;
  constructor(path: string, cause?: unknown) {
    super('TSDASK_DF_MISSING_FILE', `No such file: '${path}'. Check the path or glob pattern.`, { cause });
    this.path = path;
  }
}

/** An invalid argument or option to a dataframe operation. */
export class DataFrameError extends TsdaskError {
  constructor(message: string) {
    super('TSDASK_DF_INVALID', message);
  }
}

/**
 * A Parquet file that cannot be read: too short, no PAR1 magic (not Parquet), a footer or
 * column chunk past its end (truncated), or bytes its decoder refuses. Names the file, and
 * the row group and column when one was being read.
 */
export class ParquetFileError extends TsdaskError {
  readonly file: string;
  readonly column: string | undefined;
  constructor(file: string, problem: string, opts: { column?: string; rowGroup?: number; cause?: unknown; hint?: string } = {}) {
    const where = opts.column === undefined ? '' : ` (row group ${opts.rowGroup ?? '?'}, column '${opts.column}')`;
    super(
      'TSDASK_DF_PARQUET_INVALID',
      `${file}${where}: ${problem}. ${opts.hint ?? 'Check that the file is a complete Parquet file (re-write or re-download it).'}`,
      { cause: opts.cause },
    );
    this.file = file;
    this.column = opts.column;
  }
}

/** A date or timestamp literal that is not a valid date (e.g. '2024-02-30'), named with where it was used. */
export class InvalidDateError extends TsdaskError {
  readonly text: string;
  constructor(text: string, where: string) {
    super(
      'TSDASK_DF_INVALID_DATE',
      `${JSON.stringify(text)} in ${where} is not a valid date. Write dates as YYYY-MM-DD (or M/D/YYYY, month first), optionally ` +
        'followed by [T or space]HH:MM[:SS[.fff]] and Z or +HH:MM (no zone means UTC), with a month 1-12 and a day that its month has.',
    );
    this.text = text;
  }
}

/** A path that names something other than a regular file (a directory, for one). */
export class NotAFileError extends TsdaskError {
  readonly path: string;
  constructor(path: string, what: string) {
    super('TSDASK_DF_NOT_A_FILE', `'${path}' is ${what}, not a file. Pass a file, a list of files or a glob such as '${path}/*.csv'.`);
    this.path = path;
  }
}

/** A file with nothing to read: no header, no rows (pandas' EmptyDataError). */
export class EmptyDataError extends TsdaskError {
  readonly file: string;
  constructor(file: string, what = 'it is empty (0 bytes)') {
    super('TSDASK_DF_EMPTY_DATA', `No columns to parse from file '${file}': ${what}. Remove it from the paths, or write a header row into it.`);
    this.file = file;
  }
}

/** A file whose size or modification time differs from what the plan recorded. */
export class FileChangedError extends TsdaskError {
  readonly file: string;
  constructor(file: string, planned: { size: number; mtime: number }, now: { size: number; mtime: number }) {
    super(
      'TSDASK_DF_FILE_CHANGED',
      `'${file}' changed after it was planned (size ${planned.size} -> ${now.size} bytes, modified ${new Date(planned.mtime).toISOString()} -> ${new Date(now.mtime).toISOString()}). ` +
        'The plan (columns, types, byte ranges or row groups) no longer fits it: call readCSV / readParquet again after it has been written.',
    );
    this.file = file;
  }
}

/** A CSV file that is not valid in its encoding (UTF-8 unless `encoding` says otherwise). */
export class CsvEncodingError extends TsdaskError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, encoding: string, offset: number) {
    super(
      'TSDASK_DF_CSV_ENCODING',
      `${file}:${line}: the bytes at offset ${offset} are not valid ${encoding}. ` +
        "Pass the file's encoding to readCSV, for example encoding: 'latin1' or 'utf-16le'.",
    );
    this.file = file;
    this.line = line;
  }
}

/** A CSV record longer than the reader may buffer (`maxRecordSize`). */
export class CsvRecordTooLongError extends TsdaskError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, limit: number, what = 'maxRecordSize') {
    super(
      'TSDASK_DF_CSV_RECORD_TOO_LONG',
      `${file}:${line}: a record there is longer than ${limit} bytes (${what}), more than the reader buffers. ` +
        'Check for an opening quote that is never closed; if the record is meant to be that long, raise maxRecordSize.',
    );
    this.file = file;
    this.line = line;
  }
}

/**
 * An internal error of the plan optimizer: a rule changed a node's output schema or partition
 * count, or the rules never settled. It is a bug in tsdask, not in the query: report it, and
 * switch the rule off meanwhile (`dataframe.optimize: { [rule]: false }`).
 */
export class PlanRuleError extends TsdaskError {
  readonly rule: string;
  constructor(rule: string, before: PlanShape, after: PlanShape, problem?: string) {
    const shape = (p: PlanShape): string => `[${p.schema.names.join(', ')}] (${p.schema.types.join(', ')}) in ${p.npartitions} partitions`;
    super(
      'TSDASK_DF_PLAN_RULE',
      `Internal error in the dataframe optimizer: rule '${rule}' ${problem ?? `changed a ${before.kind} node's output from ${shape(before)} to ${shape(after)}`}. ` +
        `This is a tsdask bug: please report it; config.set({ 'dataframe.optimize': { ${rule.split(',')[0]}: false } }) works around it.`,
    );
    this.rule = rule;
  }
}

/** What PlanRuleError reports of a plan node. */
interface PlanShape {
  kind: string;
  schema: { names: readonly string[]; types: readonly string[] };
  npartitions: number;
}

for (const cls of [
  ColumnNotFoundError,
  ExprTypeError,
  CsvParseError,
  MissingFileError,
  DataFrameError,
  InvalidDateError,
  ParquetFileError,
  NotAFileError,
  EmptyDataError,
  FileChangedError,
  CsvEncodingError,
  CsvRecordTooLongError,
  PlanRuleError,
]) {
  registerErrorClass(cls);
}
