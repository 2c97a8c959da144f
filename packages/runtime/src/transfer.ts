/**
 * What a thread transport may move instead of copying: the buffers a batch result owns. A
 * process transport copies anyway and does not need it.
 */

/** Buffers owned by the result (whole, non-shared), at top level or one container level down. */
export function transferables(v: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (typeof v !== 'object' || v === null) return out;
  if (ArrayBuffer.isView(v)) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteLength === b.byteLength && !out.includes(b)) out.push(b);
    return out;
  }
  if (v instanceof ArrayBuffer) {
    if (!out.includes(v)) out.push(v);
    return out;
  }
  if (depth > 0) return out;
  const items = Array.isArray(v) ? v : Object.getPrototypeOf(v) === Object.prototype ? Object.values(v) : [];
  for (const x of items) transferables(x, out, depth + 1);
  return out;
}
