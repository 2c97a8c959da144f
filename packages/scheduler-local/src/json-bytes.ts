/**
 * A JSON writer into bytes: writes what `JSON.stringify` would, as UTF-8, straight into a
 * Uint8Array over a SharedArrayBuffer, so a batch's members cross to a worker thread without
 * a string on the main thread's heap. JSON.stringify of a batch builds its text in parts and
 * postMessage flattens them into one more copy: about 250 bytes of garbage per task, and on a
 * graph of millions of tasks each scavenge of the main thread costs more (V8's fixed cost per
 * scavenge grows with the old generation), so execution per task grew with the graph.
 * Writes only what survives a JSON round trip unchanged (runtime's `survivesJson`); anything
 * else makes `value` return false and the caller ships the batch another way.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = '0123456789abcdef';
/** Nesting past this is refused, as survivesJson refuses it. */
const MAX_DEPTH = 256;

export class JsonBytes {
  /** The bytes written so far are `buf[0 .. pos)`; `buf` is replaced by a larger one as needed. */
  buf: Uint8Array;
  pos = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /** Starts writing into `buf` from its start. */
  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.pos = 0;
  }

  /** Makes room for `n` more bytes (a new shared buffer of twice the size, the bytes copied). */
  #room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(new SharedArrayBuffer(Math.max(2 * this.buf.length, this.pos + n)));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Writes one ASCII byte. */
  byte(c: number): void {
    if (this.pos >= this.buf.length) this.#room(1);
    this.buf[this.pos++] = c;
  }

  /** Writes a JSON string literal, escaped as JSON.stringify escapes it (lone surrogates as \\uXXXX). */
  string(s: string): void {
    const n = s.length;
    // Worst case: 6 bytes per UTF-16 unit (\uXXXX), plus the quotes.
    this.#room(6 * n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
          b[p++] = c;
          continue;
        }
        b[p++] = BACKSLASH;
        if (c === QUOTE || c === BACKSLASH) b[p++] = c;
        else if (c === 0x08)
          b[p++] = 0x62; // b
        else if (c === 0x0c)
          b[p++] = 0x66; // f
        else if (c === 0x0a)
          b[p++] = 0x6e; // n
        else if (c === 0x0d)
          b[p++] = 0x72; // r
        else if (c === 0x09)
          b[p++] = 0x74; // t
        else p = unicodeEscape(b, p, c);
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          b[p++] = 0xf0 | (cp >> 18);
          b[p++] = 0x80 | ((cp >> 12) & 0x3f);
          b[p++] = 0x80 | ((cp >> 6) & 0x3f);
          b[p++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          b[p++] = BACKSLASH;
          p = unicodeEscape(b, p, c);
        }
      } else {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      }
    }
    b[p++] = QUOTE;
    this.pos = p;
  }

  /** Writes a finite number other than -0 as JSON.stringify writes it. */
  #number(x: number): void {
    if (Number.isInteger(x) && x >= 0 && x < 2 ** 31) {
      this.#room(10);
      if (x === 0) {
        this.buf[this.pos++] = 0x30;
        return;
      }
      let digits = 0;
      for (let y = x; y > 0; y = Math.floor(y / 10)) digits++;
      let p = this.pos + digits;
      this.pos = p;
      for (let y = x; y > 0; y = Math.floor(y / 10)) this.buf[--p] = 0x30 + (y % 10);
      return;
    }
    const s = String(x);
    this.#room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  /**
   * Writes `x` as JSON; returns false (having written part of it) when `x` would not come back
   * from a JSON round trip equal to itself: undefined, functions, symbols, bigints, NaN,
   * infinities, -0, holes, class instances, nesting past 256 levels.
   */
  value(x: unknown, depth = 0): boolean {
    switch (typeof x) {
      case 'string':
        this.string(x);
        return true;
      case 'boolean':
        return this.#ascii(x ? 'true' : 'false');
      case 'number':
        if (!Number.isFinite(x) || Object.is(x, -0)) return false;
        this.#number(x);
        return true;
      case 'object': {
        if (x === null) return this.#ascii('null');
        if (depth > MAX_DEPTH) return false;
        if (Array.isArray(x)) {
          this.byte(0x5b);
          for (let i = 0; i < x.length; i++) {
            if (i > 0) this.byte(0x2c);
            if (!(i in x) || !this.value(x[i], depth + 1)) return false;
          }
          this.byte(0x5d);
          return true;
        }
        const proto = Object.getPrototypeOf(x) as unknown;
        if (proto !== Object.prototype && proto !== null) return false;
        this.byte(0x7b);
        let first = true;
        for (const k in x) {
          if (!first) this.byte(0x2c);
          first = false;
          this.string(k);
          this.byte(0x3a);
          if (!this.value((x as Record<string, unknown>)[k], depth + 1)) return false;
        }
        this.byte(0x7d);
        return true;
      }
      default:
        return false;
    }
  }

  #ascii(s: string): true {
    this.#room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
    return true;
  }
}

/** Writes `u` followed by four hex digits of `c` at `p` (the backslash is already written). */
function unicodeEscape(b: Uint8Array, p: number, c: number): number {
  b[p++] = 0x75; // u
  b[p++] = HEX.charCodeAt((c >> 12) & 15);
  b[p++] = HEX.charCodeAt((c >> 8) & 15);
  b[p++] = HEX.charCodeAt((c >> 4) & 15);
  b[p++] = HEX.charCodeAt(c & 15);
  return p;
}
