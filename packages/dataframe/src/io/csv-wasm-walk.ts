/**
 * The fast path's record walk in WebAssembly, made per column layout: it splits the plain
 * records of the read buffer (which lies in the memory of delimiter-masks.ts) by 64-byte SIMD
 * delimiter masks, checks each record's shape as scanPlain does, converts integer columns itself,
 * looks short strings up in a cache of their codes, and leaves every other wanted field as its
 * byte offsets, for csv-wasm-scan.ts to convert. Where scanPlain would hand an integer field to
 * storeField (an empty field, a possible null marker), and for a string the cache does not give,
 * the walk writes 0 and lists the field as a fix-up (row, column, start, end).
 *
 * walk(p0, lim, stopAt, maxRows) returns scanPlain's outcome (PLAIN_FULL also when maxRows rows
 * are done or the fix-up list is nearly full) and writes, at IO: the start of the first record
 * not taken, the records taken, the fix-ups listed. Per record r (r < maxRows <= ROWS): its start
 * at ROW_STARTS + 4 r; per wanted slot q, at columnAt(q): the float64 value of an integer column
 * (+ 8 r), the code of a cached string column (+ 4 r), or the field's start and end (two int32,
 * + 8 r) for any other.
 *
 * The first SHORT_CACHES string columns have a cache: direct-mapped as ByteInterner's short-string
 * cache (same slot of the packed bytes and length), filled by the scanner from the range's
 * interner, so a hit is the interner's own code.
 *
 * Each record's checks, in scanPlain's order: a non-last field must end at the separator, the
 * last at LF or CRLF (PLAIN_GENERAL otherwise: too many or too few fields, a lone CR); an integer
 * field not a null marker candidate must be [-]digits with 1 to 15 digits (PLAIN_GENERAL
 * otherwise); a record that runs into `lim` is PLAIN_MORE (a CR as its last byte included).
 */
import { MEMORY_PAGES, WALK_AT } from './delimiter-masks.js';
import { F_INT, F_SKIP, F_UTF8, PLAIN_DONE, PLAIN_FULL, PLAIN_GENERAL, PLAIN_MORE, type PlainPlan } from './csv-fast.js';
import { F64, FnBuilder, I32, I64, MEM, OP, SIMD, V128, moduleOf } from './wasm-emit.js';

/** Records per call at most. */
export const ROWS = 4096;
/** Fix-ups per call at most. */
export const FIXUPS = 4096;
/** Per first byte: the null-marker length bits of plan.nullFirst (256 int32). */
export const NULL_FIRST = WALK_AT;
/** Three int32: the next record's start, records done, fix-ups listed. */
export const IO = NULL_FIRST + 1024;
export const ROW_STARTS = IO + 64;
/** Four int32 per fix-up: record, file column, start, end. */
export const FIX = ROW_STARTS + ROWS * 4;
/** String columns (the first ones of a layout) whose short values the walk looks up itself. */
export const SHORT_CACHES = 4;
/** Entries of a short-string cache (direct-mapped, as ByteInterner's own). */
export const SHORT_ENTRIES = 4096;
/** Per cache: SHORT_ENTRIES int32 each of packed bytes, length (0: empty), code. */
export const SHORT_AT = FIX + FIXUPS * 16;
export const COLUMNS = SHORT_AT + SHORT_CACHES * SHORT_ENTRIES * 12;
/** Wanted columns a walk can take (their output must fit in the memory). */
export const MAX_SLOTS = Math.floor((MEMORY_PAGES * 65536 - COLUMNS) / (ROWS * 8));

const LF = 10;
const CR = 13;

/** The output of slot q (a record's 8 bytes at + 8 r; 4 bytes at + 4 r for a cached string column's codes). */
export function columnAt(q: number): number {
  return COLUMNS + q * ROWS * 8;
}

/** Cache k's packed bytes (its lengths and codes follow, SHORT_ENTRIES int32 each). */
export function shortCacheAt(k: number): number {
  return SHORT_AT + k * SHORT_ENTRIES * 12;
}

/** Per file column: the short-string cache of a string column that has one, else -1. */
export function cachesOf(plan: PlainPlan): Int32Array {
  let k = 0;
  return Int32Array.from(plan.kind, (kind) => (kind === F_UTF8 && k < SHORT_CACHES ? k++ : -1));
}

