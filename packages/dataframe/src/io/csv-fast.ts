/**
 * The scanner's fast path: records in a stretch of the buffer that holds no quote character,
 * split and converted in one walk over their bytes. Unwanted fields are skipped byte by byte
 * without being looked at twice; numbers accumulate their digits as the walk passes them;
 * strings are hashed as they pass and interned by those bytes; dates and timestamps are
 * read from their digits. Values go straight into the column builders' arrays at row `n`.
 *
 * Whatever is not plain (a field count that differs from the header, a number that is not
 * plain decimal, a value the general path would reject or treat specially, a record that
 * reaches the end of the stretch) stops the walk at that record's start, and the caller hands
 * that one record to the general path (csv-records.ts), which gives every such case its exact
 * meaning. So the fast path only ever produces what the general path would have produced.
 */
import type { ByteInterner } from './byte-interner.js';
import { FNV_PRIME, FNV_SEED } from './byte-interner.js';
import { parseDateBytes as fastDateMs } from '../kernels/parse-date.js';

const LF = 10;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** What the fast path does with a file column. */
export const F_SKIP = 0;
/** float64: plain decimal into a Float64Array. */
export const F_FLOAT = 1;
/** int64: an integer into a Float64Array. */
export const F_INT = 2;
/** int32: an integer into an Int32Array. */
export const F_INT32 = 3;
/** utf8: interned bytes, the code into an Int32Array. */
export const F_UTF8 = 4;
/** timestamp: ISO date-time into a Float64Array (ms). */
export const F_TIMESTAMP = 5;
/** date: ISO date into an Int32Array (days). */
export const F_DATE = 6;
/** Anything else (bool): the record goes to the general path. */
export const F_GENERAL = 7;

/** Outcomes of scanPlain, in io[0]. */
export const PLAIN_MORE = 0; // the stretch ended inside the record at io[1]
export const PLAIN_DONE = 1; // the record at io[1] begins at or after stopAt
export const PLAIN_GENERAL = 2; // the record at io[1] needs the general path
export const PLAIN_FULL = 3; // the builders are full (row capacity reached)

/** True on little-endian platforms (all that Node and browsers run on in practice). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const NO_WORDS = new Int32Array(0);

/**
 * The bytes of b as 32-bit words for scanPlain (empty when b's offset or length is not a
 * multiple of 4, or the platform is big-endian: the scanner then uses its general path only).
 */
export function wordsOf(b: Uint8Array): Int32Array {
  if (!LITTLE_ENDIAN || b.byteOffset % 4 !== 0 || b.length % 4 !== 0) return NO_WORDS;
  return new Int32Array(b.buffer, b.byteOffset, b.length >> 2);
}

/**
 * Flags (bit 7 of each byte) the bytes of word v that equal sep, LF or CR (only sep and LF when
 * the caller knows the stretch holds no CR), exactly: for
 * x = v ^ pattern, ~(((x & 0x7f..7f) + 0x7f..7f) | x | 0x7f..7f) flags the zero bytes of x
 * (no carry crosses a byte, so no false flags).
 */
function delimiterFlags(v: number, sep4: number, crFree: boolean): number {
  const x1 = v ^ sep4;
  const x2 = v ^ 0x0a0a0a0a;
  const z1 = ~(((x1 & 0x7f7f7f7f) + 0x7f7f7f7f) | 0 | x1 | 0x7f7f7f7f);
  const z2 = ~(((x2 & 0x7f7f7f7f) + 0x7f7f7f7f) | 0 | x2 | 0x7f7f7f7f);
  if (crFree) return z1 | z2;
  const x3 = v ^ 0x0d0d0d0d;
  const z3 = ~(((x3 & 0x7f7f7f7f) + 0x7f7f7f7f) | 0 | x3 | 0x7f7f7f7f);
  return z1 | z2 | z3;
}

/** The delimiter flags of word i: from the masks, or worked out from the bytes. */
function flagsAt(w: Int32Array, mk: Int32Array, masked: boolean, i: number, sep4: number, crFree: boolean): number {
  return masked ? (mk[i] as number) : delimiterFlags(w[i] as number, sep4, crFree);
}

