/**
 * Where the byte ranges of a CSV file start: the quote state at a range's first byte, worked
 * out by the same rule as the parser (csv-records.ts scanRecord), so that a range begins at a
 * record that the parser of the range before it really ends at.
 *
 * The rule: a quote character opens a quoted field only at the start of a field (the first
 * byte of the file after a BOM, or after a separator, LF or CR); anywhere else it is a literal
 * byte (`x"y` is the text x"y, as pandas reads it). Inside a quoted field, `""` is an escaped
 * quote and any other quote closes the field. So the state at a byte is one of
 *   OUT      outside quotes,
 *   IN       inside a quoted field,
 *   IN_SKIP  inside a quoted field, this byte being the second quote of a `""` escape.
 *
 * A pre-pass task per range but the last (`quoteTransfer`) maps each possible state at the range's
 * first byte to the state at its end, running three machines at once over the quote characters
 * only (found by memchr), so every range's transfer is worked out in parallel; composing them
 * from the file's start (OUT) gives the exact state at every boundary. A range then starts at the
 * first record that begins after its boundary byte (`recordStart`). It stops where the next range
 * starts, but does not wait for the pre-pass of its own bytes to know where: its scanner runs the
 * same machine over the bytes it reads anyway (`RangeEnd`), from its first record, which is
 * outside quotes, and the next range's start composes the pre-pass from the file's start to the
 * same state. Both compute the offset by the same function, and the scanner checks that its last
 * record really ends there. So the first range waits for nothing, and range k for the chunks
 * before it only. Pure: file access comes in as a `read` function.
 */
import { searchable, type ReadFn } from './file-bytes.js';

/** Outside quotes. */
export const OUT = 0;
/** Inside a quoted field. */
export const IN = 1;
/** Inside a quoted field, at the second quote of a `""` escape. */
export const IN_SKIP = 2;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Where the first field of the file begins: 3 after a UTF-8 BOM, else 0. */
export function firstFieldAt(read: ReadFn): number {
  const b = new Uint8Array(3);
  const got = read(b, 0, 3, 0);
  return got === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
}

const CHUNK = 64 << 10;

/**
 * Reads bytes [lo, hi) of the file into `raw` (lo = pos-1 when pos > 0, so that the quote
 * machines have the byte before pos); `got` < hi-lo when the file is shorter than planned.
 */
function fillWindow(read: ReadFn, raw: Uint8Array, pos: number, size: number): { lo: number; hi: number; got: number } {
  const lo = pos > 0 ? pos - 1 : 0;
  const hi = Math.min(size, pos + CHUNK + 1);
  let got = 0;
  while (lo + got < hi) {
    const n = read(raw, got, hi - lo - got, lo + got);
    if (n <= 0) break;
    got += n;
  }
  return { lo, hi, got };
}

/** Whether a quote whose previous byte is `prev` (at file byte `at`) opens a quoted field: only at a field's start. */
function opensField(prev: number, at: number, fieldAt: number, sep: number): boolean {
  return at === fieldAt || at === 0 || prev === sep || prev === LF || prev === CR;
}

/**
 * Quote machines run over the quote characters of bytes [a, stop) of a file, fed in order from
 * whatever buffers hold them (the pre-pass's reads, or a range scanner's own buffer): machine m
 * enters at a in state `entry[m]`, and `states()` is each one's state at `stop`. One rule for
 * the pre-pass and for a range's own end, so both find the same record start.
 */
export class QuoteMachines {
  /** The next file byte to take: quotes before it are done. */
  at: number;
  private readonly q: number[];
  private readonly skip: number[]; // quotes before skip[m] are already taken by machine m
  private prev: number; // the byte at at-1 (its value when at-1 is no longer in a buffer)

  /** `prev`: the byte before a (any value when a is the file's first byte or its first field). */
  constructor(
    entry: readonly number[],
    a: number,
    readonly stop: number,
    private readonly sep: number,
    private readonly fieldAt: number,
    prev: number,
  ) {
    this.at = a;
    this.q = entry.map((k) => (k === OUT ? 0 : 1));
    this.skip = entry.map((k) => (k === IN_SKIP ? a + 1 : a));
    this.prev = prev;
  }

  /**
   * Takes the quotes in `buf` (buf[k] is file byte base+k for k < lim, `find` a searchable view
   * of it) from `at` up to stop; base <= at. With `more`, bytes after lim may follow, and a quote
   * at lim-1 whose meaning depends on the next byte waits for them. True once at reaches stop.
   */
  feed(buf: Uint8Array, find: Uint8Array, base: number, lim: number, more: boolean): boolean {
    const q = this.q;
    const skip = this.skip;
    const end = Math.min(this.stop - base, lim); // quotes at buffer indices [at-base, end)
    let k = find.indexOf(QUOTE, this.at - base);
    while (k >= 0 && k < end) {
      const x = base + k;
      if (k + 1 >= lim && more) {
        this.advance(buf, base, x);
        return false; // the next byte decides whether this quote is an escape: wait for it
      }
      const prev = k > 0 ? (buf[k - 1] as number) : this.prev;
      for (let m = 0; m < q.length; m++) {
        if (x < (skip[m] as number)) continue;
        if (q[m] === 1) {
          if (k + 1 < lim && buf[k + 1] === QUOTE) skip[m] = x + 2;
          else q[m] = 0;
        } else if (opensField(prev, x, this.fieldAt, this.sep)) {
          q[m] = 1;
        }
      }
      k = find.indexOf(QUOTE, k + 1);
    }
    this.advance(buf, base, base + end);
    return this.at >= this.stop;
  }

