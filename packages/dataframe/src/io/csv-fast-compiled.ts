/**
 * The fast path of csv-fast.ts compiled for one column layout: the walk of scanPlain with its
 * loop over fields unrolled, one block per file column, each block written for that column's
 * kind. A skipped column is a pop of its delimiter and a check of the byte there; a wanted
 * one converts its bytes straight into its own builder array (held in a local, not looked up
 * per row). Nothing about a field is decided per row that the layout already fixed, which
 * the generic walk decides per field per row (its kind, its slot, where its array is).
 *
 * The blocks are the statements of scanPlain, in its order, with the kind and slot as
 * constants: each record comes out as scanPlain would write it, and stops (PLAIN_*) where it
 * would stop. Functions are cached per layout (a worker compiles each once); where code
 * cannot be compiled (`Function` forbidden), or a file has very many columns, or it is
 * switched off (tests), scanPlain itself runs.
 *
 * A new walk first runs over a few synthetic records (`seed`, into throwaway arrays and
 * interners) that take each of its rare branches once: a null, a marker, a negative number, a
 * long string, CRLF. Without that, V8 optimizes the walk on the file's first plain records, and
 * the first rare field (flights-3m's first range: a 4-character negative delay after 515k rows)
 * deoptimizes it ("insufficient type feedback") for a second optimization while the range runs
 * unoptimized: about 50 ms of the first range's CPU.
 */
import { ByteInterner, FNV_PRIME, FNV_SEED } from './byte-interner.js';
import {
  F_DATE,
  F_INT,
  F_SKIP,
  F_TIMESTAMP,
  F_UTF8,
  NO_I32,
  PLAIN_DONE,
  PLAIN_FULL,
  PLAIN_GENERAL,
  PLAIN_MORE,
  STORE_FAILED,
  STORE_NULL,
  scanPlain,
  storeField,
  wordFlags,
  type PlainPlan,
  type PlainTargets,
  wordsOf,
} from './csv-fast.js';

/** The signature of scanPlain (and of each compiled walk). */
export type PlainScan = typeof scanPlain;

/** Layouts past this many columns use scanPlain (the compiled code grows with the columns). */
const MAX_COLUMNS = 256;

const cache = new Map<string, PlainScan>();
let enabled = true;

/** Switches the compiled walks off (scanPlain runs) or back on, in this thread. */
export function useCompiledScan(on: boolean): void {
  enabled = on;
}

/**
 * The walk for `plan`'s layout, compiled once per layout and delimiter source: `masked` for
 * calls that pass SIMD delimiter masks (mk), else for calls that pass none (flags from the
 * words); or scanPlain.
 */
export function plainScanFor(plan: PlainPlan, masked: boolean): PlainScan {
  if (!enabled || plan.ncols > MAX_COLUMNS) return scanPlain;
  const key = `${masked ? 'm' : 'w'}:${plan.sep}:${plan.kind.join(',')}:${plan.slot.join(',')}`;
  let fn = cache.get(key);
  if (fn === undefined) {
    const made = compile(plan, masked);
    if (made !== undefined) seed(made, plan, masked);
    fn = made ?? scanPlain;
    cache.set(key, fn);
  }
  return fn;
}

/** Rounds of the seed records: enough calls for V8 to have allocated the walk's feedback. */
const SEED_ROUNDS = 4;

/** Each wanted field's text in the seed records, by kind: plain, long, negative, empty. */
function seedText(k: number, r: number, marker: string): string {
  if (r === 4) return k === F_SKIP ? 'x' : marker;
  if (r === 3) return '';
  if (k === F_DATE || k === F_TIMESTAMP) return '2001-01-01';
  if (k === F_UTF8) return ['ab', 'abcdefgh', '-123'][r] as string;
  return k === F_SKIP ? 'x' : (['1', '12345', '-123'][r] as string);
}

/**
 * Runs a new walk once over records that take its rare branches (see the file's comment), with
 * the plan's shapes but throwaway interners and arrays. The results are dropped.
 */
