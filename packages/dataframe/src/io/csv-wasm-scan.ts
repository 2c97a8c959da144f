/**
 * The fast path (csv-fast.ts's scanPlain, with the same signature and outcomes) as the record walk
 * of csv-wasm-walk.ts plus the conversions it leaves, column by column: per call of the walk,
 * its integer columns are copied into the builders' arrays, its fix-ups go through storeField,
 * the other wanted columns are converted from their offsets (strings inline as the compiled walk
 * does them, the rest through storeField), and the rows count up to the first record any of them
 * could not take, which then goes to the general path as with scanPlain.
 *
 * The columns that can fail (fix-ups, other kinds through storeField) are converted first, and
 * strings only up to the first failure, so that no string past the rows taken is interned (a row
 * the general path then skips leaves nothing in a dictionary). Rows written past the rows taken
 * are cleared (value 0, valid 0), as the builders expect unwritten rows; nulls are counted over the
 * rows taken.
 *
 * Used where the read buffer is the WebAssembly one of delimiter-masks.ts and the layout has at
 * most MAX_SLOTS wanted columns; `useWasmWalk(false)` switches it off in a thread (tests).
 */
import type { ByteInterner } from './byte-interner.js';
import { FNV_PRIME, FNV_SEED } from './byte-interner.js';
import {
  F_INT,
  F_SKIP,
  F_UTF8,
  PLAIN_FULL,
  PLAIN_GENERAL,
  STORE_FAILED,
  STORE_NULL,
  STORE_OK,
  storeField,
  type PlainPlan,
  type PlainTargets,
} from './csv-fast.js';
import type { PlainScan } from './csv-fast-compiled.js';
import type { DelimiterMasks } from './delimiter-masks.js';
import { FIX, IO, MAX_SLOTS, NULL_FIRST, ROWS, ROW_STARTS, SHORT_ENTRIES, cachesOf, columnAt, shortCacheAt, shortSlot, walkModule } from './csv-wasm-walk.js';
import { wasmApi } from './wasm-emit.js';

type Walk = (p0: number, lim: number, stopAt: number, maxRows: number) => number;

const cache = new Map<string, PlainScan | undefined>();
/** The table the walks' memory (one per thread) holds at NULL_FIRST: copied in when a range's differs. */
let nullFirstIn: Int32Array | undefined;
let enabled = true;

/** Switches the WebAssembly walk off (the JavaScript walks run) or back on, in this thread. */
export function useWasmWalk(on: boolean): void {
  enabled = on;
}

/** The walk of plan's layout over `masks`' read buffer, or undefined (switched off, too many columns, no WebAssembly). */
export function wasmScanFor(plan: PlainPlan, masks: DelimiterMasks): PlainScan | undefined {
  if (!enabled) return undefined;
  let nwant = 0;
  for (const k of plan.kind) if (k !== F_SKIP) nwant++;
  if (nwant === 0 || nwant > MAX_SLOTS) return undefined;
  const key = `${plan.sep}:${plan.kind.join(',')}:${plan.slot.join(',')}`;
  if (!cache.has(key)) cache.set(key, make(plan, masks));
  return cache.get(key);
}

function make(plan: PlainPlan, masks: DelimiterMasks): PlainScan | undefined {
  const WA = wasmApi();
  if (WA === undefined) return undefined;
  let walk: Walk;
  try {
    const inst = new WA.Instance(new WA.Module(walkModule(plan)), { m: { memory: masks.memory } });
    walk = inst.exports['walk'] as Walk;
  } catch {
    return undefined;
  }
  return scanWith(walk, masks.memory.buffer, plan);
}

/** A wanted column of the layout: its slot and kind, and its short-string cache (or -1). */
interface Wanted {
  q: number;
  k: number;
  cache: number;
}

