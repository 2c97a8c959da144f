/**
 * Interns byte strings into dictionary codes without making a JavaScript string per row: an
 * open-addressing hash table over the bytes; a string is decoded once, when first seen.
 */
const decoder = new TextDecoder('utf-8');

/** FNV-1a (32-bit): h = FNV_SEED, then h = Math.imul(h ^ byte, FNV_PRIME) per byte. */
export const FNV_SEED = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** Byte strings to dictionary codes. */
export class ByteInterner {
  private table = new Int32Array(1024);
  private mask = 1023;
  private hashes: Int32Array = new Int32Array(256);
  private starts: Int32Array = new Int32Array(256);
  private ends: Int32Array = new Int32Array(256);
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  /** The decoded strings, by code. */
  readonly dict: string[] = [];
  // A direct-mapped cache of short strings (1 to 4 bytes, packed little-endian into one int
  // with their length): a hit is exact, a miss goes to the table and replaces the entry.
  private readonly shortKey = new Int32Array(4096);
  private readonly shortLen = new Uint8Array(4096);
  private readonly shortCode = new Int32Array(4096);

  /**
   * The code of bytes [s, e) of buf, 1 to 4 of them, whose little-endian packing is v (the
   * caller's): one compare on a cache hit, else as intern.
   */
  internShort(buf: Uint8Array, s: number, e: number, v: number): number {
    const len = e - s;
    const slot = Math.imul(v ^ (len << 29), 0x9e3779b1) >>> 20;
    if (this.shortKey[slot] === v && this.shortLen[slot] === len) return this.shortCode[slot] as number;
    const code = this.intern(buf, s, e);
    this.shortKey[slot] = v;
    this.shortLen[slot] = len;
    this.shortCode[slot] = code;
    return code;
  }

  /** The code of bytes [s, e) of buf, adding it when new. */
  intern(buf: Uint8Array, s: number, e: number): number {
    let h = FNV_SEED;
    for (let i = s; i < e; i++) h = Math.imul(h ^ (buf[i] as number), FNV_PRIME);
    return this.internHashed(buf, s, e, h);
  }

  /** As intern, with h the FNV-1a hash of the bytes (FNV_SEED, FNV_PRIME) worked out by the caller. */
  internHashed(buf: Uint8Array, s: number, e: number, h: number): number {
    let slot = h & this.mask;
    const len = e - s;
    for (;;) {
      const entry = this.table[slot] as number;
      if (entry === 0) break;
      const code = entry - 1;
      if (this.hashes[code] === h) {
        const a = this.starts[code] as number;
        if ((this.ends[code] as number) - a === len) {
          let same = true;
          for (let k = 0; k < len; k++) {
            if (this.arena[a + k] !== buf[s + k]) {
              same = false;
              break;
            }
          }
          if (same) return code;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    return this.add(buf, s, e, h, slot);
  }

  private add(buf: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const code = this.dict.length;
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      a.set(this.arena.subarray(0, this.used));
      this.arena = a;
    }
    if (code >= this.hashes.length) {
      const grow = (x: Int32Array): Int32Array => {
        const y = new Int32Array(x.length * 2);
        y.set(x);
        return y;
      };
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.arena.set(buf.subarray(s, e), this.used);
    this.hashes[code] = h;
    this.starts[code] = this.used;
    this.ends[code] = this.used + len;
    this.used += len;
    this.dict.push(decoder.decode(buf.subarray(s, e)));
    this.table[slot] = code + 1;
    if ((code + 1) * 2 > this.table.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let code = 0; code < this.dict.length; code++) {
      let slot = (this.hashes[code] as number) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = code + 1;
    }
  }
}
