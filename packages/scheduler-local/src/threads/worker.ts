/**
 * Worker-thread entry (loaded by piscina as compiled JavaScript): a thin adapter from piscina's
 * call to the runtime's `runBatch`, which compiles shipped functions and imports module ops
 * once per worker and runs the batch. Here only what is piscina's or this pool's: the worker's
 * slot on the now-running board, and typed-array results handed back by transfer, not copied.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { threadId, workerData } from 'node:worker_threads';
import { bufferCollector, runBatch, transferables, type BatchPayload, type WorkerHooks } from '@tsdask/runtime';
import { claimSlot, markRunning, type NowRunningBoard } from './now-running.js';

const board = (workerData as { board?: NowRunningBoard } | undefined)?.board;
const slot = board === undefined ? -1 : claimSlot(board, threadId);
const hooks: WorkerHooks = { afterTask: bufferCollector() };
if (board !== undefined) hooks.running = (p, on) => markRunning(board, slot, on ? (p.tag ?? 0) : 0, on ? (p.batch ?? 0) : -1);

export default async function runBatchInThread(payload: BatchPayload): Promise<unknown> {
  const result = await runBatch(payload, threadId, hooks);
  const list = result.ok ? transferables(result.value) : [];
  // piscina transfers `[transferableSymbol]` and delivers `[valueSymbol]` once move() marks it.
  return list.length > 0 ? move({ [transferableSymbol]: list, [valueSymbol]: result } as never) : result;
}
