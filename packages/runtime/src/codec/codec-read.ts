/**
 * The spill codec, reading side (the format is in codec.ts). The skeleton is read as chunks
 * and decoded by a loop over an explicit stack of open containers (no recursion); the
 * buffers are allocated from the table first, and their bytes are read straight into them
 * afterwards, in parts no larger than the caller's limit, so a value over 2 GiB is never one
 * read or one Buffer.
 */
import { BUFFER_CODE, DATAVIEW_CODE, HEADER_BYTES, MAGIC, TABLE_ENTRY_BYTES, Tag, VIEW_CTORS } from './codec.js';

/** The header's figures. */
export interface Layout {
  skeletonBytes: number;
  tableBytes: number;
  buffers: number;
}

/** Reads the header; throws when it is not a spill file's. */
export function readHeader(h: Uint8Array): Layout {
  const b = Buffer.from(h.buffer, h.byteOffset, h.byteLength);
  if (b.byteLength < HEADER_BYTES || b.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a tsdask spill file (bad header)');
  const layout = { skeletonBytes: b.readDoubleLE(8), tableBytes: b.readDoubleLE(16), buffers: b.readDoubleLE(24) };
  if (layout.tableBytes !== layout.buffers * TABLE_ENTRY_BYTES) throw new Error('corrupt tsdask spill file (table size)');
  return layout;
}

/** Bytes read through a list of chunks, across their boundaries. */
class ChunkReader {
  readonly #chunks: Buffer[];
  #ci = 0;
  #cur: Buffer;
  #pos = 0;
  constructor(chunks: Uint8Array[]) {
    this.#chunks = chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    this.#cur = this.#chunks[0] ?? Buffer.alloc(0);
  }

  /** The next n bytes: a view when they lie in one chunk, else a copy. */
  bytes(n: number): Buffer {
    if (this.#pos + n <= this.#cur.length) {
      const out = this.#cur.subarray(this.#pos, this.#pos + n);
      this.#pos += n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      if (this.#pos === this.#cur.length) {
        if (++this.#ci >= this.#chunks.length) throw new Error('corrupt tsdask spill file (skeleton ends early)');
        this.#cur = this.#chunks[this.#ci] as Buffer;
        this.#pos = 0;
        continue;
      }
      const take = Math.min(n - got, this.#cur.length - this.#pos);
      this.#cur.copy(out, got, this.#pos, this.#pos + take);
      got += take;
      this.#pos += take;
    }
    return out;
  }

  u8(): number {
    if (this.#pos < this.#cur.length) return this.#cur[this.#pos++] as number;
    return this.bytes(1)[0] as number;
  }

  u32(): number {
    if (this.#pos + 4 <= this.#cur.length) {
      const x = this.#cur.readUInt32LE(this.#pos);
      this.#pos += 4;
      return x;
    }
    return this.bytes(4).readUInt32LE(0);
  }

  i32(): number {
    if (this.#pos + 4 <= this.#cur.length) {
      const x = this.#cur.readInt32LE(this.#pos);
      this.#pos += 4;
      return x;
    }
    return this.bytes(4).readInt32LE(0);
  }

  f64(): number {
    if (this.#pos + 8 <= this.#cur.length) {
      const x = this.#cur.readDoubleLE(this.#pos);
      this.#pos += 8;
      return x;
    }
    return this.bytes(8).readDoubleLE(0);
  }

  string(tag: number): string {
    const n = this.u32();
    if (this.#pos + n <= this.#cur.length) {
      const s = this.#cur.toString(tag === Tag.STR_UTF8 ? 'utf8' : 'utf16le', this.#pos, this.#pos + n);
      this.#pos += n;
      return s;
    }
    return this.bytes(n).toString(tag === Tag.STR_UTF8 ? 'utf8' : 'utf16le');
  }
}

/** A buffer of the decoded value and where its kept bytes go. */
export interface BufferFill {
  buffer: ArrayBuffer | SharedArrayBuffer;
  bytes: number;
}

/** An open container on the decoder's stack. */
interface Frame {
  obj: unknown;
  tag: number;
  left: number;
  index: number;
  key: unknown;
  hasKey: boolean;
}

function bigintOf(hex: string): bigint {
  return hex.startsWith('-') ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
}

/**
 * Decodes a skeleton and its table. The buffers come back allocated but empty: the caller
 * reads each one's kept bytes (in `fills` order, from the data section) into it.
 */
export function decodeSkeleton(skeleton: Uint8Array[], table: Uint8Array[], layout: Layout): { value: unknown; fills: BufferFill[] } {
  const t = new ChunkReader(table);
  const fills: BufferFill[] = [];
  const shift: number[] = [];
  for (let i = 0; i < layout.buffers; i++) {
    const shared = t.u8() === 1;
    const bytes = t.f64();
    shift.push(t.f64());
    fills.push({ buffer: shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), bytes });
  }
  const r = new ChunkReader(skeleton);
  const ids: unknown[] = [];
  const frames: Frame[] = [];

  /** Reads one token; a container with children comes back with `open` set. */
  let open: Frame | undefined;
  let hole = false;
  const bufIndex = new Map<unknown, number>(fills.map((f, i) => [f.buffer, i]));
  const token = (): unknown => {
    const tag = r.u8();
    switch (tag) {
      case Tag.UNDEFINED:
        return undefined;
      case Tag.HOLE:
        hole = true;
        return undefined;
      case Tag.NULL:
        return null;
      case Tag.TRUE:
        return true;
      case Tag.FALSE:
        return false;
      case Tag.INT32:
        return r.i32();
      case Tag.FLOAT64:
        return r.f64();
      case Tag.STR_UTF8:
      case Tag.STR_UTF16:
        return r.string(tag);
      case Tag.BIGINT:
        return bigintOf(r.string(r.u8()));
      case Tag.REF: {
        const id = r.u32();
        if (id >= ids.length) throw new Error('corrupt tsdask spill file (reference ahead)');
        return ids[id];
      }
      case Tag.ARRAY:
      case Tag.OBJECT:
      case Tag.OBJECT_NULL_PROTO:
      case Tag.MAP:
      case Tag.SET: {
        const n = r.u32();
        const obj =
          tag === Tag.ARRAY
            ? new Array(n)
            : tag === Tag.OBJECT
              ? {}
              : tag === Tag.OBJECT_NULL_PROTO
                ? Object.create(null)
                : tag === Tag.MAP
                  ? new Map()
                  : new Set();
        ids.push(obj);
        if (n > 0)
          open = {
            obj,
            tag,
            left: tag === Tag.MAP || tag === Tag.OBJECT || tag === Tag.OBJECT_NULL_PROTO ? 2 * n : n,
            index: 0,
            key: undefined,
            hasKey: false,
          };
        return obj;
      }
      case Tag.ARRAY_BUFFER: {
        const i = r.u32();
        const f = fills[i];
        if (f === undefined || shift[i] !== 0) throw new Error('corrupt tsdask spill file (buffer)');
        ids.push(f.buffer);
        return f.buffer;
      }
      case Tag.VIEW: {
        const code = r.u8();
        const offset = r.f64();
        const length = r.f64();
        const at = ids.length;
        ids.push(undefined);
        const bt = r.u8();
        let buffer: ArrayBufferLike;
        let i: number;
        if (bt === Tag.REF) {
          buffer = ids[r.u32()] as ArrayBufferLike;
          i = bufIndex.get(buffer) ?? -1;
          if (i < 0) throw new Error('corrupt tsdask spill file (view over a non-buffer)');
        } else if (bt === Tag.ARRAY_BUFFER) {
          i = r.u32();
          buffer = (fills[i] as BufferFill).buffer;
          ids.push(buffer);
        } else throw new Error('corrupt tsdask spill file (view without buffer)');
        const off = offset - (shift[i] as number);
        const view =
          code === BUFFER_CODE
            ? Buffer.from(buffer as ArrayBuffer, off, length)
            : code === DATAVIEW_CODE
              ? new DataView(buffer, off, length)
              : new (VIEW_CTORS[code] as Float64ArrayConstructor)(buffer as ArrayBuffer, off, length);
        ids[at] = view;
        return view;
      }
      case Tag.DATE: {
        const d = new Date(r.f64());
        ids.push(d);
        return d;
      }
      case Tag.REGEXP: {
        const source = r.string(r.u8());
        const re = new RegExp(source, r.string(r.u8()));
        ids.push(re);
        return re;
      }
      case Tag.BOXED_NUMBER:
        return pushed(ids, Object(r.f64()));
      case Tag.BOXED_BOOLEAN:
        return pushed(ids, Object(r.u8() === 1));
      case Tag.BOXED_STRING:
        return pushed(ids, Object(r.string(r.u8())));
      case Tag.BOXED_BIGINT:
        return pushed(ids, Object(bigintOf(r.string(r.u8()))));
      default:
        throw new Error(`corrupt tsdask spill file (unknown tag ${tag})`);
    }
  };

  const root = token();
  if (open !== undefined) frames.push(open);
  open = undefined;
  while (frames.length > 0) {
    const f = frames[frames.length - 1] as Frame;
    if (f.left === 0) {
      frames.pop();
      continue;
    }
    const v = token();
    f.left--;
    switch (f.tag) {
      case Tag.ARRAY:
        if (hole) {
          hole = false;
          f.index++;
        } else (f.obj as unknown[])[f.index++] = v;
        break;
      case Tag.SET:
        (f.obj as Set<unknown>).add(v);
        break;
      default:
        if (!f.hasKey) {
          f.key = v;
          f.hasKey = true;
        } else {
          if (f.tag === Tag.MAP) (f.obj as Map<unknown, unknown>).set(f.key, v);
          else if (f.key === '__proto__') Object.defineProperty(f.obj, '__proto__', { value: v, writable: true, enumerable: true, configurable: true });
          else (f.obj as Record<string, unknown>)[f.key as string] = v;
          f.hasKey = false;
        }
    }
    if (open !== undefined) {
      frames.push(open);
      open = undefined;
    }
  }
  return { value: root, fills };
}

function pushed(ids: unknown[], v: unknown): unknown {
  ids.push(v);
  return v;
}

/** Decodes a whole encoded value held in memory (see `encodeValue`). */
export function decodeValue(data: Uint8Array): unknown {
  const layout = readHeader(data.subarray(0, HEADER_BYTES));
  const sk = HEADER_BYTES;
  const tb = sk + layout.skeletonBytes;
  let at = tb + layout.tableBytes;
  const { value, fills } = decodeSkeleton([data.subarray(sk, tb)], [data.subarray(tb, at)], layout);
  for (const f of fills) {
    new Uint8Array(f.buffer, 0, f.bytes).set(data.subarray(at, at + f.bytes));
    at += f.bytes;
  }
  return value;
}