function seed(fn: PlainScan, plan: PlainPlan, masked: boolean): void {
  const marker = plan.markers.find((m) => m.length > 0);
  const sep = String.fromCharCode(plan.sep);
  const records: string[] = [];
  for (let r = 0; r < (marker === undefined ? 4 : 5); r++) {
    const fields = Array.from(plan.kind, (k) => seedText(k, r, marker === undefined ? '' : new TextDecoder().decode(marker)));
    records.push(fields.join(sep) + (r === 1 ? '\r\n' : '\n'));
  }
  const slots = plan.slot.reduce((n, q) => Math.max(n, q + 1), 0);
  const interners = plan.interners.map((it) => (it === undefined ? undefined : new ByteInterner()));
  const seedPlan: PlainPlan = { ...plan, emptyIsNull: true, interners };
  const out: PlainTargets = {
    f64: Array.from({ length: slots }, () => new Float64Array(8)),
    i32: Array.from({ length: slots }, () => new Int32Array(8)),
    valid: Array.from({ length: slots }, () => new Uint8Array(8)),
    nulls: new Int32Array(slots),
    pend: new Int32Array(slots + 1),
  };
  const io = new Int32Array(3);
  // Each record is followed by the start of another, unfinished at the end of the bytes, which
  // end at byte 31 of a 32-byte word: the walk then works out the flags of a last word of 31
  // bytes, whose mask (2^31 - 1) is past the small integers a shorter one gives V8's feedback.
  const inputs = records
    .map((text) => {
      const head = new TextEncoder().encode(text);
      const lim = head.length | 31;
      const b = new Uint8Array(lim + 5).fill(120, head.length, lim); // 'x'
      b.set(head);
      return { b: b.subarray(0, lim + 1), lim, crFree: !text.includes('\r') };
    })
    .map(({ b, lim, crFree }) => ({ b, w: wordsOf(b), mk: masked ? masksOf(b.subarray(0, lim), plan.sep) : NO_I32, lim, crFree }));
  // V8 records type feedback only once a function has run a few times (lazy feedback
  // allocation, after 8 calls here): the records go round until that is well past.
  for (let round = 0; round < SEED_ROUNDS; round++) {
    for (const { b, w, mk, lim, crFree } of inputs) {
      try {
        fn(b, w, mk, 0, lim, lim, 0, 8, crFree, seedPlan, out, io);
      } catch {
        // A seed is only a warm-up: a walk that cannot take one still reads files right.
      }
    }
  }
}

/**
 * The flags of word i (as wordFlags(w, mk, masked, i, ...)): with masks, the mask word itself
 * (cut to the bytes before lim in the last word, none past it).
 */
function flags(masked: boolean): string {
  // One load site for every word, the last included (a branch first taken at the end of the
  // bytes would deoptimize the walk; see wordFlags).
  return masked
    ? `((kw = (i < wend ? -1 : 0) | (i === wend ? tailMask : 0)) === 0 ? 0 : mk[i] & kw)`
    : `wordFlags(w, mk, false, i, wend, tailMask, sep4, crFree)`;
}

/** The statements that pop the next delimiter into e (bit, e, m, i: the walk's state). */
function next(masked: boolean): string {
  return `
    while (m === 0) {
      i++;
      if (i > wmax) { outcome = ${PLAIN_MORE}; break rows; }
      m = ${flags(masked)};
    }
    bit = 31 - Math.clz32(m & ((0 - m) | 0));
    e = (i << ${masked ? 5 : 2}) + ${masked ? 'bit' : '(bit >> 3)'};
    m &= (m - 1) | 0;`;
}

/** A field of kind k into slot q through storeField (every case the inline ones leave). */
function stored(k: number, q: number): string {
  return `{
      const r = storeField(b, s, e, ${k}, ${q}, n, plan, out);
      if (r === ${STORE_FAILED}) { outcome = ${PLAIN_GENERAL}; break rows; }
      if (r === ${STORE_NULL}) pend[np++] = ${q};
    }`;
}

/**
 * The little-endian packing of the 1 to 4 bytes [s, e) into v: with masks, one 4-byte read (the
 * masked read buffer lies in WebAssembly memory with room after it, see delimiter-masks.ts) cut
 * to the field's bytes; else byte by byte.
 */
function packShort(masked: boolean): string {
  return masked
    ? `const v = dv.getInt32(s, true) & (-1 >>> (32 - ((e - s) << 3)));`
    : `let v = 0;
        for (let j = s; j < e; j++) v |= b[j] << ((j - s) << 3);`;
}

/**
 * The digits [j, e) of an integer into v, or the record to the general path. With masks, 1 to 4
 * digits at once (SWAR, one 4-byte read as packShort): each byte XOR '0' must be 0..9 (high
 * nibble 0, and no carry into it when 6 is added), the digits move to the top of the word, and
 * pairs then pairs of pairs combine (10 a + b, 100 ab + cd); more digits, or none, take the loop.
 */
function parseDigits(masked: boolean): string {
  const loop = `for (; j < e; j++) {
        const d = b[j] - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (j < e || digits === 0 || digits > 15) { outcome = ${PLAIN_GENERAL}; break rows; }`;
  if (!masked) return loop;
  return `if (digits >= 1 && digits <= 4) {
        let d = (dv.getInt32(j, true) ^ 0x30303030) & (-1 >>> (32 - (digits << 3)));
        if ((d & 0xf0f0f0f0) !== 0 || ((d + 0x06060606) & 0xf0f0f0f0) !== 0) { outcome = ${PLAIN_GENERAL}; break rows; }
        d <<= (4 - digits) << 3;
        d = (Math.imul(d, 10) + (d >>> 8)) & 0x00ff00ff;
        v = (Math.imul(d, 100) + (d >>> 16)) & 0x3fff;
      } else {
      ${loop}
      }`;
}