/** The PlainScan around `walk` (see the file's comment). */
function scanWith(walk: Walk, memory: ArrayBuffer, layout: PlainPlan): PlainScan {
  const i32 = new Int32Array(memory);
  const f64 = new Float64Array(memory);
  const dv = new DataView(memory);
  const caches = cachesOf(layout);
  const wanted: Wanted[] = [];
  layout.kind.forEach((k, col) => {
    if (k !== F_SKIP) wanted.push({ q: layout.slot[col] as number, k, cache: caches[col] as number });
  });
  const ints = wanted.filter((w) => w.k === F_INT);
  const cached = wanted.filter((w) => w.cache >= 0);
  // Those that can fail go first (before fix-ups intern anything), uncached strings last.
  const stored = wanted.filter((w) => w.k !== F_INT && w.k !== F_UTF8);
  const strs = wanted.filter((w) => w.k === F_UTF8 && w.cache < 0);
  const slots = wanted.length;
  const sawNull = new Uint8Array(slots);
  // The interner each cache's codes are from (a new range, a new interner: the cache is emptied).
  const cachedFor: (ByteInterner | undefined)[] = [];

  return function scanWasm(b, _w, _mk, p0, lim, stopAt, n0, cap, _crFree, plan, out, io) {
    if (nullFirstIn !== plan.nullFirst) i32.set((nullFirstIn = plan.nullFirst), NULL_FIRST >> 2);
    for (const { q, cache } of cached) {
      if (cachedFor[cache] === plan.interners[q]) continue;
      cachedFor[cache] = plan.interners[q];
      const lens = (shortCacheAt(cache) >> 2) + SHORT_ENTRIES;
      i32.fill(0, lens, lens + SHORT_ENTRIES);
    }
    let p = p0;
    let n = n0;
    for (;;) {
      let oc = walk(p, lim, stopAt, Math.min(ROWS, cap - n));
      const rows = i32[(IO >> 2) + 1] as number;
      const nfix = i32[(IO >> 2) + 2] as number;
      let taken = rows;
      for (const { q } of ints) {
        const at = columnAt(q) >> 3;
        (out.f64[q] as Float64Array).set(f64.subarray(at, at + rows), n);
        (out.valid[q] as Uint8Array).fill(1, n, n + rows);
      }
      for (const { q } of cached) {
        const at = columnAt(q) >> 2;
        (out.i32[q] as Int32Array).set(i32.subarray(at, at + rows), n);
        (out.valid[q] as Uint8Array).fill(1, n, n + rows);
      }
      const conv: Conversion = { b, dv, i32, plan, out, sawNull };
      for (const { q, k } of stored) taken = Math.min(taken, storedRows(conv, columnAt(q) >> 2, taken, n, q, k));
      for (let x = 0; x < nfix; x++) {
        const at = (FIX >> 2) + 4 * x;
        const r = i32[at] as number;
        if (r >= taken) break;
        const col = i32[at + 1] as number;
        const q = plan.slot[col] as number;
        const s = i32[at + 2] as number;
        const e = i32[at + 3] as number;
        let res: number;
        if (plan.kind[col] === F_UTF8) {
          const it = plan.interners[q] as ByteInterner;
          res = inlineString(b, s, e, plan.nullFirst) ? STORE_OK : storeField(b, s, e, F_UTF8, q, n + r, plan, out);
          if (res === STORE_OK && e - s <= 4) {
            const v = packed(dv, s, e);
            const code = it.internShort(b, s, e, v);
            (out.i32[q] as Int32Array)[n + r] = code;
            const at = (shortCacheAt(caches[col] as number) >> 2) + shortSlot(v, e - s);
            i32[at] = v;
            i32[at + SHORT_ENTRIES] = e - s;
            i32[at + 2 * SHORT_ENTRIES] = code;
          } else if (res === STORE_OK) (out.i32[q] as Int32Array)[n + r] = it.internHashed(b, s, e, fnv(b, s, e));
        } else res = storeField(b, s, e, F_INT, q, n + r, plan, out);
        if (res === STORE_FAILED) taken = r;
        else if (res === STORE_NULL) sawNull[q] = 1;
      }
      for (const { q } of strs) taken = Math.min(taken, strings(conv, columnAt(q) >> 2, taken, n, q));
      if (taken < rows) {
        oc = PLAIN_GENERAL;
        p = i32[(ROW_STARTS >> 2) + taken] as number;
        clearRows(out, n + taken, n + rows);
      } else p = i32[IO >> 2] as number;
      for (let q = 0; q < slots; q++) {
        if (sawNull[q] === 0) continue;
        sawNull[q] = 0;
        const ok = out.valid[q] as Uint8Array;
        let z = 0;
        for (let r = n; r < n + taken; r++) z += 1 - (ok[r] as number);
        out.nulls[q] = (out.nulls[q] as number) + z;
      }
      n += taken;
      // A full call (ROWS records, or the fix-ups nearly full) goes on while the builders have room.
      if (oc === PLAIN_FULL && n < cap) continue;
      io[1] = p;
      io[2] = n;
      return oc;
    }
  };
}

