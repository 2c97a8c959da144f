/**
 * Delimiter bitmaps by WebAssembly SIMD for the scanner's fast path: for each 16 bytes of the
 * read buffer, one 16-bit mask of the bytes equal to the separator, LF or CR, so that the walk
 * over a record reads one 32-bit word per 32 bytes instead of working out flags per 4 bytes.
 * The read buffer itself lives in the module's memory, so nothing is copied.
 *
 * The module (146 bytes, assembled below by hand) exports `memory` (2 pages) and
 * `flags(ptr, n, out, sep)`: for k = 0, 16, ... < n, the i8x16.bitmask of
 * (v == sep) | (v == LF) | (v == CR) for v = the 16 bytes at ptr + k, stored as 16 bits at
 * out + k / 8. Read as little-endian 32-bit words, bit j of word i is byte 32 i + j.
 * Where WebAssembly or its SIMD is missing, `delimiterMasks()` is undefined and the scanner
 * works out flags in JavaScript.
 */

/** Bytes of the read buffer in the module's memory (at offset 0). */
export const MASKED_BUFFER = 64 << 10;
const MASKS_AT = MASKED_BUFFER + 64;

const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const SIMD = 0xfd;
const SPLAT = [SIMD, 0x0f];
const EQ = [SIMD, 0x23];
const OR = [SIMD, 0x50];

// Params: 0 ptr, 1 n, 2 out, 3 sep; locals: 4..6 the splatted sep, LF, CR; 7 the bytes; 8 end.
const BODY = [
  ...[LOCAL_GET, 3, ...SPLAT, LOCAL_SET, 4],
  ...[I32_CONST, 10, ...SPLAT, LOCAL_SET, 5],
  ...[I32_CONST, 13, ...SPLAT, LOCAL_SET, 6],
  ...[LOCAL_GET, 0, LOCAL_GET, 1, I32_ADD, LOCAL_SET, 8],
  ...[0x02, 0x40, 0x03, 0x40], // block, loop
  ...[LOCAL_GET, 0, LOCAL_GET, 8, 0x4f, 0x0d, 1], // ptr >= end: br_if 1 (out of the block)
  ...[LOCAL_GET, 2],
  ...[LOCAL_GET, 0, SIMD, 0x00, 0x00, 0x00, LOCAL_TEE, 7], // v128.load
  ...[LOCAL_GET, 4, ...EQ],
  ...[LOCAL_GET, 7, LOCAL_GET, 5, ...EQ, ...OR],
  ...[LOCAL_GET, 7, LOCAL_GET, 6, ...EQ, ...OR],
  ...[SIMD, 0x64], // i8x16.bitmask
  ...[0x3b, 0x01, 0x00], // i32.store16
  ...[LOCAL_GET, 0, I32_CONST, 16, I32_ADD, LOCAL_SET, 0],
  ...[LOCAL_GET, 2, I32_CONST, 2, I32_ADD, LOCAL_SET, 2],
  ...[0x0c, 0, 0x0b, 0x0b, 0x0b], // br 0 (loop), end loop, end block, end function
];

function section(id: number, body: number[]): number[] {
  return [id, body.length, ...body];
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

function moduleBytes(): Uint8Array {
  const fn = [2, 4, 0x7b, 1, 0x7f, ...BODY]; // locals: 4 v128, 1 i32
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // (i32 i32 i32 i32) -> ()
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 2]), // memory: 2 pages
    ...section(7, [2, ...name('memory'), 2, 0, ...name('flags'), 0, 0]),
    ...section(10, [1, fn.length, ...fn]),
  ]);
}

/** The read buffer in wasm memory, its delimiter masks, and the function that fills them. */
export interface DelimiterMasks {
  /** MASKED_BUFFER bytes the scanner reads the file into. */
  buf: Uint8Array;
  /** Bit j of masks[i]: byte 32 i + j of buf is the separator, LF or CR (after compute). */
  masks: Int32Array;
  /** Works out the masks of buf[0, n) for separator byte sep (n rounded up to 32). */
  compute(n: number, sep: number): void;
}

/** The part of the WebAssembly API used here (the package's lib has no wasm types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
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
  const WA = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (WA === undefined) return made;
  try {
    const bytes = moduleBytes();
    if (!WA.validate(bytes)) return made;
    const inst = new WA.Instance(new WA.Module(bytes), {});
    const mem = inst.exports['memory'] as { buffer: ArrayBuffer };
    const flags = inst.exports['flags'] as (ptr: number, n: number, out: number, sep: number) => void;
    const m: DelimiterMasks = {
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
