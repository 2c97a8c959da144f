/**
 * Worker-thread entry (loaded by piscina as compiled JavaScript): compiles shipped user
 * functions once per worker, imports module ops once, runs the batch, and hands typed-array
 * results back by transfer, without copying.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { threadId, workerData } from 'node:worker_threads';
import { claimSlot, markRunning, type NowRunningBoard } from './now-running.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

/**
 * SharedArrayBuffers (chunks, columns) are reclaimed only when V8 collects the objects that
 * hold them, and their bytes do not count toward V8's heap limits: a worker that allocates a
 * 20 MB column per task and drops it can hold gigabytes of dead buffers before its small heap
 * asks for a collection. So after each task, once buffers outgrow BUFFER_SLACK since the last
 * collection, the worker collects (a young, small heap: a few milliseconds).
 */
const BUFFER_SLACK = 64 * 2 ** 20;
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
let buffersAfterGc = 0;
let lastCheck = 0;
function collectIfBuffersGrew(): void {
  // Reading memory use is a system call: at most every 10 ms, so trivial tasks stay cheap.
  const t = performance.now();
  if (t - lastCheck < 10) return;
  lastCheck = t;
  const buffers = process.memoryUsage().arrayBuffers;
  if (buffers - buffersAfterGc > BUFFER_SLACK) {
    collect();
    buffersAfterGc = process.memoryUsage().arrayBuffers;
  }
}

const board = (workerData as { board?: NowRunningBoard } | undefined)?.board;
const slot = board === undefined ? -1 : claimSlot(board, threadId);

export default async function runBatch(payload: BatchPayload): Promise<unknown> {
  try {
    await prepareOps(payload, (_op, source) => compileFunction(source));
  } catch (err) {
    const t = now();
    return { ok: false, member: 0, error: serializeError(err), start: t, stop: t, worker: threadId };
  }
  if (board !== undefined) markRunning(board, slot, payload.tag ?? 0, payload.batch ?? 0);
  let result;
  try {
    result = await executeBatch(payload, threadId, collectIfBuffersGrew);
  } finally {
    if (board !== undefined) markRunning(board, slot, 0, -1);
  }
  if (result.ok) {
    const list: ArrayBuffer[] = [];
    transferables(result.value, list);
    // piscina transfers `[transferableSymbol]` and delivers `[valueSymbol]` once move() marks it.
    if (list.length > 0) return move({ [transferableSymbol]: list, [valueSymbol]: result } as never);
  }
  return result;
}
