/**
 * The dataframe package's errors. Each has a stable `code`, a message that says what to do,
 * and survives the trip from a worker thread (registered with core-graph's error registry).
 */
import { TsdaskError, registerErrorClass } from '@tsdask/core-graph';

/** A column name that the frame does not have; `available` lists the ones it has. */
export class ColumnNotFoundError extends TsdaskError {
  readonly column: string;
  readonly available: string[];
  constructor(column: string, available: readonly string[], where = '') {
    super(
      'TSDASK_DF_COLUMN_NOT_FOUND',
      `Column '${column}' not found${where ? ` in ${where}` : ''}. Columns are: ${available.map((c) => `'${c}'`).join(', ') || '(none)'}.`,
    );
    this.column = column;
    this.available = [...available];
  }
}

/** An expression applied to values of a type it does not accept. */
export class ExprTypeError extends TsdaskError {
  readonly fn: string;
  readonly types: string[];
  constructor(fn: string, types: readonly string[], hint = '') {
    super(
      'TSDASK_DF_TYPE_MISMATCH',
      `Type mismatch: '${fn}' cannot take (${types.join(', ')}).${hint ? ' ' + hint : ''} Use cast() to convert first.`,
    );
    this.fn = fn;
    this.types = [...types];
  }
}

/** A malformed CSV row: the file, 1-based line number and the row's text. */
export class CsvParseError extends TsdaskError {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  constructor(file: string, line: number, text: string, reason: string) {
    const shown = text.length > 200 ? text.slice(0, 200) + '...' : text;
    super(
      'TSDASK_DF_CSV_MALFORMED',
      `${file}:${line}: ${reason}: ${JSON.stringify(shown)}. ` +
        "Fix the row, pass dtypes for the column, or read with onBadLines: 'skip' | 'warn'.",
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

for (const cls of [ColumnNotFoundError, ExprTypeError, CsvParseError, MissingFileError, DataFrameError]) {
  registerErrorClass(cls);
}
