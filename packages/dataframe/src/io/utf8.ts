/**
 * Finding where bytes stop being UTF-8, for the error that names the line (the reader checks
 * whole buffers with a fast validator first and comes here only when one fails).
 */
import { CsvEncodingError } from '../errors.js';

/** The offset, from s, of the first byte in [s, e) that does not belong to valid UTF-8 (e - s when all do). */
export function firstInvalidUtf8(b: Uint8Array, s: number, e: number): number {
  let i = s;
  while (i < e) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Sequence length and the allowed range of the second byte (no overlongs, no surrogates, <= U+10FFFF).
    let n = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i - s;
    if (i + n >= e) return i - s;
    const c1 = b[i + 1] as number;
    if (c1 < lo || c1 > hi) return i - s;
    for (let k = 2; k <= n; k++) {
      const ck = b[i + k] as number;
      if (ck < 0x80 || ck > 0xbf) return i - s;
    }
    i += n + 1;
  }
  return e - s;
}

/** Decodes bytes in `encoding` ('latin1' is ISO-8859-1, as Python reads it), or throws at the first invalid byte's offset. */
export function decodeBytes(bytes: Uint8Array, encoding: string, stream = false): string {
  const enc = normalizeEncoding(encoding);
  if (enc === 'latin1') {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return out;
  }
  return new TextDecoder(enc, { fatal: true }).decode(bytes, { stream });
}

/** A canonical name for an encoding label: 'utf-8', 'latin1', or what TextDecoder calls it. */
export function normalizeEncoding(encoding: string): string {
  const e = encoding.trim().toLowerCase().replace(/_/g, '-');
  if (e === 'utf8' || e === 'utf-8') return 'utf-8';
  if (e === 'latin1' || e === 'latin-1' || e === 'iso-8859-1' || e === 'iso8859-1' || e === 'l1') return 'latin1';
  return new TextDecoder(e).encoding;
}

/**
 * Decodes a file's bytes (or a head of them, `partial`: a character cut at the end is left
 * out) in `encoding`; bytes that are not valid in it are a CsvEncodingError naming the line.
 */
export function decodeFile(bytes: Uint8Array, encoding: string, file: string, partial = false): string {
  try {
    return decodeBytes(bytes, encoding, partial);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const enc = normalizeEncoding(encoding);
    let offset: number;
    let line = 1;
    if (enc === 'utf-8') {
      offset = firstInvalidUtf8(bytes, 0, bytes.length);
      for (let k = bytes.indexOf(10); k >= 0 && k < offset; k = bytes.indexOf(10, k + 1)) line++;
    } else {
      // Where the lenient decoding first put a replacement character.
      const text = new TextDecoder(enc).decode(bytes, { stream: partial });
      const at = text.indexOf('\ufffd');
      for (let k = text.indexOf('\n'); k >= 0 && k < at; k = text.indexOf('\n', k + 1)) line++;
      const bom = enc.startsWith('utf-16') && (bytes[0] === 0xff || bytes[0] === 0xfe) && (bytes[1] === 0xff || bytes[1] === 0xfe) ? 2 : 0;
      // Exact in UTF-16 and single-byte encodings; in multi-byte ones, the character's index.
      offset = enc.startsWith('utf-16') ? bom + 2 * Math.max(0, at) : Math.max(0, at);
    }
    throw new CsvEncodingError(file, line, enc, offset);
  }
}