/** The cache entry of the 1 to 4 bytes packed in v (len of them): ByteInterner.internShort's slot. */
export function shortSlot(v: number, len: number): number {
  return Math.imul(v ^ (len << 29), 0x9e3779b1) >>> 20;
}

/**
 * Leaves on the stack the i64 delimiter mask of the 64 bytes at 64 i (bits from lim on cleared);
 * with `nl`, also sets nl to the mask of the LF and CR bytes alone (for skipTail).
 */
function mask(f: FnBuilder, nl: boolean): void {
  f.get('i').i32(6).op(OP.i32Shl).set('a');
  for (let k = 0; k < 4; k++) {
    f.get('a')
      .mem(MEM.v128Load, 16 * k)
      .tee('v')
      .get('vsep')
      .simd(SIMD.i8x16Eq);
    f.get('v').get('vlf').simd(SIMD.i8x16Eq).get('v').get('vcr').simd(SIMD.i8x16Eq).simd(SIMD.v128Or);
    if (nl) {
      f.tee('v2').simd(SIMD.v128Or).simd(SIMD.i8x16Bitmask).op(OP.i64ExtendI32U);
      if (k > 0) f.i64(16 * k).op(OP.i64Shl, OP.i64Or);
      f.get('v2').simd(SIMD.i8x16Bitmask).op(OP.i64ExtendI32U);
      if (k > 0)
        f.i64(16 * k)
          .op(OP.i64Shl)
          .get('nl')
          .op(OP.i64Or);
      f.set('nl');
    } else {
      f.simd(SIMD.v128Or).simd(SIMD.i8x16Bitmask).op(OP.i64ExtendI32U);
      if (k > 0) f.i64(16 * k).op(OP.i64Shl, OP.i64Or);
    }
  }
  f.set('w');
  // In the block that holds lim, the bytes from lim on: t = lim - a is 1..63 there (the walk
  // never asks for a block at or after lim but maskFrom's, which may have t <= 0: nothing kept).
  f.get('lim').get('a').op(OP.i32Sub).tee('t').i32(64).op(OP.i32LtS).if_();
  f.i64(1).get('t').op(OP.i64ExtendI32U, OP.i64Shl).i64(1).op(OP.i64Sub).i64(0).get('t').i32(0).op(OP.i32GtS, OP.select).set('keep');
  f.get('w').get('keep').op(OP.i64And).set('w');
  if (nl) f.get('nl').get('keep').op(OP.i64And).set('nl');
  f.end();
  f.get('w');
}

/** m (and with `nl`, nl) = the masks of the block holding p, without the bits before p. */
function maskFrom(f: FnBuilder, nl: boolean): void {
  f.get('p').i32(6).op(OP.i32ShrU).set('i');
  mask(f, nl);
  f.i64(-1).get('p').i32(63).op(OP.i32And, OP.i64ExtendI32U, OP.i64Shl).tee('keep').op(OP.i64And).set('m');
  if (nl) f.get('nl').get('keep').op(OP.i64And).set('nl');
}

/** Ends the walk with outcome oc (from any depth: the exit block is outermost). */
function exit(f: FnBuilder, oc: number): void {
  f.i32(oc).set('oc').br('exit');
}

/** m (and nl) = the masks of the next block (PLAIN_MORE when it begins at or after lim). */
function nextBlock(f: FnBuilder, nl: boolean): void {
  f.get('i').i32(1).op(OP.i32Add).tee('i').i32(6).op(OP.i32Shl).get('lim').op(OP.i32GeS).if_();
  exit(f, PLAIN_MORE);
  f.end();
  mask(f, nl);
  f.set('m');
}

/** e = the next delimiter (PLAIN_MORE when none lies before lim). */
function pop(f: FnBuilder, nl: boolean): void {
  f.block('got').loop('pop');
  f.get('m').op(OP.i64Eqz, OP.i32Eqz).brIf('got');
  nextBlock(f, nl);
  f.br('pop');
  f.end().end();
  f.get('i').i32(6).op(OP.i32Shl).get('m').op(OP.i64Ctz, OP.i32WrapI64, OP.i32Add).set('e');
  f.get('m').get('m').i64(1).op(OP.i64Sub, OP.i64And).set('m');
}

/**
 * Leaves on the stack 1 when field [s, e) takes scanPlain's inline case: not empty, and no null
 * marker of its first byte and length (nf = len > 0 ? nullFirst[b[s]] : 1; nf == 0 or bit
 * min(len, 30) of nf clear). Sets len = e - s.
 */
