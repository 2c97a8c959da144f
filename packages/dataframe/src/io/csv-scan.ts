/**
 * The CSV byte scanner: the hot path of readCSV. It walks one byte range of a file once,
 * through one reused read buffer, splitting records with RFC 4180 quoting (quoted separators
 * and newlines, "" escapes, CRLF), and parses only the wanted columns straight into typed
 * buffers: numbers from bytes, strings interned by bytes into a dictionary. Plain records (no
 * quote character) take the fast path of csv-fast.ts; the rest go through csv-records.ts.
 *
 * A range is scanned from the record start `from` up to the record start `to`, both worked out
 * by csv-boundaries.ts from the quote state at the planned byte boundaries (the range reads
 * past its planned end to finish its last record); where `to` is a RangeEnd, the scanner feeds
 * it the bytes it reads and learns `to` once past the planned end. It checks that its last
 * record really ends at `to`, so two ranges can neither drop nor repeat a record. Every byte it takes is
 * checked to be UTF-8 (per read buffer, with the `isUtf8` given), and a record longer than
 * `spec.maxRecord` bytes is an error, not an ever-growing buffer. Pure: file access comes in as
 * a `read` function.
 */
import type { ColumnData, DType, Partition } from '../kernels/columns.js';
import { ColumnBuilder, notConverted } from './csv-columns.js';
import { CR, LF, QUOTE, scanBatch, scanRecord } from './csv-records.js';
export { fastNumber } from './csv-records.js';
import { ByteInterner } from './byte-interner.js';
import { delimiterMasks } from './delimiter-masks.js';
import { NO_I32, PLAIN_DONE, PLAIN_FULL, PLAIN_MORE, clearRow, wordsOf } from './csv-fast.js';
import { plainPlan, plainTargets } from './csv-plain-setup.js';
import { plainScanFor, type PlainScan } from './csv-fast-compiled.js';
import { wasmScanFor } from './csv-wasm-scan.js';
import { CsvEncodingError, CsvParseError, CsvRecordTooLongError } from '../errors.js';
import { firstInvalidUtf8 } from './utf8.js';
import { lineOf, searchable, type ReadFn } from './file-bytes.js';
import type { RangeEnd } from './csv-boundaries.js';
import type { CsvRangeSpec, CsvSink } from './csv-range-spec.js';
export type { ReadFn } from './file-bytes.js';
export type { CsvRangeSpec, CsvSink } from './csv-range-spec.js';

const decoder = new TextDecoder('utf-8');
// 64 KiB: reads into a buffer that stays in the core's cache ran ~3x faster here than into
// 4 MiB (flights-3m, 16 MiB ranges: 2 ms against 7 ms to read and count quotes), and the
// scan that follows reads the bytes from that cache. A record longer than the buffer grows it.
let shared: Uint8Array = new Uint8Array(64 << 10);

/**
 * Parses the records from byte `from` up to the record that begins at `stop` (a RangeEnd: at
 * the record start it resolves to) into a partition; with a sink, hands them to it in batches
 * and returns an empty partition (with the count of skipped rows).
 */
