/**
 * Delimiter bitmaps by WebAssembly SIMD for the scanner's fast path: for each 16 bytes of the
 * read buffer, one 16-bit mask of the bytes equal to the separator, LF or CR, so that the walk
 * over a record reads one 32-bit word per 32 bytes instead of working out flags per 4 bytes.
 * The read buffer itself lives in the module's memory, so nothing is copied.
 *
 * The module (about 150 bytes, assembled below with wasm-emit.ts) exports `memory` and
 * `flags(ptr, n, out, sep)`: for k = 0, 16, ... < n, the i8x16.bitmask of
 * (v == sep) | (v == LF) | (v == CR) for v = the 16 bytes at ptr + k, stored as 16 bits at
 * out + k / 8. Read as little-endian 32-bit words, bit j of word i is byte 32 i + j.
 * Where WebAssembly or its SIMD is missing, `delimiterMasks()` is undefined and the scanner
 * works out flags in JavaScript.
 */
import { FnBuilder, I32, MEM, OP, SIMD, V128, moduleOf, wasmApi } from './wasm-emit.js';

/** Bytes of the read buffer in the module's memory (at offset 0). */
export const MASKED_BUFFER = 64 << 10;
const MASKS_AT = MASKED_BUFFER + 64;
/**
 * Pages (64 KiB) of the module's memory: the read buffer and its masks in the first two, the
 * rest for the whole-record walks of csv-wasm-walk.ts, which share the memory (from WALK_AT).
 */
export const MEMORY_PAGES = 48;
/** Where the record walks' own data begins in the memory. */
export const WALK_AT = 2 << 16;

/** flags(ptr, n, out, sep): see the file's comment. */
function flagsFunction(): FnBuilder {
  const f = new FnBuilder(
    [
      ['ptr', I32],
      ['n', I32],
      ['out', I32],
      ['sep', I32],
    ],
    undefined,
  );
  f.local('vsep', V128).local('vlf', V128).local('vcr', V128).local('v', V128).local('end', I32);
  f.get('sep').simd(SIMD.i8x16Splat).set('vsep');
  f.i32(10).simd(SIMD.i8x16Splat).set('vlf');
  f.i32(13).simd(SIMD.i8x16Splat).set('vcr');
  f.get('ptr').get('n').op(OP.i32Add).set('end');
  f.block('done').loop('next');
  f.get('ptr').get('end').op(OP.i32GeU).brIf('done');
  f.get('out');
  f.get('ptr').mem(MEM.v128Load).tee('v').get('vsep').simd(SIMD.i8x16Eq);
  f.get('v').get('vlf').simd(SIMD.i8x16Eq).simd(SIMD.v128Or);
  f.get('v').get('vcr').simd(SIMD.i8x16Eq).simd(SIMD.v128Or);
  f.simd(SIMD.i8x16Bitmask).mem(MEM.i32Store16);
  f.get('ptr').i32(16).op(OP.i32Add).set('ptr');
  f.get('out').i32(2).op(OP.i32Add).set('out');
  f.br('next').end().end();
  return f;
}

/** The read buffer in wasm memory, its delimiter masks, and the function that fills them. */
export interface DelimiterMasks {
  /** The module's memory (a WebAssembly.Memory: csv-wasm-walk.ts imports it). */
  memory: { buffer: ArrayBuffer };
  /** MASKED_BUFFER bytes the scanner reads the file into. */
  buf: Uint8Array;
  /** Bit j of masks[i]: byte 32 i + j of buf is the separator, LF or CR (after compute). */
  masks: Int32Array;
  /** Works out the masks of buf[0, n) for separator byte sep (n rounded up to 32). */
  compute(n: number, sep: number): void;
}

let made: DelimiterMasks | undefined | null = null;
let enabled = true;

/** Switches the masks off (the scanner then works out flags in JavaScript) or back on, in this thread. */
export function useDelimiterMasks(on: boolean): void {
  enabled = on;
}

/** The masks of this thread, or undefined where WebAssembly SIMD is not available (or switched off). */
export function delimiterMasks(): DelimiterMasks | undefined {
  if (!enabled) return undefined;
  if (made !== null) return made;
  made = undefined;
  const WA = wasmApi();
  if (WA === undefined) return made;
  try {
    const bytes = moduleOf(flagsFunction(), 'flags', { pages: MEMORY_PAGES, imported: false });
    if (!WA.validate(bytes)) return made;
    const inst = new WA.Instance(new WA.Module(bytes), {});
    const mem = inst.exports['memory'] as { buffer: ArrayBuffer };
    const flags = inst.exports['flags'] as (ptr: number, n: number, out: number, sep: number) => void;
    const m: DelimiterMasks = {
      memory: mem,
      buf: new Uint8Array(mem.buffer, 0, MASKED_BUFFER),
      masks: new Int32Array(mem.buffer, MASKS_AT, MASKED_BUFFER >> 5),
      compute: (n, sep) => flags(0, (n + 31) & ~31, MASKS_AT, sep),
    };
    made = m;
  } catch {
    made = undefined;
  }
  return made;
}
