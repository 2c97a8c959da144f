/**
 * The entry of a worker's executor threads (compiled to dist, so module ops resolve from
 * node_modules as they do in scheduler-local's threads): serves the runtime's `run-batch`
 * messages on the thread's parentPort; results go back with their buffers transferred. It says
 * `thread-ready` once loaded, so the executor tells a thread that cannot start from a task that
 * killed one.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { bufferCollector, serveBatches, type FromWorker } from '@tsdask/runtime';

const port = parentPort;
if (port !== null) {
  serveBatches(
    {
      post: (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer),
      on: (f) => port.on('message', f),
      off: (f) => port.off('message', f),
    },
    { worker: threadId, hooks: { afterTask: bufferCollector() } },
  );
  port.postMessage({ type: 'thread-ready' });
}