  /** Moves `at` forward to file byte `to` (<= base+lim), keeping the byte before it. */
  private advance(buf: Uint8Array, base: number, to: number): void {
    if (to <= this.at) return;
    this.at = to;
    this.prev = buf[to - base - 1] as number;
  }

  /** Feeds the rest up to stop from the file itself (a few bytes when a scanner fed the rest); false if the file ends first. */
  finish(read: ReadFn, size: number): boolean {
    if (this.at >= this.stop) return true;
    const raw = new Uint8Array(CHUNK + 2);
    const buf = searchable(raw);
    for (;;) {
      const pos = this.at;
      const { lo, hi, got } = fillWindow(read, raw, pos, size);
      const whole = got === hi - lo;
      if (this.feed(raw, buf, lo, got, whole && hi < size)) return true;
      if (!whole || this.at <= pos) return false; // the file is shorter than planned: the reader will say so
    }
  }

  /** Each machine's state at stop (once fed up to it). */
  states(): number[] {
    return this.q.map((s, m) => ((this.skip[m] as number) > this.stop ? IN_SKIP : s === 1 ? IN : OUT));
  }
}

/**
 * The quote-state transfer of bytes [a, b) of a file of `size` bytes: element k is the state at
 * b when the state at a is k (OUT, IN, IN_SKIP).
 */
export function quoteTransfer(read: ReadFn, a: number, b: number, size: number, sep: number, fieldAt: number): number[] {
  const m = new QuoteMachines([OUT, IN, IN_SKIP], a, b, sep, fieldAt, -1);
  m.finish(read, size);
  return m.states();
}

/**
 * The first record start after byte x, given the quote state at x: one past the first LF
 * outside quotes at or after x (`size` when there is none).
 */
export function recordStart(read: ReadFn, x: number, state: number, size: number, sep: number, fieldAt: number): number {
  let inq = state !== OUT;
  let skipTo = state === IN_SKIP ? x + 1 : x;
  const raw = new Uint8Array(CHUNK + 2);
  const buf = searchable(raw);
  for (let pos = x; pos < size; pos += CHUNK) {
    const { lo, hi, got } = fillWindow(read, raw, pos, size);
    const stop = Math.min(size, pos + CHUNK) - lo;
    let k = Math.max(pos, skipTo) - lo;
    let nl = -1; // the next LF at or after k, once looked for
    while (k < stop) {
      if (inq) {
        const c = buf.indexOf(QUOTE, k);
        if (c < 0 || c >= stop) break;
        if (c + 1 < got && raw[c + 1] === QUOTE) k = c + 2;
        else {
          inq = false;
          k = c + 1;
        }
        continue;
      }
      if (nl < k) {
        nl = buf.indexOf(LF, k);
        if (nl < 0 || nl >= stop) nl = stop;
      }
      const lf = nl;
      const c = buf.indexOf(QUOTE, k);
      if (c < 0 || c >= lf) {
        if (lf < stop) return lo + lf + 1;
        break;
      }
      const at = lo + c;
      if (opensField(raw[c - 1] as number, at, fieldAt, sep)) inq = true;
      k = c + 1;
    }
    skipTo = lo + k;
    if (got < hi - lo) break;
  }
  return size;
}

/**
 * Where a range that is not the file's last stops: the first record start after byte end-1 (its
 * planned last byte), by the quote state there. The range's scanner works that state out from its
 * own bytes as it reads them (`machines`, entered at the range's first record, outside quotes), so
 * the range needs no pre-pass over its own bytes; the next range gets the same state from the
 * pre-pass (the same machines over the same bytes), so both find the same record start.
 */
export class RangeEnd {
  readonly machines: QuoteMachines;
  constructor(
    /** The planned end: the range stops at the first record start at or after it. */
    readonly end: number,
    from: number,
    private readonly size: number,
    private readonly sep: number,
    private readonly fieldAt: number,
  ) {
    // `from` is a record start: one past a line end (or the file's first byte).
    this.machines = new QuoteMachines([OUT], from, end - 1, sep, fieldAt, LF);
  }
  /** The record start this range stops at, once the scanner fed the machines its bytes (the rest is read here). */
  stop(read: ReadFn): number {
    this.machines.finish(read, this.size);
    return recordStart(read, this.end - 1, this.machines.states()[0] as number, this.size, this.sep, this.fieldAt);
  }
}

/**
 * Where a range of planned bytes [start, end) of a file reads: from its first record start, up
 * to a record start (the file's end for its last range) or a RangeEnd that its scanner resolves.
 * `transfers` are the pre-pass chunks' before the range: chunk k covers [b_k, b_{k+1}), b_k being
 * the byte before range k's planned start (b_0 = 0).
 */
export function rangeBounds(read: ReadFn, start: number, end: number, size: number, sep: number, transfers: number[][]): [number, number | RangeEnd] {
  if (start === 0 && end >= size) return [0, size];
  const fieldAt = firstFieldAt(read);
  let state = OUT;
  for (const t of transfers) state = t[state] as number;
  const from = start === 0 ? 0 : recordStart(read, start - 1, state, size, sep, fieldAt);
  if (end >= size) return [from, size];
  // No record starts in [start, end): the range is empty, and the next one starts where it does.
  return [from, from >= end ? from : new RangeEnd(end, from, size, sep, fieldAt)];
}
