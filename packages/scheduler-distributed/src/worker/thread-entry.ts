/**
 * The entry of a worker's executor threads (compiled to dist, so module ops resolve from
 * node_modules as they do in scheduler-local's threads): serves the runtime's `run-batch`
 * messages on the thread's parentPort (a bundle of tasks without inputs comes as one JSON
 * string); results go back with their buffers transferred. It says
 * `thread-ready` once loaded, so the executor tells a thread that cannot start from a task that
 * killed one. Both ways, messages travel in bundles: the executor may post an array of
 * run-batch messages, and the results that finish in one turn of this thread's event loop go
 * back as one array (a thread wake-up costs a system call; tiny tasks would pay one each).
 */
import { parentPort, threadId } from 'node:worker_threads';
import { bufferCollector, failedBatch, serveBatches, type FromWorker } from '@tsdask/runtime';
import { threadMemoryLine } from './memory-log.js';

const port = parentPort;
if (port !== null) {
  let outbox: [FromWorker, ArrayBuffer[]][] = [];
  const flush = (): void => {
    const items = outbox;
    outbox = [];
    try {
      if (items.length === 1) port.postMessage(items[0]![0], items[0]![1]);
      else
        port.postMessage(
          items.map(([m]) => m),
          items.flatMap(([, t]) => t),
        );
      return;
    } catch {
      // one of them cannot be carried: send them one by one, that one as its failure
    }
    for (const [m, t] of items) {
      try {
        port.postMessage(m, t);
      } catch (err) {
        port.postMessage({ type: 'batch-done', id: m.id, result: failedBatch(err, 0, threadId) } satisfies FromWorker);
      }
    }
  };
  const unbundled = new Map<(m: unknown) => void, (m: unknown) => void>();
  serveBatches(
    {
      post: (m: FromWorker, transfer?: ArrayBuffer[]) => {
        if (outbox.length === 0) setImmediate(flush);
        outbox.push([m, transfer ?? []]);
      },
      on: (f) => {
        const g = (m: unknown): void => {
          if (typeof m === 'string') m = JSON.parse(m) as unknown;
          if (Array.isArray(m)) for (const x of m) f(x);
          else f(m);
        };
        unbundled.set(f, g);
        port.on('message', g);
      },
      off: (f) => {
        const g = unbundled.get(f);
        if (g !== undefined) port.off('message', g);
        unbundled.delete(f);
      },
    },
    { worker: threadId, hooks: { afterTask: bufferCollector() } },
  );
  port.postMessage({ type: 'thread-ready' });
  const logMs = Number(process.env.TSDASK_WORKER_MEMORY_LOG_MS ?? 0);
  if (logMs > 0) setInterval(() => process.stderr.write(`tsdask-thread ${threadId}: ${threadMemoryLine()}\n`), logMs).unref(); // worker/memory-log.ts
}
