/**
 * Byte search over a file read through a `read` function (the readers' only file access):
 * memchr-backed search in a buffer and the line number of a byte, for error messages.
 */

/** Reads up to `length` bytes at file `position` into buf at `offset`; returns the count. */
export type ReadFn = (buf: Uint8Array, offset: number, length: number, position: number) => number;

const LF = 10;

/** A searchable view of a buffer: Node's Buffer.indexOf is memchr, far faster than Uint8Array's. */
export function searchable(u: Uint8Array): Uint8Array {
  const B = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): Uint8Array } }).Buffer;
  return B === undefined ? u : B.from(u.buffer, u.byteOffset, u.byteLength);
}

/** How many times `byte` occurs in bytes [a, b) of a file, read through `buf`. */
function countByte(read: ReadFn, buf: Uint8Array, byte: number, a: number, b: number): number {
  let n = 0;
  let pos = a;
  const find = searchable(buf);
  while (pos < b) {
    const got = read(buf, 0, Math.min(buf.length, b - pos), pos);
    if (got <= 0) break;
    let k = find.indexOf(byte, 0);
    while (k >= 0 && k < got) {
      n++;
      k = find.indexOf(byte, k + 1);
    }
    pos += got;
  }
  return n;
}

/** The 1-based line number of file byte `pos` (counts newlines before it). */
export function lineOf(read: ReadFn, pos: number): number {
  return 1 + countByte(read, new Uint8Array(1 << 16), LF, 0, pos);
}
