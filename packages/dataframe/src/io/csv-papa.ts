/**
 * The papaparse path: delimiter sniffing, dialects the byte scanner does not handle (a
 * multi-character separator, lone-CR line ends), and the reference the scanner's tests
 * compare against. Rows are fed one at a time into the same column builders as the
 * scanner's and dropped at once (holding parsed rows alive costs seconds in GC).
 */
import Papa from 'papaparse';
import type { Partition } from '../kernels/columns.js';
import { ColumnBuilder, notConverted } from './csv-columns.js';
import type { CsvRangeSpec } from './csv-scan.js';
import { CsvParseError } from '../errors.js';

const REASONS: Record<string, string> = {
  MissingQuotes: 'unterminated quoted field',
  InvalidQuotes: 'text after a closing quote',
};

/**
 * Guesses the field separator of a sample of CSV text, from its first lines: at least 16 KiB
 * and 64 lines where the sample has them (papaparse's guess reads 10 rows; handing it the whole
 * 256 KiB sample cost 26 ms on a first call here, 6 ms later, against 2 ms and 0.3 ms).
 */
export function sniffDelimiter(sample: string): string {
  // The end of the 64th line (the whole sample when it has fewer), and at least 16 KiB.
  let k = -1;
  for (let lines = 0; lines < 64 && k + 1 < sample.length; lines++) {
    k = sample.indexOf('\n', k + 1);
    if (k < 0) break;
  }
  const cut = k < 0 ? sample.length : Math.max(k + 1, Math.min(sample.length, 16 << 10));
  const input = sample.slice(0, cut);
  // Without a quote character papaparse's guess is a few splits: done here, without papaparse's
  // parser (its first call is most of the guess's cost in a fresh process).
  if (!input.includes('"')) return guessPlain(input);
  const res = Papa.parse<string[]>(input, { preview: 20, delimitersToGuess: GUESSED });
  return res.meta.delimiter || ',';
}

const GUESSED = [',', '\t', ';', '|'];

/**
 * papaparse 5's delimiter guess (ParserHandle.guessLineEndings, then guessDelimiter over its
 * fast mode's first 10 rows) on text without a quote character, which is when the fast mode
 * applies: the delimiter whose rows' field counts vary least (ties: the most fields), among those
 * averaging 2 fields or more; ',' when none does.
 */
function guessPlain(input: string): string {
  const newline = guessLineEndings(input);
  const rows = input === '' ? [] : input.split(newline, 10);
  let best: string | undefined;
  let bestDelta = 0;
  let bestAvg = 0;
  for (const delim of GUESSED) {
    let delta = 0;
    let avg = 0;
    let prev: number | undefined;
    for (const row of rows) {
      const n = row.split(delim).length;
      avg += n;
      if (prev !== undefined) delta += Math.abs(n - prev);
      prev = n;
    }
    if (rows.length > 0) avg /= rows.length;
    if (avg > 1.99 && (best === undefined || delta < bestDelta || (delta === bestDelta && avg > bestAvg))) {
      best = delim;
      bestDelta = delta;
      bestAvg = avg;
    }
  }
  return best ?? ',';
}

/** papaparse's guessLineEndings on text without quotes: '\n', '\r\n' or '\r'. */
function guessLineEndings(text: string): string {
  const input = text.substring(0, 1024 * 1024);
  const r = input.split('\r');
  const n = input.split('\n');
  const nAppearsFirst = n.length > 1 && (n[0] as string).length < (r[0] as string).length;
  if (r.length === 1 || nAppearsFirst) return '\n';
  let numWithN = 0;
  for (const piece of r) if (piece[0] === '\n') numWithN++;
  return numWithN >= r.length / 2 ? '\r\n' : '\r';
}

/** Parses CSV text (a whole file) into a partition with papaparse, as the scanner would. */
export function parseCsvText(text0: string, spec: CsvRangeSpec): Partition {
  const text = text0.charCodeAt(0) === 0xfeff ? text0.slice(1) : text0;
  const ncols = spec.names.length;
  const want = spec.want;
  const builders = want.map(
    (fi) => new ColumnBuilder(spec.types[fi] as (typeof spec.types)[number], spec.estRows, spec.invalidDates === 'null', spec.dayfirst === true),
  );
  const nulls = new Set(spec.nullValues);
  let skipped = 0;
  let first = spec.header;
  let rowStart = 0;
  const reject = (row: string[], reason: string, at: number, fatal = false): void => {
    skipped++;
    if (spec.onBadLines === 'skip' && !fatal) return;
    let line = 1;
    for (let k = text.indexOf('\n'); k >= 0 && k < at; k = text.indexOf('\n', k + 1)) line++;
    const hint = fatal ? 'Fix the quotes (a quote inside a quoted field is written ""); onBadLines cannot skip this one.' : undefined;
    // At most 4 KiB of the row's text (an unterminated quote's row is the rest of the file).
    const err = new CsvParseError(spec.file, line, row.join(spec.sep).slice(0, 4096), reason, hint);
    if (spec.onBadLines === 'error' || fatal) throw err;
    console.warn(`tsdask readCSV: skipped a malformed row: ${err.message}`);
  };
  Papa.parse<string[]>(text, {
    delimiter: spec.sep,
    quoteChar: '"',
    skipEmptyLines: false,
    step(res) {
      const row = res.data;
      const start = rowStart;
      rowStart = res.meta.cursor;
      if (first) {
        first = false;
        return;
      }
      // A blank line is no row; a lone quoted "" is a row of one empty field (as pandas).
      if (row.length === 1 && row[0] === '' && !text.slice(start, rowStart).includes('"')) return;
      const errs = res.errors.filter((e) => e.type === 'Quotes');
      if (errs.length > 0) {
        // An unterminated quote takes the rest of the file (papaparse also loses its way after
        // text that follows a closing quote, `"a"b`): an error even with 'skip', which would
        // drop every row after it (pandas: EOF inside string).
        const reason = REASONS[errs[0]?.code as string] ?? 'bad quotes';
        if (errs.some((e) => e.code === 'MissingQuotes')) {
          return reject(
            row,
            errs[0]?.code === 'MissingQuotes'
              ? `${reason} (the file ends inside it)`
              : `${reason}, after which the papaparse engine cannot tell where the row ends`,
            start,
            true,
          );
        }
        return reject(row, reason, start);
      }
      if (row.length > ncols) {
        return reject(row, `expected ${ncols} fields, saw ${row.length}`, start);
      }
      for (let j = 0; j < want.length; j++) {
        const fi = want[j] as number;
        const b = builders[j] as ColumnBuilder;
        const v = row[fi];
        if (v === undefined || nulls.has(v)) {
          b.pushNull();
          continue;
        }
        if (!b.pushText(v)) {
          for (let k = 0; k < j; k++) (builders[k] as ColumnBuilder).pop();
          return reject(row, `value ${JSON.stringify(v)} in column '${spec.names[fi]}' ${notConverted(b.type, v)}`, start);
        }
      }
    },
  });
  const out: Partition = { names: want.map((fi) => spec.names[fi] as string), columns: builders.map((b) => b.finish()), length: builders[0]?.n ?? 0 };
  if (skipped > 0) out.skipped = skipped;
  return out;
}