function inline(f: FnBuilder): void {
  f.get('e').get('s').op(OP.i32Sub).set('len');
  f.get('s').mem(MEM.i32Load8U).i32(2).op(OP.i32Shl).mem(MEM.i32Load, NULL_FIRST).i32(1).get('len').i32(0).op(OP.i32GtS, OP.select).tee('nf');
  f.op(OP.i32Eqz);
  f.get('nf').get('len').i32(30).get('len').i32(30).op(OP.i32LtS, OP.select, OP.i32ShrS).i32(1).op(OP.i32And, OP.i32Eqz);
  f.op(OP.i32Or);
}

/** Lists field [s, e) of file column col at record `rows` as a fix-up. */
function fixup(f: FnBuilder, col: number): void {
  f.get('nfix').i32(4).op(OP.i32Shl).set('t');
  f.get('t').get('rows').mem(MEM.i32Store, FIX);
  f.get('t')
    .i32(col)
    .mem(MEM.i32Store, FIX + 4);
  f.get('t')
    .get('s')
    .mem(MEM.i32Store, FIX + 8);
  f.get('t')
    .get('e')
    .mem(MEM.i32Store, FIX + 12);
  f.get('nfix').i32(1).op(OP.i32Add).set('nfix');
}

/** An integer field [s, e) into slot q's float64 at record `rows` (scanPlain's inline case, or a fix-up). */
function integer(f: FnBuilder, col: number, q: number): void {
  const out = columnAt(q);
  inline(f);
  f.if_();
  f.get('s').mem(MEM.i32Load8U).i32(45).op(OP.i32Eq).set('neg');
  f.get('s').get('neg').op(OP.i32Add).set('j');
  // 1 to 15 digits
  f.get('e').get('j').op(OP.i32Sub).i32(1).op(OP.i32Sub).i32(14).op(OP.i32GtU).if_();
  exit(f, PLAIN_GENERAL);
  f.end();
  // Up to 8 digits without a loop (SWAR): each byte XOR '0' is 0..9 (no high bit in it or in it
  // plus 0x76), the digits move to the top of the word (the bytes below are leading zeros), and
  // pairs, then pairs of pairs, then of those combine: 10 a + b, 100 ab + cd, 10^4 abcd + efgh.
  f.get('e').get('j').op(OP.i32Sub).tee('len').i32(8).op(OP.i32LeS).if_();
  f.get('j').mem(MEM.i64Load).i64(0x3030303030303030n).op(OP.i64Xor);
  f.i64(-1).i32(64).get('len').i32(3).op(OP.i32Shl, OP.i32Sub).op(OP.i64ExtendI32U, OP.i64ShrU).op(OP.i64And).tee('acc');
  f.i64(0x7676767676767676n).op(OP.i64Add).get('acc').op(OP.i64Or).i64(0x8080808080808080n).op(OP.i64And, OP.i64Eqz, OP.i32Eqz).if_();
  exit(f, PLAIN_GENERAL);
  f.end();
  f.get('acc').i32(64).get('len').i32(3).op(OP.i32Shl, OP.i32Sub).op(OP.i64ExtendI32U, OP.i64Shl).set('acc');
  for (const [mul, shift, keep] of [
    [10, 8, 0x00ff00ff00ff00ffn],
    [100, 16, 0x0000ffff0000ffffn],
    [10000, 32, 0xffffffffn],
  ] as const) {
    f.get('acc').i64(mul).op(OP.i64Mul).get('acc').i64(shift).op(OP.i64ShrU, OP.i64Add).i64(keep).op(OP.i64And).set('acc');
  }
  f.else_();
  f.i64(0).set('acc');
  f.loop('digit');
  f.get('j').mem(MEM.i32Load8U).i32(48).op(OP.i32Sub).tee('d').i32(9).op(OP.i32GtU).if_();
  exit(f, PLAIN_GENERAL);
  f.end();
  f.get('acc').i64(10).op(OP.i64Mul).get('d').op(OP.i64ExtendI32U, OP.i64Add).set('acc');
  f.get('j').i32(1).op(OP.i32Add).tee('j').get('e').op(OP.i32LtU).brIf('digit');
  f.end();
  f.end();
  f.get('rows').i32(3).op(OP.i32Shl);
  f.get('acc').op(OP.f64ConvertI64S).tee('x').op(OP.f64Neg).get('x').get('neg').op(OP.select);
  f.mem(MEM.f64Store, out);
  f.else_();
  f.get('rows').i32(3).op(OP.i32Shl).f64(0).mem(MEM.f64Store, out);
  fixup(f, col);
  f.end();
}