export function scanCsvRange(
  spec: CsvRangeSpec,
  read: ReadFn,
  from: number,
  stop: number | RangeEnd,
  sink?: CsvSink,
  isUtf8?: (b: Uint8Array) => boolean,
): Partition {
  // Until the end is known, the scan stops at the first record at or after the planned end.
  let open = typeof stop === 'number' ? undefined : stop;
  let to = typeof stop === 'number' ? stop : stop.end;
  const sep = spec.sep.charCodeAt(0);
  const ncols = spec.names.length;
  const want = spec.want;
  const slotOf = new Int32Array(ncols).fill(-1);
  want.forEach((fi, j) => (slotOf[fi] = j));
  const builders = want.map(
    (fi) => new ColumnBuilder(spec.types[fi] as DType, sink === undefined ? spec.estRows : sink.rows, spec.invalidDates === 'null', spec.dayfirst === true),
  );
  const interners = want.map((fi) => (spec.types[fi] === 'utf8' ? new ByteInterner() : undefined));
  const outNames = want.map((fi) => spec.names[fi] as string);
  let handed = 0; // rows handed to the sink
  // With a sink: the rows so far as a batch, then the builders start again at row 0.
  const flush = (): void => {
    const n = (builders[0] as ColumnBuilder).n;
    if (sink === undefined || n === 0) return;
    const columns = builders.map((b, j) => {
      const c: ColumnData = { type: b.type, values: b.values.subarray(0, n) }; // (validity only with a null, as finish())
      if (b.nulls > 0) c.valid = b.valid.subarray(0, n);
      const it = interners[j];
      if (it !== undefined) c.dict = it.dict;
      return c;
    });
    sink.take({ names: outNames, columns, length: n });
    handed += n;
    for (const b of builders) b.clear();
  };
  const nulls = spec.nullValues.map((s) => new TextEncoder().encode(s));
  const maxNull = nulls.reduce((m, b) => Math.max(m, b.length), 0);
  const nwant = want.length;
  const fs = new Int32Array(nwant + 1);
  const fe = new Int32Array(nwant + 1);
  const fk = new Uint8Array(nwant + 1);
  // 0: float64, 3: integer, 1: string, 2: other (through text).
  const kinds = Uint8Array.from(want, (fi) => {
    const t = spec.types[fi];
    return t === 'float64' ? 0 : t === 'int64' || t === 'int32' ? 3 : t === 'utf8' ? 1 : 2;
  });
  // Per first byte, the lengths of the null markers that begin with it (bit min(length, 31)): a
  // field is compared with the markers only when one of its first byte and length exists, so
  // numbers such as -12 or 1234 stay on the fast path although '-nan' and '1.#IND' are markers.
  const nullFirst = new Int32Array(256);
  for (const nb of nulls) if (nb.length > 0) nullFirst[nb[0] as number] = (nullFirst[nb[0] as number] as number) | (1 << Math.min(nb.length, 30));
  const emptyIsNull = nulls.some((nb) => nb.length === 0);
  const st = new Int32Array(3);
  let scratch = new Uint8Array(1024);
  // The read buffer: in WebAssembly memory where delimiter masks can be worked out by SIMD.
  const simd = delimiterMasks();
  let buf: Uint8Array = simd !== undefined ? simd.buf : shared;
  let maskedTo = -1; // buf's masks hold bytes [0, maskedTo) since the last read
  let base = from; // file offset of buf[0]
  let checked = 0; // buf[0, checked) is known to be UTF-8 (it held whole records)
  // Checks that the bytes of whole records buf[checked, upTo) are UTF-8.
  const checkUtf8 = (upTo: number): void => {
    if (isUtf8 !== undefined && upTo > checked && !isUtf8(buf.subarray(checked, upTo))) {
      const at = base + checked + firstInvalidUtf8(buf, checked, upTo);
      throw new CsvEncodingError(spec.file, lineOf(read, at), 'UTF-8', at);
    }
    checked = upTo;
  };
  let lim = 0;
  let eof = false;
  let nf = 0;
  let skipped = 0;

  let qpos = -1; // the next quote character at or after p (lim when none before lim), while >= p
  // The next CR at or after p (lim when none), while >= p; -2 once one was seen in these bytes
  // (a CRLF file: not looked for again until the next read).
  let crpos = -1;
  let finder = searchable(buf);
  // Feeds the open end's quote machines the bytes read so far (before fill drops any).
  const track = (more: boolean): void => {
    if (open === undefined) return;
    if (finder.buffer !== buf.buffer) finder = searchable(buf);
    open.machines.feed(buf, finder, base, lim, more);
  };
  // At a record start p at or past `to`: true when the scan is done, else `to` was the planned
  // end, and is now the record start where the range stops (the scan goes on if it is further).
  const reached = (): boolean => {
    if (open === undefined) return true;
    track(!eof);
    to = open.stop(read);
    open = undefined;
    return base + p >= to;
  };
  const fill = (keepFrom: number): number => {
    track(true);
    qpos = -1;
    crpos = -1;
    maskedTo = -1;
    // Keeps buf[keepFrom..lim), reads more after it; returns the shift applied to positions.
    const keep = lim - keepFrom;
    // An unfinished record of maxRecord bytes or more (one that fits in the buffer as it is may pass).
    if (keep >= spec.maxRecord) throw new CsvRecordTooLongError(spec.file, lineOf(read, base + keepFrom), spec.maxRecord);
    if (keepFrom === 0 && lim === buf.length) {
      // A multiple of 4 long, so that the fast path can read it by words.
      const bigger = new Uint8Array(Math.min(buf.length * 2, Math.ceil(spec.maxRecord / 4) * 4));
      bigger.set(buf.subarray(0, lim));
      buf = bigger;
      if (bigger.length <= 16 << 20) shared = bigger;
    } else if (keepFrom > 0) {
      checkUtf8(keepFrom);
      checked = 0;
      buf.copyWithin(0, keepFrom, lim);
    }
    base += keepFrom;
    lim = keep;
    const got = base + lim >= spec.size ? 0 : read(buf, lim, buf.length - lim, base + lim);
    if (got <= 0) eof = true;
    else lim += got;
    return keepFrom;
  };

  const isNull = (b: Uint8Array, s: number, e: number): boolean => {
    const len = e - s;
    if (len > maxNull) return false;
    outer: for (const nb of nulls) {
      if (nb.length !== len) continue;
      for (let k = 0; k < len; k++) if (nb[k] !== b[s + k]) continue outer;
      return true;
    }
    return false;
  };

  // One record from p: its end, or -1 when the buffer ends first.
  const parseRecord = (start: number): number => {
    const r = scanRecord(buf, start, lim, eof, sep, slotOf, ncols, fs, fe, fk, st);
    nf = st[0] as number;
    return r;
  };

  const unescape = (s: number, e: number): [Uint8Array, number] => {
    if (scratch.length < e - s) scratch = new Uint8Array((e - s) * 2);
    let k = 0;
    for (let i = s; i < e; i++) {
      scratch[k++] = buf[i] as number;
      if (buf[i] === QUOTE) i++;
    }
    return [scratch, k];
  };

  // A malformed record: an error, or skipped (and counted); `fatal` ones are errors even with
  // 'skip' (an unterminated quote takes the rest of the file: skipping it would drop every row after).
  const reject = (start: number, end: number, reason: string, fatal = false): void => {
    skipped++;
    if (spec.onBadLines === 'skip' && !fatal) return;
    let tail = end;
    while (tail > start && (buf[tail - 1] === LF || buf[tail - 1] === CR)) tail--;
    // At most 4 KiB of the record's text (an unterminated quote's record is the rest of the file).
    const text = decoder.decode(buf.subarray(start, Math.min(tail, start + 4096)));
    const line = lineOf(read, base + start);
    const hint = fatal ? 'Close the quote (a quote inside a quoted field is written ""); onBadLines cannot skip this one.' : undefined;
    const err = new CsvParseError(spec.file, line, text, reason, hint);
    if (spec.onBadLines === 'error' || fatal) throw err;
    console.warn(`tsdask readCSV: skipped a malformed row: ${err.message}`);
  };

  const slow = new Int32Array(nwant + 1);
  // The fields of a record that fastFields left (escapes, null markers, other texts).
  const commitSlow = (start: number, end: number, nslow: number): void => {
    for (let k = 0; k < nslow; k++) {
      const j = slow[k] as number;
      const builder = builders[j] as ColumnBuilder;
      let s = fs[j] as number;
      let e = fe[j] as number;
      let src = buf;
      if (fk[j] === 2) {
        const [u, len] = unescape(s, e);
        src = u;
        s = 0;
        e = len;
      }
      if (e === s ? emptyIsNull : nullFirst[src[s] as number] !== 0 && isNull(src, s, e)) {
        builder.pushNull();
        continue;
      }
      if (kinds[j] === 1) {
        builder.pushRaw((interners[j] as ByteInterner).intern(src, s, e));
        continue;
      }
      const text = decoder.decode(src.subarray(s, e));
      if (!builder.pushText(text)) {
        // Undo this row in every column that already took it.
        const rows = (builders[j] as ColumnBuilder).n;
        for (const other of builders) if (other.n > rows) other.pop();
        return reject(start, end, `value ${JSON.stringify(text)} in column '${spec.names[want[j] as number]}' ${notConverted(builder.type, text)}`);
      }
    }
  };

  fill(0);
  let p = 0;
  if (spec.start === 0) {
    if (lim >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
    if (spec.header) {
      let r = parseRecord(p);
      while (r < 0 && !eof) {
        p -= fill(p);
        r = parseRecord(p);
      }
      p = r < 0 ? lim : r;
    }
  }
  // The fast path (csv-fast.ts) takes the plain records between quote characters; the general
  // path below takes one record whenever the fast path stops at one it does not handle.
  const plan = plainPlan(spec, slotOf, nulls, nullFirst, emptyIsNull, interners);
  const targets = plainTargets(builders);
  const pio = new Int32Array(3);
  // The walks: in WebAssembly over the SIMD read buffer, else in JavaScript with SIMD delimiter
  // masks or without (each made when first needed).
  const scanWasm = simd !== undefined ? wasmScanFor(plan, simd) : undefined;
  let scanMasked: PlainScan | undefined;
  let scanWords: PlainScan | undefined;
  let words = wordsOf(buf);
  let fast = nwant > 0 && words.length > 0;
  let general = 0; // records the general path took while the fast path was on
  const io = new Int32Array(4);
  for (;;) {
    if (sink !== undefined && (builders[0] as ColumnBuilder).n >= sink.rows) flush();
    const stopAt = to - base;
    if (fast && words.buffer !== buf.buffer) {
      words = wordsOf(buf);
      if (words.length === 0) fast = false;
    }
    if (fast) {
      if (qpos < p) {
        if (finder.buffer !== buf.buffer) finder = searchable(buf);
        qpos = finder.indexOf(QUOTE, p);
        if (qpos < 0 || qpos > lim) qpos = lim;
      }
      let mk: Int32Array = NO_I32;
      let crFree = false;
      const inWasm = simd !== undefined && buf === simd.buf;
      if (inWasm) {
        // (the WebAssembly walk works out its own masks)
        if (scanWasm === undefined && maskedTo !== lim) simd.compute((maskedTo = lim), sep);
        mk = simd.masks;
      } else {
        if (crpos !== -2 && crpos < p) {
          crpos = finder.indexOf(CR, p);
          if (crpos < 0 || crpos > lim) crpos = lim;
        }
        crFree = crpos >= qpos;
        if (!crFree) crpos = -2;
      }
      let cap = Infinity;
      for (let j = 0; j < nwant; j++) {
        const b = builders[j] as ColumnBuilder;
        if (b.values instanceof Float64Array) targets.f64[j] = b.values;
        else if (b.values instanceof Int32Array) targets.i32[j] = b.values;
        targets.valid[j] = b.valid;
        cap = Math.min(cap, b.capacity);
      }
      const scanPlain =
        inWasm && scanWasm !== undefined ? scanWasm : mk.length > 0 ? (scanMasked ??= plainScanFor(plan, true)) : (scanWords ??= plainScanFor(plan, false));
      const outcome = scanPlain(buf, words, mk, p, qpos, stopAt, (builders[0] as ColumnBuilder).n, cap, crFree, plan, targets, pio);
      for (let j = 0; j < nwant; j++) {
        const b = builders[j] as ColumnBuilder;
        b.n = pio[2] as number;
        b.nulls += targets.nulls[j] as number;
      }
      targets.nulls.fill(0);
      p = pio[1] as number;
      if (outcome === PLAIN_DONE) {
        if (reached()) break;
        continue;
      }
      if (outcome !== PLAIN_FULL) clearRow(targets, pio[2] as number);
      if (outcome === PLAIN_FULL) {
        if (sink !== undefined) flush();
        else for (const b of builders) b.reserve();
        continue;
      }
      if (outcome === PLAIN_MORE && qpos === lim && !eof) {
        p -= fill(p);
        continue;
      }
      // PLAIN_GENERAL, or a record that reaches a quote or the end of the file: one record
      // through the general path.
      if (++general > 256 && general * 2 > handed + (builders[0] as ColumnBuilder).n) fast = false;
    }
    // One record after the fast path; else as far as stopAt (with a sink, 256 KiB at a time).
    const until = fast ? p + 1 : sink === undefined ? stopAt : p + (256 << 10);
    scanBatch(
      buf,
      p,
      lim,
      eof,
      Math.min(stopAt, until),
      sep,
      slotOf,
      ncols,
      fs,
      fe,
      fk,
      st,
      want,
      kinds,
      nullFirst,
      emptyIsNull,
      builders,
      interners,
      slow,
      io,
    );
    p = io[1] as number;
    if (io[0] === 1) {
      if (p >= stopAt ? reached() : p >= lim && eof) break;
      continue;
    }
    if (io[0] === 0) {
      p -= fill(p);
      continue;
    }
    const end = io[2] as number;
    if (io[3] === 0) {
      nf = st[0] as number;
      if (st[2] === 1) reject(p, end, 'unterminated quoted field (the file ends inside it)', true);
      else if (st[2] !== 0) reject(p, end, 'text after a closing quote');
      else reject(p, end, `expected ${ncols} fields, saw ${nf}`);
    } else commitSlow(p, end, io[3] as number);
    p = end;
  }
  if (to < spec.size && base + p !== to) {
    // The planned boundary is not where the parser's record ends: never drop or repeat rows.
    throw new CsvParseError(
      spec.file,
      lineOf(read, to),
      '',
      `a record crosses the byte ${to} where the next range was planned to start`,
      'This is a reader fault; read with a blocksize larger than the file to avoid it, and report it.',
    );
  }
  checkUtf8(p);
  flush();
  for (let j = 0; j < want.length; j++) {
    const it = interners[j];
    if (it !== undefined) (builders[j] as ColumnBuilder).dict = it.dict;
  }
  const columns = builders.map((b) => b.finish());
  const length = builders[0]?.n ?? 0;
  const out: Partition = { names: outNames, columns, length };
  if (skipped > 0) out.skipped = skipped;
  return out;
}
