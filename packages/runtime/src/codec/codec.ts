/**
 * The spill codec, writing side: a structured-clonable result to bytes, as structured clone
 * sees it. Objects keep their identity (a cycle, or two properties that point to one object,
 * come back the same way); typed-array views over one ArrayBuffer or SharedArrayBuffer come
 * back as views over one buffer at the same offsets, shared-ness kept. The encoder is a loop
 * over an explicit stack (no recursion, so any depth), and it emits its bytes as parts no
 * larger than a chunk limit, so a value over 2 GiB is streamed, never one Buffer.
 *
 * Layout of an encoded value (all numbers little-endian):
 *   header    'TSDSPIL1', then three float64: skeleton bytes, table bytes, buffer count
 *   skeleton  the value as tokens (see Tag), depth-first; objects numbered in order of first
 *             sight, and a later sight is a REF to that number; buffers are ARRAY_BUFFER n
 *   table     per buffer: u8 shared, float64 bytes kept, float64 first byte kept
 *   data      the kept bytes of each buffer, in order
 * A buffer is written whole unless its views cover under half of it and it is over 64 KiB (a
 * small slice of a big buffer): then only the covered window is kept, and the views come back
 * over a buffer of that window with their offsets moved by its start.
 *
 * What it cannot write (a function, a symbol, an instance of a class it does not know, a
 * WeakMap, a Promise...) makes it throw a SpillError (TSDASK_SPILL_UNENCODABLE) naming where
 * in the value it is: such a result is not spilled, it stays in memory.
 */
import { unencodable } from './codec-errors.js';

export const MAGIC = 'TSDSPIL1';
export const HEADER_BYTES = 32;
export const TABLE_ENTRY_BYTES = 17;

export const enum Tag {
  UNDEFINED = 0,
  NULL,
  TRUE,
  FALSE,
  INT32,
  FLOAT64,
  BIGINT,
  STR_UTF8,
  STR_UTF16,
  REF,
  HOLE,
  ARRAY,
  OBJECT,
  OBJECT_NULL_PROTO,
  MAP,
  SET,
  DATE,
  REGEXP,
  ARRAY_BUFFER,
  VIEW,
  BOXED_NUMBER,
  BOXED_STRING,
  BOXED_BOOLEAN,
  BOXED_BIGINT,
}

/** The view constructors the codec knows, by code (the order is the format: append only). */
export const VIEW_CTORS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
  Buffer,
] as const;
const VIEW_CODE = new Map<object, number>(VIEW_CTORS.map((c, i) => [c.prototype, i]));
export const DATAVIEW_CODE = 11;
export const BUFFER_CODE = 12;

/** A buffer kept whole when at most this big, or when its views cover half of it. */
const WHOLE_BELOW = 1 << 16;

/** Chunk limits: skeleton parts and raw parts are never larger than these. */
export interface CodecLimits {
  /** Largest skeleton part (bytes, at least 64; default 64 KiB). */
  chunk?: number;
  /** Largest raw-data part (default 256 MiB). */
  rawPart?: number;
}

/**
 * An open container on the encoder's stack, with a cursor over its children: an array's
 * items (`obj` is the array), an object's keys (each followed by its value), or a Map's or
 * Set's flattened entries in `items`.
 */
interface Frame {
  kind: number;
  obj: unknown;
  items: unknown[];
  i: number;
  /** For objects: the key is written, its value is next. */
  keyDone: boolean;
}

type Win = { buf: ArrayBufferLike; shared: boolean; lo: number; hi: number };

/**
 * Encodes one value. `parts()` yields the bytes to write in order, the first being a header
 * placeholder; once it is done, `header()` is the header to write over it (at offset 0).
 */
export class SpillEncoder {
  readonly #value: unknown;
  readonly #chunk: number;
  readonly #rawPart: number;
  #buf: Buffer;
  #pos = 0;
  #ready: Uint8Array[] = [];
  #skeletonBytes = 0;
  #tableBytes = 0;
  readonly #wins: Win[] = [];
  readonly #bufIndex = new Map<ArrayBufferLike, number>();
  #done = false;