/**
 * A string field of a column with short-string cache k: its code at record `rows` (4-byte
 * stride) when it is 1 to 4 bytes, takes the inline case and is in the cache; else code 0 and a
 * fix-up (the scanner interns it, and fills the cache entry).
 */
function cachedString(f: FnBuilder, col: number, q: number, k: number): void {
  const out = columnAt(q);
  const keys = shortCacheAt(k);
  f.block('sdone');
  inline(f);
  f.get('len').i32(4).op(OP.i32LeU, OP.i32And).if_();
  f.get('s').mem(MEM.i32Load).i32(-1).i32(32).get('len').i32(3).op(OP.i32Shl, OP.i32Sub, OP.i32ShrU, OP.i32And).set('d');
  f.get('d')
    .get('len')
    .i32(29)
    .op(OP.i32Shl, OP.i32Xor)
    .i32(0x9e3779b1 | 0)
    .op(OP.i32Mul)
    .i32(20)
    .op(OP.i32ShrU)
    .i32(2)
    .op(OP.i32Shl)
    .set('t');
  f.get('t').mem(MEM.i32Load, keys).get('d').op(OP.i32Eq);
  f.get('t')
    .mem(MEM.i32Load, keys + SHORT_ENTRIES * 4)
    .get('len')
    .op(OP.i32Eq, OP.i32And)
    .if_();
  f.get('rows')
    .i32(2)
    .op(OP.i32Shl)
    .get('t')
    .mem(MEM.i32Load, keys + SHORT_ENTRIES * 8)
    .mem(MEM.i32Store, out);
  f.br('sdone');
  f.end();
  f.end();
  f.get('rows').i32(2).op(OP.i32Shl).i32(0).mem(MEM.i32Store, out);
  fixup(f, col);
  f.end();
}

/** Any other wanted field: its start and end into slot q at record `rows`. */
function offsets(f: FnBuilder, q: number): void {
  const out = columnAt(q);
  f.get('rows').i32(3).op(OP.i32Shl).tee('t').get('s').mem(MEM.i32Store, out);
  f.get('t')
    .get('e')
    .mem(MEM.i32Store, out + 4);
}

/**
 * The `fields` fields after the last wanted one, in one step per 64 bytes: the record's end is the
 * first LF or CR left in nl, and the delimiters before it (all separators) must number fields - 1
 * (PLAIN_GENERAL otherwise, as scanPlain's pops would find a line end too soon or a separator
 * after the last field). e = the record's end.
 */
function skipTail(f: FnBuilder, fields: number): void {
  f.i32(0).set('cnt');
  f.block('found').loop('tail');
  f.get('m').get('nl').op(OP.i64And).tee('keep').op(OP.i64Eqz, OP.i32Eqz).brIf('found');
  f.get('cnt').get('m').op(OP.i64Popcnt, OP.i32WrapI64, OP.i32Add).set('cnt');
  nextBlock(f, true);
  f.br('tail');
  f.end().end();
  f.get('keep').op(OP.i64Ctz, OP.i32WrapI64).set('d');
  f.get('cnt').get('m').i64(1).get('d').op(OP.i64ExtendI32U, OP.i64Shl).i64(1).op(OP.i64Sub, OP.i64And, OP.i64Popcnt, OP.i32WrapI64, OP.i32Add).set('cnt');
  f.get('i').i32(6).op(OP.i32Shl).get('d').op(OP.i32Add).set('e');
  f.get('m').i64(-2).get('d').op(OP.i64ExtendI32U, OP.i64Shl, OP.i64And).set('m');
  f.get('cnt')
    .i32(fields - 1)
    .op(OP.i32Ne)
    .if_();
  exit(f, PLAIN_GENERAL);
  f.end();
}

