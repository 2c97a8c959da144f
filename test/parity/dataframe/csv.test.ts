/**
 * Parity: readCSV against pandas.read_csv on the same bytes (cases ported from Dask's
 * dask/dataframe/io/tests/test_csv.py; the reference is reference.json, see gen_reference.py).
 * Each case reads its file whole (with our byte scanner, and with the papaparse engine) and in
 * small byte ranges (several partitions, on 'threads'); all three must equal pandas' answer.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvParseError, MissingFileError, col, readCSV, type DataFrame, type ReadCsvOptions } from '@tsdask/dataframe';
import { REF, data, fromFrame, missingCases, parityCase, compare, type Answer } from './parity.js';

/** Reads whole (both engines) and with a small blocksize, checks all, returns the small one. */
function csv(id: string, files: string | string[], opts: ReadCsvOptions = {}, then: (df: DataFrame) => DataFrame = (d) => d, small = 16) {
  return async (): Promise<Answer> => {
    const paths = typeof files === 'string' ? data(files) : files.map(data);
    const whole = await fromFrame(then(readCSV(paths, opts)));
    compare(id, whole);
    compare(id, await fromFrame(then(readCSV(paths, { ...opts, engine: 'papaparse' }))));
    const df = then(readCSV(paths, { ...opts, blocksize: small }));
    return fromFrame(df, 'threads');
  };
}