  constructor(value: unknown, limits: CodecLimits = {}) {
    this.#value = value;
    this.#chunk = Math.max(64, Math.floor(limits.chunk ?? 1 << 16));
    this.#rawPart = Math.max(1, Math.floor(limits.rawPart ?? 1 << 28));
    this.#buf = Buffer.allocUnsafe(this.#chunk);
  }

  /** The header, once `parts()` has run to its end. */
  header(): Buffer {
    if (!this.#done) throw new Error('internal: SpillEncoder.header() before parts() ended');
    const h = Buffer.alloc(HEADER_BYTES);
    h.write(MAGIC, 0, 'latin1');
    h.writeDoubleLE(this.#skeletonBytes, 8);
    h.writeDoubleLE(this.#tableBytes, 16);
    h.writeDoubleLE(this.#wins.length, 24);
    return h;
  }

  /** Yields the encoded value's parts, each at most the chunk limit (raw data: the raw limit). */
  *parts(): Generator<Uint8Array> {
    yield Buffer.alloc(HEADER_BYTES);
    const ids = new Map<object, number>();
    const frames: Frame[] = [];
    this.#token(this.#value, ids, frames);
    while (frames.length > 0) {
      const f = frames[frames.length - 1] as Frame;
      const depth = frames.length;
      // Children of the top container, in order, until one opens a container of its own.
      while (frames.length === depth) {
        if (f.i >= f.items.length) {
          frames.pop();
          break;
        }
        if (f.kind === Tag.ARRAY) {
          const a = f.items;
          const i = f.i++;
          if (i in a) this.#token(a[i], ids, frames);
          else this.#u8(Tag.HOLE);
        } else if (f.kind === Tag.OBJECT) {
          const k = f.items[f.i] as string;
          if (!f.keyDone) {
            this.#string(k);
            f.keyDone = true;
          } else {
            f.keyDone = false;
            f.i++;
            this.#token((f.obj as Record<string, unknown>)[k], ids, frames);
          }
        } else {
          this.#token(f.items[f.i++], ids, frames);
        }
        if (this.#ready.length > 0) yield* this.#takeReady();
      }
    }
    this.#flush();
    yield* this.#takeReady();
    this.#skeletonBytes = this.#sent;
    // The table: what each buffer keeps.
    for (const w of this.#wins) {
      if (w.hi - w.lo >= w.buf.byteLength / 2 || w.buf.byteLength <= WHOLE_BELOW) {
        w.lo = 0;
        w.hi = w.buf.byteLength;
      }
      this.#ensure(TABLE_ENTRY_BYTES);
      this.#buf[this.#pos++] = w.shared ? 1 : 0;
      this.#pos = this.#buf.writeDoubleLE(w.hi - w.lo, this.#pos);
      this.#pos = this.#buf.writeDoubleLE(w.lo, this.#pos);
      if (this.#ready.length > 0) yield* this.#takeReady();
    }
    this.#flush();
    yield* this.#takeReady();
    this.#tableBytes = this.#sent - this.#skeletonBytes;
    for (const w of this.#wins) {
      for (let at = w.lo; at < w.hi; at += this.#rawPart) yield new Uint8Array(w.buf, at, Math.min(this.#rawPart, w.hi - at));
    }
    this.#done = true;
  }

  #sent = 0;
  *#takeReady(): Generator<Uint8Array> {
    const r = this.#ready;
    this.#ready = [];
    for (const p of r) {
      this.#sent += p.byteLength;
      yield p;
    }
  }

  #flush(): void {
    if (this.#pos === 0) return;
    this.#ready.push(this.#buf.subarray(0, this.#pos));
    this.#buf = Buffer.allocUnsafe(this.#chunk);
    this.#pos = 0;
  }

  #ensure(n: number): void {
    if (this.#pos + n > this.#chunk) this.#flush();
  }

  #u8(x: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = x;
  }

  #tagF64(tag: number, x: number): void {
    this.#ensure(9);
    this.#buf[this.#pos++] = tag;
    this.#pos = this.#buf.writeDoubleLE(x, this.#pos);
  }

  #tagU32(tag: number, x: number): void {
    this.#ensure(5);
    this.#buf[this.#pos++] = tag;
    this.#pos = this.#buf.writeUInt32LE(x, this.#pos);
  }

  #string(s: string): void {
    const wellFormed = (s as unknown as { isWellFormed(): boolean }).isWellFormed();
    // Short strings: written in place (UTF-8 takes at most 3 bytes per UTF-16 unit), the length after.
    if (wellFormed && 5 + 3 * s.length <= this.#chunk) {
      this.#ensure(5 + 3 * s.length);
      const at = this.#pos;
      const buf = this.#buf;
      let n = 0;
      // Short ASCII in a JS loop: cheaper than a call into native code per string.
      if (s.length <= 32) {
        for (; n < s.length; n++) {
          const c = s.charCodeAt(n);
          if (c >= 0x80) break;
          buf[at + 5 + n] = c;
        }
      }
      if (n < s.length) n = buf.write(s, at + 5, 'utf8');
      this.#buf[at] = Tag.STR_UTF8;
      this.#buf.writeUInt32LE(n, at + 1);
      this.#pos = at + 5 + n;
      return;
    }
    const enc = wellFormed ? 'utf8' : 'utf16le';
    const n = wellFormed ? Buffer.byteLength(s, 'utf8') : 2 * s.length;
    this.#tagU32(wellFormed ? Tag.STR_UTF8 : Tag.STR_UTF16, n);
    if (this.#pos + n <= this.#chunk) {
      this.#pos += this.#buf.write(s, this.#pos, enc);
      return;
    }
    this.#flush();
    if (n <= this.#chunk) {
      this.#pos += this.#buf.write(s, 0, enc);
      return;
    }
    const whole = Buffer.from(s, enc);
    for (let at = 0; at < n; at += this.#chunk) this.#ready.push(whole.subarray(at, Math.min(n, at + this.#chunk)));
  }

  /** Writes a buffer reference (a REF, or its first sight) and widens its kept window. */
  #bufferRef(buf: ArrayBufferLike, lo: number, hi: number, ids: Map<object, number>): void {
    const seen = ids.get(buf);
    if (seen !== undefined) {
      this.#tagU32(Tag.REF, seen);
      const w = this.#wins[this.#bufIndex.get(buf) as number] as Win;
      if (lo < w.lo) w.lo = lo;
      if (hi > w.hi) w.hi = hi;
      return;
    }
    ids.set(buf, ids.size);
    this.#bufIndex.set(buf, this.#wins.length);
    this.#tagU32(Tag.ARRAY_BUFFER, this.#wins.length);
    this.#wins.push({ buf, shared: typeof SharedArrayBuffer !== 'undefined' && buf instanceof SharedArrayBuffer, lo, hi });
  }

  #token(v: unknown, ids: Map<object, number>, frames: Frame[]): void {
    switch (typeof v) {
      case 'undefined':
        this.#u8(Tag.UNDEFINED);
        return;
      case 'boolean':
        this.#u8(v ? Tag.TRUE : Tag.FALSE);
        return;
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          this.#ensure(5);
          this.#buf[this.#pos++] = Tag.INT32;
          this.#pos = this.#buf.writeInt32LE(v, this.#pos);
        } else {
          this.#tagF64(Tag.FLOAT64, v);
        }
        return;
      case 'string':
        this.#string(v);
        return;
      case 'bigint':
        this.#u8(Tag.BIGINT);
        this.#string(v.toString(16));
        return;
      case 'object':
        break;
      default:
        throw unencodable(this.#value, v);
    }
    if (v === null) {
      this.#u8(Tag.NULL);
      return;
    }
    const seen = ids.get(v);
    if (seen !== undefined) {
      this.#tagU32(Tag.REF, seen);
      return;
    }
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === Object.prototype || proto === null) {
      ids.set(v, ids.size);
      const keys = Object.keys(v);
      this.#tagU32(proto === null ? Tag.OBJECT_NULL_PROTO : Tag.OBJECT, keys.length);
      if (keys.length > 0) frames.push({ kind: Tag.OBJECT, obj: v, items: keys, i: 0, keyDone: false });
      return;
    }
    if (proto === Array.prototype) {
      ids.set(v, ids.size);
      const a = v as unknown[];
      this.#tagU32(Tag.ARRAY, a.length);
      if (a.length > 0) frames.push({ kind: Tag.ARRAY, obj: a, items: a, i: 0, keyDone: false });
      return;
    }
    const code = VIEW_CODE.get(proto as object);
    if (code !== undefined) {
      ids.set(v, ids.size);
      const view = v as ArrayBufferView;
      const length = code === DATAVIEW_CODE || code === BUFFER_CODE ? view.byteLength : (view as Uint8Array).length;
      this.#ensure(18);
      this.#buf[this.#pos++] = Tag.VIEW;
      this.#buf[this.#pos++] = code;
      this.#pos = this.#buf.writeDoubleLE(view.byteOffset, this.#pos);
      this.#pos = this.#buf.writeDoubleLE(length, this.#pos);
      this.#bufferRef(view.buffer, view.byteOffset, view.byteOffset + view.byteLength, ids);
      return;
    }
    if (proto === ArrayBuffer.prototype || (typeof SharedArrayBuffer !== 'undefined' && proto === SharedArrayBuffer.prototype)) {
      const buf = v as ArrayBufferLike;
      this.#bufferRef(buf, 0, buf.byteLength, ids);
      return;
    }
    if (proto === Map.prototype) {
      ids.set(v, ids.size);
      const m = v as Map<unknown, unknown>;
      this.#tagU32(Tag.MAP, m.size);
      const items: unknown[] = [];
      for (const [k, x] of m) items.push(k, x);
      if (items.length > 0) frames.push({ kind: Tag.MAP, obj: v, items, i: 0, keyDone: false });
      return;
    }
    if (proto === Set.prototype) {
      ids.set(v, ids.size);
      const items = [...(v as Set<unknown>)];
      this.#tagU32(Tag.SET, items.length);
      if (items.length > 0) frames.push({ kind: Tag.SET, obj: v, items, i: 0, keyDone: false });
      return;
    }
    ids.set(v, ids.size);
    if (proto === Date.prototype) this.#tagF64(Tag.DATE, (v as Date).getTime());
    else if (proto === RegExp.prototype) {
      this.#u8(Tag.REGEXP);
      this.#string((v as RegExp).source);
      this.#string((v as RegExp).flags);
    } else if (proto === Number.prototype) this.#tagF64(Tag.BOXED_NUMBER, Number.prototype.valueOf.call(v));
    else if (proto === Boolean.prototype) {
      this.#u8(Tag.BOXED_BOOLEAN);
      this.#u8(Boolean.prototype.valueOf.call(v) ? 1 : 0);
    } else if (proto === String.prototype) {
      this.#u8(Tag.BOXED_STRING);
      this.#string(String.prototype.valueOf.call(v));
    } else if (proto === BigInt.prototype) {
      this.#u8(Tag.BOXED_BIGINT);
      this.#string(BigInt.prototype.valueOf.call(v).toString(16));
    } else throw unencodable(this.#value, v);
  }
}

/** Encodes a value in memory as its parts, the header in place (for tests and small values). */
export function encodeValue(value: unknown, limits?: CodecLimits): Uint8Array[] {
  const enc = new SpillEncoder(value, limits);
  const parts = [...enc.parts()];
  parts[0] = enc.header();
  return parts;
}
