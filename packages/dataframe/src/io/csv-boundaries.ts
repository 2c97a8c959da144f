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
 * A pre-pass task per range (`quoteTransfer`) maps each possible state at the range's first byte
 * to the state at its end, running three machines at once over the quote characters only (found
 * by memchr), so every range's transfer is worked out in parallel; composing them from the
 * file's start (OUT) gives the exact state at every boundary. A range then starts at the first
 * record that begins after its boundary byte (`recordStart`), and stops where the next range
 * starts: both ranges compute that offset by the same function, and the scanner checks that its
 * last record really ends there. Pure: file access comes in as a `read` function.
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
 * Reads the window for the block at `pos` into `raw`: from byte lo = pos-1 (when pos > 0, so
 * every quote in [pos, pos+CHUNK) has its neighbours here) up to hi; `got` < hi-lo when the
 * file is shorter than planned (the reader says so).
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

/** Whether the quote at buffer index k (file byte `at`) opens a quoted field: only at a field's start. */
function opensField(raw: Uint8Array, k: number, at: number, fieldAt: number, sep: number): boolean {
  return at === fieldAt || at === 0 || raw[k - 1] === sep || raw[k - 1] === LF || raw[k - 1] === CR;
}

/**
 * The quote-state transfer of bytes [a, b) of a file of `size` bytes: element k is the state at
 * b when the state at a is k (OUT, IN, IN_SKIP).
 */
export function quoteTransfer(read: ReadFn, a: number, b: number, size: number, sep: number, fieldAt: number): number[] {
  const q = [0, 1, 1];
  const skip = [a, a, a + 1]; // quotes before skip[k] are already taken by machine k
  const raw = new Uint8Array(CHUNK + 2);
  const buf = searchable(raw);
  for (let pos = a; pos < b; pos += CHUNK) {
    const { lo, hi, got } = fillWindow(read, raw, pos, size);
    const stop = Math.min(b, pos + CHUNK) - lo; // quotes at buffer indices [pos-lo, stop)
    let k = buf.indexOf(QUOTE, pos - lo);
    while (k >= 0 && k < stop) {
      const x = lo + k;
      for (let m = 0; m < 3; m++) {
        if (x < (skip[m] as number)) continue;
        if (q[m] === 1) {
          if (k + 1 < got && raw[k + 1] === QUOTE) skip[m] = x + 2;
          else q[m] = 0;
        } else if (opensField(raw, k, x, fieldAt, sep)) {
          q[m] = 1;
        }
      }
      k = buf.indexOf(QUOTE, k + 1);
    }
    if (got < hi - lo) break; // the file is shorter than planned: the reader will say so
  }
  return q.map((s, m) => ((skip[m] as number) > b ? IN_SKIP : s === 1 ? IN : OUT));
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
      if (opensField(raw, c, at, fieldAt, sep)) inq = true;
      k = c + 1;
    }
    skipTo = lo + k;
    if (got < hi - lo) break;
  }
  return size;
}

/**
 * The record starts [from, to) that a range of planned bytes [start, end) of a file reads, from
 * the transfers of the pre-pass chunks before it: chunk k ends at the byte before range k+1's
 * planned start; a range that is not the file's last has one transfer more (its own chunk), for
 * its end.
 */
export function rangeBounds(read: ReadFn, start: number, end: number, size: number, sep: number, transfers: number[][]): [number, number] {
  if (start === 0 && end >= size) return [0, size];
  const fieldAt = firstFieldAt(read);
  const states = [OUT];
  for (const t of transfers) states.push(t[states[states.length - 1] as number] as number);
  const last = end >= size;
  const r = last ? transfers.length : transfers.length - 1;
  const from = start === 0 ? 0 : recordStart(read, start - 1, states[r] as number, size, sep, fieldAt);
  const to = last ? size : recordStart(read, end - 1, states[r + 1] as number, size, sep, fieldAt);
  return [from, to]; // to < from cannot happen with true states; the scanner would report it
}
