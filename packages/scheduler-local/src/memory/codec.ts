/**
 * The spill codec: any structured-clonable result to bytes and back. Typed arrays (also on
 * SharedArrayBuffers, which v8.serialize refuses) are written as raw bytes; the rest of the
 * value is a skeleton serialized by v8 with placeholders where the buffers were. Values come
 * back with the same types, shared-ness included.
 */
import { deserialize, serialize } from 'node:v8';

const MARK = '__tsdask_spilled_buffer__';
type Placeholder = { [MARK]: number; type: string; length: number; shared: boolean };
type View = ArrayBufferView & { length?: number };

const CTORS: Record<string, new (b: ArrayBufferLike, off: number, len: number) => ArrayBufferView> = {
  Float64Array, Float32Array, Int8Array, Int16Array, Int32Array, Uint8Array, Uint16Array, Uint32Array,
  Uint8ClampedArray, BigInt64Array, BigUint64Array, DataView: DataView as never,
};

function strip(v: unknown, bufs: View[], depth: number): unknown {
  if (typeof v !== 'object' || v === null || depth > 64) return v;
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name;
    if (CTORS[name] === undefined) return v;
    bufs.push(v as View);
    const length = name === 'DataView' ? v.byteLength : ((v as View).length as number);
    return { [MARK]: bufs.length - 1, type: name, length, shared: v.buffer instanceof SharedArrayBuffer } satisfies Placeholder;
  }
  if (Array.isArray(v)) return v.map((x) => strip(x, bufs, depth + 1));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, strip(x, bufs, depth + 1)]));
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = strip(x, bufs, depth + 1);
  return out;
}

function restore(v: unknown, views: ArrayBufferView[]): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => restore(x, views));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, restore(x, views)]));
  if (ArrayBuffer.isView(v)) return v;
  const p = v as Partial<Placeholder>;
  if (typeof p[MARK] === 'number') return views[p[MARK]];
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = restore(x, views);
  return out;
}

/** Encodes a value as buffers to write in order: [header, skeleton, raw buffers...]. */
export function encodeValue(value: unknown): Buffer[] {
  const bufs: View[] = [];
  const skeleton = serialize(strip(value, bufs, 0));
  const header = Buffer.alloc(8 + 8 * bufs.length);
  header.writeUInt32LE(bufs.length, 0);
  header.writeUInt32LE(skeleton.length, 4);
  bufs.forEach((b, i) => header.writeDoubleLE(b.byteLength, 8 + 8 * i));
  return [header, skeleton, ...bufs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))];
}

/** Decodes what `encodeValue` wrote. */
export function decodeValue(data: Buffer): unknown {
  const n = data.readUInt32LE(0);
  const skLen = data.readUInt32LE(4);
  let at = 8 + 8 * n;
  const skeleton = deserialize(data.subarray(at, at + skLen));
  at += skLen;
  const placeholders: Placeholder[] = [];
  const collect = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return;
    const p = v as Partial<Placeholder>;
    if (typeof p[MARK] === 'number') placeholders[p[MARK]] = p as Placeholder;
    else for (const x of v instanceof Map ? v.values() : Object.values(v)) collect(x);
  };
  collect(skeleton);
  const views: ArrayBufferView[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = data.readDoubleLE(8 + 8 * i);
    const p = placeholders[i] as Placeholder;
    const buf = p.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    new Uint8Array(buf).set(data.subarray(at, at + bytes));
    at += bytes;
    views.push(new (CTORS[p.type] as NonNullable<(typeof CTORS)[string]>)(buf, 0, p.type === 'DataView' ? bytes : p.length));
  }
  return restore(skeleton, views);
}