/** Writes `df` with toCSV into a fresh folder and reads the folder back (pandas' answer is the input's). */
async function roundTrip(df: DataFrame, parts?: number, opts: ReadCsvOptions = {}): Promise<Answer> {
  if (parts !== undefined) expect(df.npartitions).toBe(parts);
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-parity-to-csv-'));
  try {
    const paths = await df.toCSV(dir, { scheduler: 'threads' });
    expect(paths.length).toBe(df.npartitions);
    return await fromFrame(readCSV(join(dir, '*.csv'), { ...opts, dtypes: df.dtypes }), 'threads');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CASES: Record<string, () => Promise<Answer>> = {
  'csv/test_read_csv/csv': csv('csv/test_read_csv/csv', 'names.csv', {}, undefined, 30),
  'csv/test_read_csv/tsv': csv('csv/test_read_csv/tsv', 'names.tsv', { sep: '\t' }, undefined, 30),
  'csv/test_read_csv_files': csv('csv/test_read_csv_files', 'files/2014-01-*.csv'),
  'csv/test_read_csv_files_list': csv('csv/test_read_csv_files_list', ['files/2014-01-01.csv', 'files/2014-01-03.csv']),
  'csv/test_usecols': csv('csv/test_usecols', 'timeseries.csv', { columns: ['High', 'Low'] }, undefined, 30),
  'csv/test_usecols/order': csv('csv/test_usecols/order', 'timeseries.csv', { columns: ['Low', 'High'] }, undefined, 30),
  'csv/test_usecols/select': csv('csv/test_usecols/select', 'timeseries.csv', { columns: ['High', 'Low'] }, (d) => d.select('High'), 30),
  'csv/test_string_blocksize': async () => {
    const a = readCSV(data('timeseries.csv'), { blocksize: '30B' });
    const b = readCSV(data('timeseries.csv'), { blocksize: '30' });
    expect(a.npartitions).toBe(b.npartitions);
    expect(a.npartitions).toBeGreaterThan(1);
    expect(readCSV(data('timeseries.csv'), { blocksize: '64MiB' }).npartitions).toBe(1);
    return fromFrame(a, 'threads');
  },
  'csv/test_consistent_dtypes': csv('csv/test_consistent_dtypes', 'consistent.csv', {}, undefined, 30),
  'csv/test_consistent_dtypes_2': csv('csv/test_consistent_dtypes_2', 'consistent2/foo.*.csv', {}, undefined, 25),
  'csv/test_empty_csv_file': csv('csv/test_empty_csv_file', 'empty_header.csv'),
  'csv/test_windows_line_terminator/sums': async () => {
    const df = readCSV(data('crlf.csv'), { blocksize: 5 });
    expect(df.npartitions).toBeGreaterThan(1);
    const [a, b] = await Promise.all([df.col('a').sum().compute({ scheduler: 'threads' }), df.col('b').sum().compute({ scheduler: 'threads' })]);
    return { columns: ['a', 'b'], rows: [[a, b]] };
  },
  'csv/test_windows_line_terminator/rows': csv('csv/test_windows_line_terminator/rows', 'crlf.csv', {}, undefined, 5),
  'csv/test_header_None': csv('csv/test_header_None', 'header_none/tmp.*.csv', { header: false }, undefined, 2),
  'csv/test_csv_with_integer_names': csv('csv/test_csv_with_integer_names', 'integer_names.csv', { header: false }, undefined, 4),
  'csv/test_head_partial_line_fix': csv('csv/test_head_partial_line_fix', 'overflow2.csv', { sampleSize: 35 }),
  'csv/test_late_dtypes/whole_sample': csv('csv/test_late_dtypes/whole_sample', 'late.csv', {}, undefined, 1000),
  'csv/test_late_dtypes/small_sample': async () => {
    const ref = REF['csv/test_late_dtypes/small_sample'];
    for (const blocksize of [1000, 1 << 20]) {
      const df = readCSV(data('late.csv'), { sampleSize: 50, blocksize });
      const err: unknown = await df.toRecords({ scheduler: 'threads' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // The task's error (TaskError, naming the key) carries the parse error as its cause.
      const cause = err instanceof CsvParseError ? err : (err as Error | undefined)?.cause;
      expect(cause).toBeInstanceOf(CsvParseError);
      expect((cause as CsvParseError).line).toBe(ref?.line);
      expect((cause as CsvParseError).text).toBe('1.5,bar,2.5,3');
    }
    return { columns: [], rows: [] };
  },
  'csv/test_assume_missing': csv(
    'csv/test_assume_missing',
    'late.csv',
    { sampleSize: 50, dtypes: { numbers: 'float64', more_numbers: 'float64', integers: 'float64' } },
    undefined,
    1000,
  ),
  'csv/test_assume_missing/integers_given': csv(
    'csv/test_assume_missing/integers_given',
    'late.csv',
    { sampleSize: 50, dtypes: { numbers: 'float64', more_numbers: 'float64', integers: 'int64' } },
    undefined,
    1000,
  ),
  'csv/test_read_csv_sep': csv('csv/test_read_csv_sep', 'sep_hash.csv', { sep: '###' }),
  'csv/test_read_csv_header_issue_823': csv('csv/test_read_csv_header_issue_823', 'issue823.tsv', { sep: '\t' }, undefined, 6),
  'csv/test_read_csv_slash_r': csv('csv/test_read_csv_slash_r', 'slash_r.csv', { header: false, sep: ',' }, (d) => d.rename({ '0': 'a', '1': 'b' }), 200),
  'csv/test_read_csv_singleton_dtype': csv('csv/test_read_csv_singleton_dtype', 'singleton.csv', { dtypes: { a: 'float64', b: 'float64' } }, undefined, 4),
  'csv/test_skipinitialspace': csv('csv/test_skipinitialspace', 'skipinitialspace.csv', {}, undefined, 20),
  'csv/test_none_usecols': csv('csv/test_none_usecols', 'names.csv', {}),
  'csv/test_index_col': csv('csv/test_index_col', 'names.csv', {}, undefined, 30),
  'csv/test_read_csv_with_datetime_index_partitions_n': csv(
    'csv/test_read_csv_with_datetime_index_partitions_n',
    'timeseries.csv',
    { columns: ['Date', 'Close'], parseDates: ['Date'] },
    (d) => d.setIndex('Date'),
    400 / 4,
  ),
  'csv/test_read_csv_with_datetime_index_partitions_one': csv(
    'csv/test_read_csv_with_datetime_index_partitions_one',
    'timeseries.csv',
    { columns: ['Date', 'Close'], parseDates: ['Date'] },
    (d) => d.setIndex('Date'),
    10_000_000,
  ),
  'csv/test_csv_getitem_column_order': csv('csv/test_csv_getitem_column_order', 'getitem_order.csv', {}, (d) => d.select('C', 'A'), 50),
  'csv/test_read_csv_groupby_get_group': csv('csv/test_read_csv_groupby_get_group', 'names.csv', {}, (d) => d.filter(col('name').eq('Alice')), 30),
  'csv/test_text_blocks_to_pandas_blocked': csv('csv/test_text_blocks_to_pandas_blocked', 'files/2014-01-*.csv', {}, undefined, 10),
  'csv/test_pandas_read_text_with_header': csv('csv/test_pandas_read_text_with_header', 'files/2014-01-01.csv', {}, undefined, 12),
  'csv/test_read_csv_parse_dates': csv('csv/test_read_csv_parse_dates', 'dates.csv', { parseDates: ['d'] }, undefined, 12),
  'csv/test_read_csv_parse_timestamps': csv('csv/test_read_csv_parse_timestamps', 'timestamps.csv', { parseDates: ['t'] }, undefined, 20),
  'csv/quoting': csv('csv/quoting', 'quoting.csv', {}, undefined, 24),
  'csv/na_values_defaults': csv('csv/na_values_defaults', 'na_values.csv', { dtypes: { v: 'utf8' } }, undefined, 20),
  'csv/na_values_none': csv('csv/na_values_none', 'na_none.csv', { dtypes: { v: 'utf8' } }, undefined, 8),
  'csv/na_values_custom': csv('csv/na_values_custom', 'na_values.csv', { dtypes: { v: 'utf8' }, nullValues: ['x', '-'] }, undefined, 20),
  'csv/bools': csv('csv/bools', 'bools.csv', {}, undefined, 10),
  'csv/utf8': csv('csv/utf8', 'utf8.csv', {}, undefined, 10),
  'csv/numbers_spellings': csv('csv/numbers_spellings', 'numbers.csv', {}, undefined, 12),
  'csv/inf_spellings': csv('csv/inf_spellings', 'inf.csv', {}, undefined, 10),
  'csv/infinity_in_float_column': csv('csv/infinity_in_float_column', 'infinity.csv', {}, undefined, 6),
  'csv/quote_in_unquoted_field': csv('csv/quote_in_unquoted_field', 'quote_in_field.csv', {}, undefined, 4),
  'csv/hex_binary_are_strings': csv('csv/hex_binary_are_strings', 'hex.csv', {}, undefined, 6),
  'csv/whitespace_only_field': csv('csv/whitespace_only_field', 'whitespace_field.csv', {}, undefined, 6),
  'csv/trailing_comma': csv('csv/trailing_comma', 'trailing_comma.csv', {}, undefined, 6),
  'csv/quoted_header': csv('csv/quoted_header', 'quoted_header.csv', {}, undefined, 12),
  'csv/mixed_date_and_timestamp': csv('csv/mixed_date_and_timestamp', 'mixed_date_ts.csv', { parseDates: ['d'] }, undefined, 20),
  'csv/leading_zeros': csv('csv/leading_zeros', 'leading_zeros.csv', {}, undefined, 8),
  'csv/non_iso_dates': async () => {
    // Node applies a TZ change at once on the calling thread; both reads parse there ('sync').
    const before = process.env['TZ'];
    process.env['TZ'] = 'America/New_York';
    try {
      compare('csv/non_iso_dates', await fromFrame(readCSV(data('non_iso_dates.csv'), { parseDates: ['d'] })));
      return await fromFrame(readCSV(data('non_iso_dates.csv'), { parseDates: ['d'], blocksize: 12 }));
    } finally {
      if (before === undefined) delete process.env['TZ'];
      else process.env['TZ'] = before;
    }
  },
  'csv/non_iso_dates/dayfirst': csv('csv/non_iso_dates/dayfirst', 'dayfirst_dates.csv', { parseDates: ['d'], dayfirst: true }, undefined, 12),
  'csv/test_csv_parse_fail': csv('csv/test_csv_parse_fail', 'parse_fail.csv', { sampleSize: 13 }, undefined, 6),
  'csv/test_read_csv_raises_on_no_files': async () => {
    const missing = data('no/such/file.csv');
    let err: unknown;
    try {
      readCSV(missing);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingFileError);
    expect((err as Error).message).toContain(missing);
    expect(() => readCSV(data('no-such-*.csv'))).toThrow(MissingFileError);
    return { columns: [], rows: [] };
  },
  'csv/test_to_csv/npartitions_1': () => roundTrip(readCSV(data('to_csv.csv')), 1),
  'csv/test_to_csv/npartitions_2': () => roundTrip(readCSV(data('to_csv.csv'), { blocksize: 12 }), 2),
  'csv/test_to_csv_simple/quoting': () => roundTrip(readCSV(data('quoting.csv'), { blocksize: 100 })),
  'csv/test_to_csv_simple/nulls': () =>
    roundTrip(readCSV(data('nulls.csv'), { blocksize: 16, dtypes: { x: 'float64', y: 'float64', z: 'float64', s: 'utf8' } })),
  'csv/test_to_csv_simple/timestamps': () => roundTrip(readCSV(data('timestamps.csv'), { blocksize: 20, parseDates: ['t'] }), undefined, { parseDates: ['t'] }),
  'csv/test_to_csv_simple/utf8_many_partitions': () => roundTrip(readCSV(data('groups.csv'), { blocksize: 500 }), 12),
  'csv/short_rows': csv('csv/short_rows', 'short_rows.csv', {}, undefined, 8),
  'csv/duplicate_names': csv('csv/duplicate_names', 'dup_names.csv', {}, undefined, 12),
  'csv/test_encoding_gh601/utf-8-sig': csv('csv/test_encoding_gh601/utf-8-sig', 'bom.csv', {}, undefined, 6),
  'csv/crlf_quoted': csv('csv/crlf_quoted', 'crlf_quoted.csv', {}, undefined, 8),
  'csv/blank_lines': csv('csv/blank_lines', 'blank_lines.csv', {}, undefined, 6),
  'csv/int_missing': csv('csv/int_missing', 'int_missing.csv', {}, undefined, 6),
  'csv/bool_spellings': csv('csv/bool_spellings', 'bool_spellings.csv', {}, undefined, 10),
};

/** Cases read again at every blocksize from 1 to 64 bytes (range starts at every offset). */
const SWEEP: [string, string, ReadCsvOptions][] = [
  ['csv/quoting', 'quoting.csv', {}],
  ['csv/crlf_quoted', 'crlf_quoted.csv', {}],
  ['csv/utf8', 'utf8.csv', {}],
  ['csv/blank_lines', 'blank_lines.csv', {}],
  ['csv/test_encoding_gh601/utf-8-sig', 'bom.csv', {}],
  ['csv/short_rows', 'short_rows.csv', {}],
  ['csv/test_read_csv_parse_timestamps', 'timestamps.csv', { parseDates: ['t'] }],
  ['csv/na_values_custom', 'na_values.csv', { dtypes: { v: 'utf8' }, nullValues: ['x', '-'] }],
];

describe('parity: readCSV at every blocksize from 1 to 64', () => {
  for (const [id, file, opts] of SWEEP) {
    it(`${id} (${file})`, async () => {
      for (let blocksize = 1; blocksize <= 64; blocksize++) {
        const got = await fromFrame(readCSV(data(file), { ...opts, blocksize }));
        expect(() => compare(id, got), `blocksize ${blocksize}`).not.toThrow();
      }
    });
  }
});

describe('parity: readCSV vs pandas.read_csv (Dask test_csv.py)', () => {
  it('every csv/ reference case has a test here', () => {
    expect(missingCases('csv/', Object.keys(CASES))).toEqual([]);
  });
  for (const [id, run] of Object.entries(CASES)) parityCase(id, run);
});
