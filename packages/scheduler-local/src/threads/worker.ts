/**
 * Worker-thread entry (loaded by piscina as compiled JavaScript): compiles shipped user
 * functions once per worker, imports module ops once, runs the batch, and hands typed-array
 * results back by transfer, without copying.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { threadId } from 'node:worker_threads';
import { serializeError } from '@tsdask/core-graph';
import { compileFunction } from '../portable.js';
import { executeBatch, now, prepareOps, type BatchPayload } from '../execute-batch.js';

/** Buffers owned by the result (whole, non-shared), at top level or one container level down. */
function transferables(v: unknown, out: ArrayBuffer[], depth = 0): void {
  if (typeof v !== 'object' || v === null) return;
  if (ArrayBuffer.isView(v)) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteLength === b.byteLength && !out.includes(b)) out.push(b);
    return;
  }
  if (v instanceof ArrayBuffer) {
    if (!out.includes(v)) out.push(v);
    return;
  }
  if (depth > 0) return;
  const items = Array.isArray(v) ? v : Object.getPrototypeOf(v) === Object.prototype ? Object.values(v) : [];
  for (const x of items) transferables(x, out, depth + 1);
}

export default async function runBatch(payload: BatchPayload): Promise<unknown> {
  try {
    await prepareOps(payload, (_op, source) => compileFunction(source));
  } catch (err) {
    const t = now();
    return { ok: false, member: 0, error: serializeError(err), start: t, stop: t, worker: threadId };
  }
  const result = await executeBatch(payload, threadId);
  if (result.ok) {
    const list: ArrayBuffer[] = [];
    transferables(result.value, list);
    // piscina transfers `[transferableSymbol]` and delivers `[valueSymbol]` once move() marks it.
    if (list.length > 0) return move({ [transferableSymbol]: list, [valueSymbol]: result } as never);
  }
  return result;
}