/** The block converting field [s, e) of kind k into slot q (scanPlain's cases, k fixed). */
function convert(k: number, q: number, masked: boolean): string {
  if (k !== F_INT && k !== F_UTF8) return stored(k, q);
  const inline =
    k === F_INT
      ? `let j = s;
      const neg = b[j] === 45;
      if (neg) j++;
      let v = 0;
      const digits = e - j;
      ${parseDigits(masked)}
      V${q}[n] = neg ? -v : v;`
      : `if (e - s <= 4) {
        ${packShort(masked)}
        V${q}[n] = I${q}.internShort(b, s, e, v);
      } else {
        let h = ${FNV_SEED};
        for (let j = s; j < e; j++) h = Math.imul(h ^ b[j], ${FNV_PRIME});
        V${q}[n] = I${q}.internHashed(b, s, e, h);
      }`;
  return `{
    const nf = e > s ? nullFirst[b[s]] : 1;
    if (nf === 0 || ((nf >> (e - s > 30 ? 30 : e - s)) & 1) === 0) {
      ${inline}
      OK${q}[n] = 1;
    } else ${stored(k, q)}
    }`;
}

/** The end of a record after its last field (LF, CRLF, or where scanPlain stops). */
const recordEnd = (masked: boolean): string => `
    c = b[e];
    if (c === sep) { outcome = ${PLAIN_GENERAL}; break rows; }
    if (c === 10) {
      p = e + 1;
    } else if (e + 1 >= lim) {
      outcome = ${PLAIN_MORE}; break rows;
    } else if (b[e + 1] === 10) {
      p = e + 2;
      i = p >> ${masked ? 5 : 2};
      m = ${flags(masked)};
      m &= -1 << ${masked ? '(p & 31)' : '((p & 3) << 3)'};
    } else {
      outcome = ${PLAIN_GENERAL}; break rows;
    }`;

/** The source of the walk for plan's layout, with or without masks. */
function source(plan: PlainPlan, masked: boolean): string {
  const locals: string[] = [];
  const fields: string[] = [];
  for (let f = 0; f < plan.ncols; f++) {
    const k = plan.kind[f] as number;
    const q = plan.slot[f] as number;
    let block = next(masked);
    if (k !== F_SKIP) {
      if (k === F_INT) locals.push(`const V${q} = out.f64[${q}], OK${q} = out.valid[${q}];`);
      if (k === F_UTF8) locals.push(`const V${q} = out.i32[${q}], OK${q} = out.valid[${q}], I${q} = plan.interners[${q}];`);
      block += convert(k, q, masked);
    }
    block += f === plan.ncols - 1 ? recordEnd(masked) : `\n    if (b[e] !== sep) { outcome = ${PLAIN_GENERAL}; break rows; }\n    s = e + 1;`;
    fields.push(`    // column ${f}${block}`);
  }
  return `"use strict";
  return function scanPlainCompiled(b, w, mk, p0, lim, stopAt, n0, cap, crFree, plan, out, io) {
  const sep = plan.sep;
  const nulls = out.nulls;
  const pend = out.pend;
  const nullFirst = plan.nullFirst;
  ${locals.join('\n  ')}
  const sep4 = Math.imul(sep, 0x01010101);
  ${masked ? 'const dv = new DataView(b.buffer, b.byteOffset);' : ''}
  const wend = lim >> ${masked ? 5 : 2};
  const tailBits = ${masked ? 'lim & 31' : '(lim & 3) << 3'};
  const tailMask = ~(-1 << tailBits);
  const wmax = tailMask !== 0 ? wend : wend - 1;
  let p = p0;
  let n = n0;
  let outcome = ${PLAIN_DONE};
  let kw = 0;
  let i = p >> ${masked ? 5 : 2};
  let m = ${flags(masked)};
  m &= -1 << ${masked ? '(p & 31)' : '((p & 3) << 3)'};
  let bit = 0, e = 0, s = 0, c = 0, np = 0;
  rows: for (;;) {
    if (p >= stopAt) { outcome = ${PLAIN_DONE}; break; }
    if (n >= cap) { outcome = ${PLAIN_FULL}; break; }
    np = 0;
    s = p;
${fields.join('\n')}
    for (let j = 0; j < np; j++) nulls[pend[j]]++;
    n++;
  }
  // Every exit leaves the row it was in unfinished: p is that row's start, n the rows done.
  io[1] = p;
  io[2] = n;
  return outcome;
  };`;
}

/** The compiled walk, or undefined where code cannot be compiled. */
function compile(plan: PlainPlan, masked: boolean): PlainScan | undefined {
  try {
    const make = new Function('wordFlags', 'storeField', source(plan, masked)) as (wf: typeof wordFlags, sf: typeof storeField) => PlainScan;
    return make(wordFlags, storeField);
  } catch {
    return undefined;
  }
}

/** The delimiter masks of b as delimiter-masks.ts works them out (bit j of word i: byte 32 i + j is sep, LF or CR). */
function masksOf(b: Uint8Array, sep: number): Int32Array {
  const mk = new Int32Array(Math.ceil(b.length / 32) + 1);
  for (let k = 0; k < b.length; k++) if (b[k] === sep || b[k] === 10 || b[k] === 13) mk[k >> 5] = (mk[k >> 5] as number) | (1 << (k & 31));
  return mk;
}
