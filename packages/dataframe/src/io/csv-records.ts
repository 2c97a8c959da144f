/**
 * The record-level loops of the CSV scanner, kept apart and at module level so that V8
 * optimizes them once per worker: split a record (RFC 4180 quotes, "" escapes, CRLF), convert
 * its plain fields, and run through as many simple records as the buffer holds.
 */
import type { ColumnBuilder } from './csv-columns.js';
import type { ByteInterner } from './byte-interner.js';

export const QUOTE = 34;
export const LF = 10;
export const CR = 13;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Parses a number from bytes when it is plain decimal (exactly as Number would); NaN otherwise. */
export function fastNumber(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (i < e && buf[i] === 45) {
    neg = true;
    i++;
  }
  let v = 0;
  let digits = 0;
  let scale = 0;
  while (i < e) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    digits++;
    i++;
  }
  if (i < e && buf[i] === 46) {
    i++;
    while (i < e) {
      const d = (buf[i] as number) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      digits++;
      scale++;
      i++;
    }
  }
  if (i !== e || digits === 0 || digits > 15) return NaN;
  const x = scale === 0 ? v : v / (POW10[scale] as number);
  return neg ? -x : x;
}

/**
 * Splits one record starting at `p`: returns its end (after the newline), or -1 when the
 * buffer ends first and more bytes may follow. Wanted fields' bounds go to fs/fe/fk by output
 * slot (kind 0 plain, 1 quoted, 2 quoted with "" escapes); st = [fields, first field empty,
 * error (0 none, 1 unterminated quote, 2 text after a closing quote)]. Module-level and
 * monomorphic so that it is optimized once per worker.
 */
export function scanRecord(
  b: Uint8Array,
  p0: number,
  l: number,
  atEof: boolean,
  sep: number,
  slotOf: Int32Array,
  ncols: number,
  fs: Int32Array,
  fe: Int32Array,
  fk: Uint8Array,
  st: Int32Array,
): number {
  let p = p0;
  let f = 0;
  st[1] = 0;
  st[2] = 0;
  for (;;) {
    let s = p;
    let e = p;
    let kind = 0;
    if (p < l && b[p] === QUOTE) {
      kind = 1;
      p++;
      s = p;
      for (;;) {
        const q = b.indexOf(QUOTE, p);
        if (q < 0 || q >= l) {
          if (!atEof) return -1;
          st[2] = 1;
          e = l;
          p = l;
          break;
        }
        if (q + 1 >= l && !atEof) return -1;
        if (b[q + 1] === QUOTE) {
          kind = 2;
          p = q + 2;
          continue;
        }
        e = q;
        p = q + 1;
        break;
      }
      if (p < l && b[p] !== sep && b[p] !== LF && b[p] !== CR) {
        st[2] = 2;
        while (p < l && b[p] !== sep && b[p] !== LF && b[p] !== CR) p++;
        if (p >= l && !atEof) return -1;
      }
    } else {
      // Most bytes are above every delimiter: one comparison for them.
      const top = sep > CR ? sep : CR;
      while (p < l) {
        const c = b[p] as number;
        if (c > top) {
          p++;
          continue;
        }
        if (c === sep || c === LF || c === CR) break;
        p++;
      }
      if (p >= l && !atEof) return -1;
      e = p;
    }
    if (f < ncols) {
      const slot = slotOf[f] as number;
      if (slot >= 0) {
        fs[slot] = s;
        fe[slot] = e;
        fk[slot] = kind;
      }
      if (f === 0 && e === s && kind === 0) st[1] = 1;
    }
    f++;
    if (p >= l) {
      st[0] = f;
      return p;
    }
    const c = b[p];
    if (c === sep) {
      p++;
      continue;
    }
    if (c === CR) {
      if (p + 1 >= l && !atEof) return -1;
      p += b[p + 1] === LF ? 2 : 1;
    } else p++;
    st[0] = f;
    return p;
  }
}

/**
 * Converts the wanted fields of one record that need no special handling (numbers in plain
 * decimal, strings without escapes, missing fields); the others' slots go to `slow`, and
 * their count is returned.
 */
export function fastFields(
  b: Uint8Array,
  nf: number,
  want: number[],
  fs: Int32Array,
  fe: Int32Array,
  fk: Uint8Array,
  kinds: Uint8Array,
  nullFirst: Int32Array,
  emptyIsNull: boolean,
  builders: ColumnBuilder[],
  interners: (ByteInterner | undefined)[],
  slow: Int32Array,
): number {
  let nslow = 0;
  for (let j = 0; j < want.length; j++) {
    const builder = builders[j] as ColumnBuilder;
    if ((want[j] as number) >= nf) {
      builder.pushNull();
      continue;
    }
    const s = fs[j] as number;
    const e = fe[j] as number;
    if (fk[j] === 2 || (e === s ? !emptyIsNull : (((nullFirst[b[s] as number] as number) >> (e - s > 30 ? 30 : e - s)) & 1) === 1)) {
      slow[nslow++] = j;
      continue;
    }
    if (e === s) {
      builder.pushNull();
      continue;
    }
    const k = kinds[j];
    if (k === 1) {
      builder.pushRaw((interners[j] as ByteInterner).intern(b, s, e));
      continue;
    }
    if (k === 0 || k === 3) {
      const x = fastNumber(b, s, e);
      if (x === x && (k === 0 || Number.isInteger(x))) {
        builder.pushRaw(x);
        continue;
      }
    }
    slow[nslow++] = j;
  }
  return nslow;
}

/**
 * Splits and converts records from `p` while they are simple, without returning to the
 * caller per record. io[0]: 0 when the buffer ends first (io[1] = where the unfinished record
 * starts), 1 when no record begins before stopAt (io[1] = where the next one begins), 2 when the record [io[1], io[2]) needs the caller: a
 * malformed record (io[3] = 0) or io[3] fields left for the slow path.
 */
export function scanBatch(
  b: Uint8Array,
  p0: number,
  l: number,
  atEof: boolean,
  stopAt: number,
  sep: number,
  slotOf: Int32Array,
  ncols: number,
  fs: Int32Array,
  fe: Int32Array,
  fk: Uint8Array,
  st: Int32Array,
  want: number[],
  kinds: Uint8Array,
  nullFirst: Int32Array,
  emptyIsNull: boolean,
  builders: ColumnBuilder[],
  interners: (ByteInterner | undefined)[],
  slow: Int32Array,
  io: Int32Array,
): void {
  let p = p0;
  for (;;) {
    if (p >= stopAt || (p >= l && atEof)) {
      io[0] = 1;
      io[1] = p;
      return;
    }
    const r = p >= l ? -1 : scanRecord(b, p, l, atEof, sep, slotOf, ncols, fs, fe, fk, st);
    if (r < 0) {
      io[0] = 0;
      io[1] = p;
      return;
    }
    const nf = st[0] as number;
    if (nf === 1 && st[1] === 1) {
      p = r; // blank line
      continue;
    }
    const nslow = st[2] !== 0 || nf > ncols ? 0 : fastFields(b, nf, want, fs, fe, fk, kinds, nullFirst, emptyIsNull, builders, interners, slow);
    if (st[2] !== 0 || nf > ncols || nslow > 0) {
      io[0] = 2;
      io[1] = p;
      io[2] = r;
      io[3] = nslow;
      return;
    }
    p = r;
  }
}