/**
 * The delimiter flags of word i of a walk whose bytes end in word wend (of which only the bits
 * of tailMask count): 0 past them. Both compares run on every call, so that the optimized walk
 * has type feedback for the last word from its first call on: a branch first taken at the end
 * of the bytes deoptimized scanPlain in the middle of the first range of a query, each time.
 */
export function wordFlags(w: Int32Array, mk: Int32Array, masked: boolean, i: number, wend: number, tailMask: number, sep4: number, crFree: boolean): number {
  const keep = (i < wend ? -1 : 0) | (i === wend ? tailMask : 0);
  return keep === 0 ? 0 : flagsAt(w, mk, masked, i, sep4, crFree) & keep;
}

/** True when bytes [s, e) equal one of the null markers. */
function isNullMarker(b: Uint8Array, s: number, e: number, markers: Uint8Array[]): boolean {
  const len = e - s;
  outer: for (const nb of markers) {
    if (nb.length !== len) continue;
    for (let k = 0; k < len; k++) if (nb[k] !== b[s + k]) continue outer;
    return true;
  }
  return false;
}

/** The per-range constants of the fast path. */
export interface PlainPlan {
  sep: number;
  ncols: number;
  /** Per file column: F_SKIP ... F_GENERAL. */
  kind: Uint8Array;
  /** Per file column: its output slot (-1 when not wanted). */
  slot: Int32Array;
  /** Null markers, and a table of their first bytes. */
  markers: Uint8Array[];
  /** Per first byte: bit min(length, 30) set for each marker of that length (see csv-scan.ts). */
  nullFirst: Int32Array;
  /** True when an empty field is null. */
  emptyIsNull: boolean;
  interners: (ByteInterner | undefined)[];
  /** Slash dates are D/M/YYYY, not M/D/YYYY. */
  dayFirst: boolean;
}

/** Per slot: the builders' current arrays (an empty array where the slot uses the other kind). */
export interface PlainTargets {
  f64: Float64Array[];
  i32: Int32Array[];
  valid: Uint8Array[];
  /** Nulls written per slot (added to the builders' counts by the caller). */
  nulls: Int32Array;
  /** Scratch: the slots of the current row that are null (one per slot). */
  pend: Int32Array;
}

const NO_F64 = new Float64Array(0);
const NO_I32 = new Int32Array(0);
export { NO_F64, NO_I32 };

export const STORE_OK = 1;
export const STORE_NULL = 2;
export const STORE_FAILED = 0;

/**
 * Converts field [s, e) of kind k into row n of slot `slot`: STORE_OK, STORE_NULL (a null
 * marker or an empty field), or STORE_FAILED (the general path must read it).
 */
export function storeField(b: Uint8Array, s: number, e: number, k: number, slot: number, n: number, plan: PlainPlan, out: PlainTargets): number {
  // A blank line in a one-column file is no row, not one empty field: the general path skips it.
  // (Empty fields never take scanPlain's inline cases, so every one comes here.)
  if (e === s && plan.ncols === 1) return STORE_FAILED;
  if (e === s ? plan.emptyIsNull : plan.nullFirst[b[s] as number] !== 0 && isNullMarker(b, s, e, plan.markers)) {
    // The whole row written (a builder's arrays are reused unzeroed from batch to batch).
    (out.valid[slot] as Uint8Array)[n] = 0;
    const fa = out.f64[slot] as Float64Array;
    if (fa.length > n) fa[n] = 0;
    const ia = out.i32[slot] as Int32Array;
    if (ia.length > n) ia[n] = 0;
    return STORE_NULL;
  }
  let x = 0;
  if (k === F_UTF8) {
    let h = FNV_SEED;
    for (let j = s; j < e; j++) h = Math.imul(h ^ (b[j] as number), FNV_PRIME);
    (out.i32[slot] as Int32Array)[n] = (plan.interners[slot] as ByteInterner).internHashed(b, s, e, h);
    (out.valid[slot] as Uint8Array)[n] = 1;
    return STORE_OK;
  }
  if (k === F_TIMESTAMP || k === F_DATE) {
    x = fastDateMs(b, s, e, plan.dayFirst);
    if (x !== x) return STORE_FAILED;
    if (k === F_DATE) (out.i32[slot] as Int32Array)[n] = Math.floor(x / 86_400_000);
    else (out.f64[slot] as Float64Array)[n] = x;
    (out.valid[slot] as Uint8Array)[n] = 1;
    return STORE_OK;
  }
  if (k === F_GENERAL) return STORE_FAILED;
  // Plain decimal: [-]digits[.digits], at most 15 digits (then exact, as Number).
  let j = s;
  let neg = false;
  if (b[j] === 45) {
    neg = true;
    j++;
  }
  let v = 0;
  let digits = 0;
  let dot = -1;
  for (; j < e; j++) {
    const d = (b[j] as number) - 48;
    if (d >= 0 && d <= 9) {
      v = v * 10 + d;
      digits++;
    } else if (d === -2 && dot < 0 && k === F_FLOAT) {
      dot = j;
    } else {
      // Anything else, pandas' 'inf' spellings included, goes to the general path: a branch for
      // them here made this function too large to inline, and the mean-delay query 5% slower.
      return STORE_FAILED;
    }
  }
  const scale = dot < 0 ? 0 : e - dot - 1;
  if (digits === 0 || digits > 15 || (dot >= 0 && scale === 0)) return STORE_FAILED;
  x = scale === 0 ? v : v / (POW10[scale] as number);
  if (neg) x = -x;
  if (k === F_INT32) (out.i32[slot] as Int32Array)[n] = x;
  else (out.f64[slot] as Float64Array)[n] = x;
  (out.valid[slot] as Uint8Array)[n] = 1;
  return STORE_OK;
}

