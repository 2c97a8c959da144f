/**
 * One dictionary per string column over all inputs of a range shuffle, and for each input the
 * map from its codes to the global ones. The global strings go to every collect task as one
 * joined string (a single copy each) and as UTF-8 bytes on shared memory, from which each
 * output's dictionary bytes are copied (see arrow.ts: the main thread encodes nothing).
 *
 * When every input dictionary is ASCII (the usual case), entries are compared as bytes in an
 * open-addressing table keyed by their hash: no string is made per entry, where a Map needs
 * one (and its hashing and garbage) for each of the hundreds of thousands of entries a column
 * of timestamps-as-text has.
 */
import { allocI32, allocU8, intern, type ColumnData, type Partition } from './columns.js';
import { unpack, type PackedDict } from './sort-input.js';
import { ColumnNotFoundError } from '../errors.js';

/** The global dictionaries of the string columns, and each input's code map into them. */
export interface UnifiedDicts {
  names: string[];
  /** Per column: every distinct string, joined, and the n + 1 offsets that cut it. */
  joined: string[];
  offsets: Int32Array[];
  /** Per column, per input partition: global code of each local code. */
  remaps: Int32Array[][];
  /** Per column: the strings as UTF-8, and the n + 1 byte offsets of the entries. */
  utf8: { data: Uint8Array; offsets: Int32Array }[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Input `i`'s packed dictionary of column `name`. */
function packedOf(dicts: Record<string, PackedDict>, name: string, i: number): PackedDict {
  const d = dicts[name];
  if (d === undefined) throw new ColumnNotFoundError(name, Object.keys(dicts), `sort (input ${i}, string columns)`);
  return d;
}

/** Strings as UTF-8 bytes end to end with the byte offset of each (on shared memory). */
function encodeAll(all: string[], joined: string, offsets: Int32Array): { data: Uint8Array; offsets: Int32Array } {
  const bytes = encoder.encode(joined);
  if (bytes.length === joined.length) {
    // All ASCII: byte offsets are string offsets.
    const data = allocU8(bytes.length);
    data.set(bytes);
    return { data, offsets };
  }
  // Encoded one by one: a surrogate split between two entries must not pair up.
  const parts = all.map((x) => encoder.encode(x));
  const boffs = allocI32(all.length + 1);
  parts.forEach((b, g) => (boffs[g + 1] = (boffs[g] as number) + b.length));
  const data = allocU8(boffs[all.length] as number);
  parts.forEach((b, g) => data.set(b, boffs[g] as number));
  return { data, offsets: boffs };
}

/** Global dictionaries for the string columns `names` over all partitions (in input order). */
export function unifyDicts(names: string[], ...parts: Record<string, PackedDict>[]): UnifiedDicts {
  const out: UnifiedDicts = { names, joined: [], offsets: [], remaps: [], utf8: [] };
  for (const name of names) {
    const cols = parts.map((p, i) => packedOf(p, name, i));
    const u = unifyAscii(cols) ?? unifyStrings(cols);
    out.joined.push(u.joined);
    out.offsets.push(u.offsets);
    out.remaps.push(u.remaps);
    out.utf8.push(u.utf8);
  }
  return out;
}

interface Unified {
  joined: string;
  offsets: Int32Array;
  remaps: Int32Array[];
  utf8: { data: Uint8Array; offsets: Int32Array };
}

/** Through a Map of strings (any text). */
function unifyStrings(cols: PackedDict[]): Unified {
  const seen = new Map<string, number>();
  const all: string[] = [];
  const remaps = cols.map((c) => {
    const dict = unpack(c);
    const remap = allocI32(dict.length);
    for (let e = 0; e < dict.length; e++) {
      remap[e] = intern(all, seen, dict[e] as string);
    }
    return remap;
  });
  const offsets = allocI32(all.length + 1);
  for (let g = 0; g < all.length; g++) offsets[g + 1] = (offsets[g] as number) + (all[g] as string).length;
  const joined = all.join('');
  return { joined, offsets, remaps, utf8: encodeAll(all, joined, offsets) };
}

/** FNV-1a over bytes [a, b). */
function hashBytes(x: Uint8Array, a: number, b: number): number {
  let h = 0x811c9dc5;
  for (let i = a; i < b; i++) h = Math.imul(h ^ (x[i] as number), 0x01000193);
  return h;
}

/** Through a hash table over the bytes, when every dictionary is ASCII; else undefined. */
function unifyAscii(cols: PackedDict[]): Unified | undefined {
  const bytes: Uint8Array[] = [];
  for (const c of cols) {
    const b = encoder.encode(c.joined ?? '');
    if (b.length !== (c.joined ?? '').length) return undefined;
    bytes.push(b);
  }
  const offs = cols.map((c) => c.offsets ?? new Int32Array(1));
  let total = 0;
  for (const o of offs) total += o.length - 1;
  let cap = 1024;
  while (cap < 2 * total) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  // Global entry g is entry ent[g] of input src[g], with hash hash[g].
  const src = new Int32Array(total);
  const ent = new Int32Array(total);
  const hash = new Int32Array(total);
  let G = 0;
  let size = 0;
  const remaps = cols.map((_, i) => {
    const x = bytes[i] as Uint8Array;
    const o = offs[i] as Int32Array;
    const m = o.length - 1;
    const remap = allocI32(m);
    for (let e = 0; e < m; e++) {
      const a = o[e] as number;
      const b = o[e + 1] as number;
      const h = hashBytes(x, a, b);
      let slot = h & mask;
      for (;;) {
        const g = table[slot] as number;
        if (g < 0) {
          table[slot] = G;
          src[G] = i;
          ent[G] = e;
          hash[G] = h;
          remap[e] = G++;
          size += b - a;
          break;
        }
        if (hash[g] === h) {
          const y = bytes[src[g] as number] as Uint8Array;
          const yo = offs[src[g] as number] as Int32Array;
          const c = yo[ent[g] as number] as number;
          if ((yo[(ent[g] as number) + 1] as number) - c === b - a) {
            let k = 0;
            while (k < b - a && x[a + k] === y[c + k]) k++;
            if (k === b - a) {
              remap[e] = g;
              break;
            }
          }
        }
        slot = (slot + 1) & mask;
      }
    }
    return remap;
  });
  // The distinct entries end to end, as bytes and (ASCII) as one string.
  const data = allocU8(size);
  const offsets = allocI32(G + 1);
  let pos = 0;
  for (let g = 0; g < G; g++) {
    const x = bytes[src[g] as number] as Uint8Array;
    const o = offs[src[g] as number] as Int32Array;
    const end = o[(ent[g] as number) + 1] as number;
    for (let k = o[ent[g] as number] as number; k < end; k++) data[pos++] = x[k] as number;
    offsets[g + 1] = pos;
  }
  const joined = decoder.decode(data);
  return { joined, offsets, remaps, utf8: { data, offsets } };
}

/** A packed partition (string dictionaries as UTF-8 only, see rangeCollect) with its strings. */
export function unpackDicts(p: Partition): Partition {
  const columns = p.columns.map((c): ColumnData => {
    if (c.type !== 'utf8' || c.dict !== undefined || c.dictUtf8 === undefined) return c;
    const { data, offsets } = c.dictUtf8;
    const m = offsets.length - 1;
    const text = decoder.decode(data);
    const dict = new Array<string>(m);
    if (text.length === data.length) {
      // ASCII: byte offsets are string offsets.
      for (let e = 0; e < m; e++) dict[e] = text.slice(offsets[e] as number, offsets[e + 1] as number);
    } else {
      for (let e = 0; e < m; e++) dict[e] = decoder.decode(data.subarray(offsets[e] as number, offsets[e + 1] as number));
    }
    return { ...c, dict };
  });
  return { ...p, columns };
}
