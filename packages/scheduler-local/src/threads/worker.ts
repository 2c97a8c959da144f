/**
 * Worker-thread entry (loaded by piscina as compiled JavaScript): a thin adapter from piscina's
 * call to the runtime's `runBatch`, which compiles shipped functions and imports module ops
 * once per worker and runs the batch. Here only what is piscina's or this pool's: the worker's
 * slot on the now-running board, typed-array results handed back by transfer, not copied, and
 * the kernel modules collections registered (core-graph's `workerModules()`, in `workerData`)
 * loaded as the worker starts: piscina awaits a default export that is a promise before it
 * calls the worker ready, so the first task does not wait for them. (In the background they
 * would not load at all: an idle piscina worker blocks in Atomics.wait, its event loop stopped.)
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { threadId, workerData } from 'node:worker_threads';
import { bufferCollector, runBatch, transferables, type BatchPayload, type WorkerHooks } from '@tsdask/runtime';
import { claimSlot, markRunning, type NowRunningBoard } from './now-running.js';

const data = workerData as { board?: NowRunningBoard; preload?: string[] } | undefined;
const board = data?.board;
const slot = board === undefined ? -1 : claimSlot(board, threadId);
const hooks: WorkerHooks = { afterTask: bufferCollector() };
if (board !== undefined) hooks.running = (p, on) => markRunning(board, slot, on ? (p.tag ?? 0) : 0, on ? (p.batch ?? 0) : -1);

async function runBatchInThread(payload: BatchPayload): Promise<unknown> {
  const result = await runBatch(payload, threadId, hooks);
  const list = result.ok ? transferables(result.value) : [];
  // piscina transfers `[transferableSymbol]` and delivers `[valueSymbol]` once move() marks it.
  return list.length > 0 ? move({ [transferableSymbol]: list, [valueSymbol]: result } as never) : result;
}

/**
 * Loads the registered modules (the same `import()` the runtime's op loader makes, so it finds
 * them cached). One that fails to load is left to fail again, with its typed error, in the
 * task that names it.
 */
async function preload(specifiers: readonly string[]): Promise<typeof runBatchInThread> {
  await Promise.all(specifiers.map((s) => import(s).catch(() => undefined)));
  return runBatchInThread;
}

export default preload(data?.preload ?? []);