/**
 * Splits and converts plain records from p0 (w: the bytes of b as little-endian words, see
 * wordsOf, never empty here; mk: when not empty, b's delimiter masks from delimiter-masks.ts,
 * used instead of w) while they lie before `lim` (the end of the bytes read, or the
 * next quote character, whichever is first) and begin before `stopAt` (crFree: no CR byte lies
 * in [p0, lim), so the walk looks for separators and LF only),
 * writing rows n0, n0+1, ... up to `cap`. Returns the outcome (PLAIN_*); io = [unused, where
 * the first record not taken begins, rows written up to].
 */
export function scanPlain(
  b: Uint8Array,
  w: Int32Array,
  mk: Int32Array,
  p0: number,
  lim: number,
  stopAt: number,
  n0: number,
  cap: number,
  crFree: boolean,
  plan: PlainPlan,
  out: PlainTargets,
  io: Int32Array,
): number {
  const sep = plan.sep;
  const ncols = plan.ncols;
  const kind = plan.kind;
  const slotOf = plan.slot;
  const nulls = out.nulls;
  const pend = out.pend;
  const nullFirst = plan.nullFirst;
  const interners = plan.interners;
  const f64 = out.f64;
  const i32 = out.i32;
  const valid = out.valid;
  const sep4 = Math.imul(sep, 0x01010101);
  const last = ncols - 1;
  // Delimiter flags come by word: from mk (one bit per byte, 32 bytes a word) when it is given,
  // else worked out from w (bit 7 of each byte, 4 bytes a word). sh: log2 of bytes per word.
  const masked = mk.length > 0;
  const sh = masked ? 5 : 2;
  // Words wholly before lim; the word holding lim, if any, has its bytes from lim on masked off.
  const wend = lim >> sh;
  const tailBits = masked ? lim & 31 : (lim & 3) << 3;
  const tailMask = ~(-1 << tailBits); // (0 when tailBits is 0, with no branch to lack feedback)
  // The last word with bytes before lim.
  const wmax = tailMask !== 0 ? wend : wend - 1;
  let p = p0;
  let n = n0;
  let outcome = PLAIN_DONE;
  // Where things stand is written as it changes, and the outcome returned: a store after the
  // loop would run first in optimized (on-stack-replaced) code without type feedback, and
  // deoptimize the function on every call.
  io[1] = p;
  io[2] = n;
  // The delimiter flags of word i not yet consumed.
  let i = p >> sh;
  let m = wordFlags(w, mk, masked, i, wend, tailMask, sep4, crFree);
  m &= -1 << (masked ? p & 31 : (p & 3) << 3);
  rows: for (;;) {
    if (p >= stopAt) {
      outcome = PLAIN_DONE;
      break;
    }
    if (n >= cap) {
      outcome = PLAIN_FULL;
      break;
    }
    let np = 0; // nulls of this row, in pend[0..np)
    let s = p; // the current field's first byte
    for (let f = 0; ; f++) {
      // The next delimiter.
      while (m === 0) {
        i++;
        if (i > wmax) {
          outcome = PLAIN_MORE;
          break rows;
        }
        m = wordFlags(w, mk, masked, i, wend, tailMask, sep4, crFree);
      }
      const bit = 31 - Math.clz32(m & ((0 - m) | 0));
      const e = (i << sh) + (masked ? bit : bit >> 3);
      m &= (m - 1) | 0;
      const k = kind[f] as number;
      if (k !== F_SKIP) {
        const slot = slotOf[f] as number;
        const nf = e > s ? (nullFirst[b[s] as number] as number) : 1;
        // (most first bytes start no marker: the length's bit is looked at only when one does)
        if ((nf === 0 || ((nf >> (e - s > 30 ? 30 : e - s)) & 1) === 0) && (k === F_INT || k === F_UTF8)) {
          // The common cases inline: an integer, a string.
          if (k === F_INT) {
            let j = s;
            const neg = b[j] === 45;
            if (neg) j++;
            let v = 0;
            const digits = e - j;
            for (; j < e; j++) {
              const d = (b[j] as number) - 48;
              if (d < 0 || d > 9) break;
              v = v * 10 + d;
            }
            if (j < e || digits === 0 || digits > 15) {
              outcome = PLAIN_GENERAL;
              break rows;
            }
            (f64[slot] as Float64Array)[n] = neg ? -v : v;
          } else if (e - s <= 4) {
            // Short strings (codes, categories): their bytes packed in one int.
            let v = 0;
            for (let j = s; j < e; j++) v |= (b[j] as number) << ((j - s) << 3);
            (i32[slot] as Int32Array)[n] = (interners[slot] as ByteInterner).internShort(b, s, e, v);
          } else {
            let h = FNV_SEED;
            for (let j = s; j < e; j++) h = Math.imul(h ^ (b[j] as number), FNV_PRIME);
            (i32[slot] as Int32Array)[n] = (interners[slot] as ByteInterner).internHashed(b, s, e, h);
          }
          (valid[slot] as Uint8Array)[n] = 1;
        } else {
          const r = storeField(b, s, e, k, slot, n, plan, out);
          if (r === STORE_FAILED) {
            outcome = PLAIN_GENERAL;
            break rows;
          }
          if (r === STORE_NULL) pend[np++] = slot;
        }
      }
      const c = b[e] as number;
      if (c === sep) {
        if (f === last) {
          outcome = PLAIN_GENERAL; // too many fields
          break rows;
        }
        s = e + 1;
        continue;
      }
      if (f !== last) {
        outcome = PLAIN_GENERAL; // too few fields (or a blank line)
        break rows;
      }
      if (c === LF) {
        p = e + 1;
      } else if (e + 1 >= lim) {
        outcome = PLAIN_MORE; // CR at the end of the bytes: is LF next?
        break rows;
      } else if (b[e + 1] === LF) {
        p = e + 2;
        // Flags again from p (the LF's own flag may be in this word or the next).
        i = p >> sh;
        m = wordFlags(w, mk, masked, i, wend, tailMask, sep4, crFree);
        m &= -1 << (masked ? p & 31 : (p & 3) << 3);
      } else {
        outcome = PLAIN_GENERAL; // a lone CR
        break rows;
      }
      break;
    }
    for (let j = 0; j < np; j++) nulls[pend[j] as number]++;
    n++;
    io[1] = p;
    io[2] = n;
  }
  return outcome;
}

/** Row n as the builders expect an unwritten row (value 0, valid 0), after scanPlain stopped inside it. */
export function clearRow(out: PlainTargets, n: number): void {
  for (let j = 0; j < out.valid.length; j++) {
    const ok = out.valid[j] as Uint8Array;
    if (ok.length > n) ok[n] = 0;
    const fa = out.f64[j] as Float64Array;
    if (fa.length > n) fa[n] = 0;
    const ia = out.i32[j] as Int32Array;
    if (ia.length > n) ia[n] = 0;
  }
}
