/**
 * User values on the wire. A value (a result, a scattered object) is the runtime's codec
 * encoding (structured-clone semantics: typed arrays, Maps, Dates, BigInts, shared references)
 * sent as one body frame, which the receiver gets 8-byte aligned. A task node is JSON where
 * JSON gives it back unchanged (the common case: op ids, refs, numbers, strings) and codec bytes
 * otherwise (a typed-array literal, a Map, undefined, -0, ...).
 */
import { decodeValue, encodeValue } from '@tsdask/runtime/codec';
import type { WireNode } from './messages.js';

/** Encodes a value as the bytes of one body frame; throws SpillError (TSDASK_SPILL_UNENCODABLE) naming the part that cannot travel. */
export function encodeWireValue(value: unknown): Uint8Array {
  const parts = encodeValue(value);
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Decodes a body frame's bytes back into the value. */
export function decodeWireValue(bytes: Uint8Array): unknown {
  return decodeValue(bytes);
}

/** Whether `x` survives JSON.stringify/parse unchanged (strings, finite numbers but -0, booleans, null, arrays without holes, plain objects). */
function jsonSafe(x: unknown, depth: number): boolean {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(x) && !Object.is(x, -0);
    case 'object': {
      if (x === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(x)) {
        for (let i = 0; i < x.length; i++) if (!(i in x) || !jsonSafe(x[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(x) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in x) if (!jsonSafe((x as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** A task node for the wire: a JSON string, or codec bytes when JSON would change it. */
export function encodeNode(node: unknown): WireNode {
  return jsonSafe(node, 0) ? JSON.stringify(node) : encodeWireValue(node);
}

/** The node back from the wire. */
export function decodeNode(w: WireNode): unknown {
  return typeof w === 'string' ? JSON.parse(w) : decodeWireValue(w);
}
