/**
 * User values on the wire. A value (a result, a scattered object) is the runtime's codec
 * encoding (structured-clone semantics: typed arrays, Maps, Dates, BigInts, shared references)
 * sent as one body frame, which the receiver gets 8-byte aligned. A task node is JSON where
 * JSON gives it back unchanged (the common case: op ids, refs, numbers, strings) and codec bytes
 * otherwise (a typed-array literal, a Map, undefined, -0, ...).
 */
import { survivesJson } from '@tsdask/runtime';
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

/** Values up to this many bytes (as sized by the holder) may travel inline as JSON text. */
export const INLINE_MAX_BYTES = 4096;

/** The value as JSON text when it is small and JSON gives it back unchanged (it then travels inside the control message); else undefined. */
export function inlineJson(value: unknown, nbytes: number): string | undefined {
  if (nbytes > INLINE_MAX_BYTES || !survivesJson(value)) return undefined;
  const json = JSON.stringify(value);
  return json.length <= 2 * INLINE_MAX_BYTES ? json : undefined;
}

/** Decodes a body frame's bytes back into the value. */
export function decodeWireValue(bytes: Uint8Array): unknown {
  return decodeValue(bytes);
}

/** A task node for the wire: a JSON string, or codec bytes when JSON would change it. */
export function encodeNode(node: unknown): WireNode {
  return survivesJson(node) ? JSON.stringify(node) : encodeWireValue(node);
}

/** The node back from the wire. */
export function decodeNode(w: WireNode): unknown {
  return typeof w === 'string' ? JSON.parse(w) : decodeWireValue(w);
}