/** After the last field: the record ends at LF or CRLF, and p moves to the next one. */
function recordEnd(f: FnBuilder, nl: boolean): void {
  f.get('e').mem(MEM.i32Load8U).tee('c').i32(LF).op(OP.i32Eq).if_();
  f.get('e').i32(1).op(OP.i32Add).set('p');
  f.else_();
  f.get('c').i32(CR).op(OP.i32Ne).if_();
  exit(f, PLAIN_GENERAL); // the separator: too many fields
  f.end();
  f.get('e').i32(1).op(OP.i32Add).get('lim').op(OP.i32GeS).if_();
  exit(f, PLAIN_MORE); // CR at the end of the bytes: is LF next?
  f.end();
  f.get('e').mem(MEM.i32Load8U, 1).i32(LF).op(OP.i32Ne).if_();
  exit(f, PLAIN_GENERAL); // a lone CR
  f.end();
  f.get('e').i32(2).op(OP.i32Add).set('p');
  maskFrom(f, nl);
  f.end();
}

/** The walk's code for plan's layout (the kinds and slots of its file columns). */
export function walkFunction(plan: PlainPlan, sep: number): FnBuilder {
  const f = new FnBuilder(
    [
      ['p0', I32],
      ['lim', I32],
      ['stopAt', I32],
      ['maxRows', I32],
    ],
    I32,
  );
  for (const n of ['p', 'i', 'a', 't', 'e', 's', 'c', 'rows', 'nfix', 'len', 'nf', 'j', 'neg', 'd', 'oc']) f.local(n, I32);
  f.local('cnt', I32);
  f.local('m', I64).local('acc', I64).local('w', I64).local('nl', I64).local('keep', I64).local('x', F64);
  f.local('vsep', V128).local('vlf', V128).local('vcr', V128).local('v', V128).local('v2', V128);
  const last = plan.ncols - 1;
  let lastWanted = last;
  while (lastWanted > 0 && plan.kind[lastWanted] === F_SKIP) lastWanted--;
  // Two or more skipped fields at the end of a record are passed in one step (skipTail).
  const nl = last - lastWanted >= 2;
  const caches = cachesOf(plan);
  // Fix-ups a record can add: one per integer column and per cached string column.
  const perRecord = plan.kind.filter((k, col) => k === F_INT || (caches[col] as number) >= 0).length;
  f.i32(sep).simd(SIMD.i8x16Splat).set('vsep');
  f.i32(LF).simd(SIMD.i8x16Splat).set('vlf');
  f.i32(CR).simd(SIMD.i8x16Splat).set('vcr');
  f.get('p0').set('p');
  maskFrom(f, nl);
  f.block('exit').loop('rows');
  f.get('p').get('stopAt').op(OP.i32GeS).if_();
  exit(f, PLAIN_DONE);
  f.end();
  f.get('rows')
    .get('maxRows')
    .op(OP.i32GeS)
    .get('nfix')
    .i32(FIXUPS - perRecord)
    .op(OP.i32GtS, OP.i32Or)
    .if_();
  exit(f, PLAIN_FULL);
  f.end();
  f.get('rows').i32(2).op(OP.i32Shl).get('p').mem(MEM.i32Store, ROW_STARTS);
  f.get('p').set('s');
  for (let col = 0; col <= (nl ? lastWanted : last); col++) {
    pop(f, nl);
    const k = plan.kind[col] as number;
    const q = plan.slot[col] as number;
    if (k === F_INT) integer(f, col, q);
    else if ((caches[col] as number) >= 0) cachedString(f, col, q, caches[col] as number);
    else if (k !== F_SKIP) offsets(f, q);
    if (col < last) {
      f.get('e').mem(MEM.i32Load8U).i32(sep).op(OP.i32Ne).if_();
      exit(f, PLAIN_GENERAL); // a line end: too few fields
      f.end();
      f.get('e').i32(1).op(OP.i32Add).set('s');
    }
  }
  if (nl) skipTail(f, last - lastWanted);
  recordEnd(f, nl);
  f.get('rows').i32(1).op(OP.i32Add).set('rows');
  f.br('rows');
  f.end().end();
  f.i32(0).get('p').mem(MEM.i32Store, IO);
  f.i32(0)
    .get('rows')
    .mem(MEM.i32Store, IO + 4);
  f.i32(0)
    .get('nfix')
    .mem(MEM.i32Store, IO + 8);
  f.get('oc');
  return f;
}

/** The module of the walk for plan's layout (imports the memory as m.memory). */
export function walkModule(plan: PlainPlan): Uint8Array {
  return moduleOf(walkFunction(plan, plan.sep), 'walk', { pages: MEMORY_PAGES, imported: true });
}