/** True when string field [s, e) takes the inline case (not empty, no null marker of its first byte and length). */
function inlineString(b: Uint8Array, s: number, e: number, nullFirst: Int32Array): boolean {
  const nf = e > s ? (nullFirst[b[s] as number] as number) : 1;
  return nf === 0 || ((nf >> (e - s > 30 ? 30 : e - s)) & 1) === 0;
}

/** The 1 to 4 bytes [s, e) packed little-endian (one 4-byte read: the buffer has room after it). */
function packed(dv: DataView, s: number, e: number): number {
  return dv.getInt32(s, true) & (-1 >>> (32 - ((e - s) << 3)));
}

/** FNV-1a of bytes [s, e) (ByteInterner's hash). */
function fnv(b: Uint8Array, s: number, e: number): number {
  let h = FNV_SEED;
  for (let j = s; j < e; j++) h = Math.imul(h ^ (b[j] as number), FNV_PRIME);
  return h;
}

/** What the column conversions of one call share: the bytes, the walk's output, the range's plan and targets. */
interface Conversion {
  b: Uint8Array;
  dv: DataView;
  i32: Int32Array;
  plan: PlainPlan;
  out: PlainTargets;
  /** Per slot: set when a null was written. */
  sawNull: Uint8Array;
}

/**
 * Strings of slot q from their offsets (at: the slot's output in int32 units) into rows n.. up
 * to `rows`: the compiled walk's inline case, storeField for null marker candidates. Returns the
 * rows converted.
 */
function strings(c: Conversion, at: number, rows: number, n: number, q: number): number {
  const { b, dv, i32, plan, out } = c;
  const V = out.i32[q] as Int32Array;
  const OK = out.valid[q] as Uint8Array;
  const it = plan.interners[q] as ByteInterner;
  for (let r = 0; r < rows; r++) {
    const s = i32[at + 2 * r] as number;
    const e = i32[at + 2 * r + 1] as number;
    if (inlineString(b, s, e, plan.nullFirst)) {
      V[n + r] = e - s <= 4 ? it.internShort(b, s, e, packed(dv, s, e)) : it.internHashed(b, s, e, fnv(b, s, e));
      OK[n + r] = 1;
      continue;
    }
    const res = storeField(b, s, e, F_UTF8, q, n + r, plan, out);
    if (res === STORE_FAILED) return r;
    if (res === STORE_NULL) c.sawNull[q] = 1;
  }
  return rows;
}

/** Fields of kind k (neither integer nor string) of slot q from their offsets through storeField; returns the rows converted. */
function storedRows(c: Conversion, at: number, rows: number, n: number, q: number, k: number): number {
  const { b, i32, plan, out } = c;
  for (let r = 0; r < rows; r++) {
    const res = storeField(b, i32[at + 2 * r] as number, i32[at + 2 * r + 1] as number, k, q, n + r, plan, out);
    if (res === STORE_FAILED) return r;
    if (res === STORE_NULL) c.sawNull[q] = 1;
  }
  return rows;
}

/** Rows [from, to) of every slot as unwritten (value 0, valid 0). */
function clearRows(out: PlainTargets, from: number, to: number): void {
  for (let q = 0; q < out.valid.length; q++) {
    (out.valid[q] as Uint8Array).fill(0, from, to);
    const fa = out.f64[q] as Float64Array;
    if (fa.length > 0) fa.fill(0, from, to);
    const ia = out.i32[q] as Int32Array;
    if (ia.length > 0) ia.fill(0, from, to);
  }
}
