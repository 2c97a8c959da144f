/**
 * An after-task hook for executors that hold many dead buffers. SharedArrayBuffers (chunks,
 * columns) are reclaimed only when V8 collects the objects that hold them, and their bytes do
 * not count toward V8's heap limits: a worker that allocates a 20 MB column per task and drops
 * it can hold gigabytes of dead buffers before its small heap asks for a collection. So after
 * each task, once buffers outgrow BUFFER_SLACK since the last collection, the worker collects
 * (a young, small heap: a few milliseconds).
 */
import { bufferBytes, exposeGc } from './platform/gc.js';

const BUFFER_SLACK = 64 * 2 ** 20;

/** A hook to run after each task on a worker: collects garbage when buffers grew by 64 MiB. */
export function bufferCollector(): () => void {
  const collect = exposeGc();
  let buffersAfterGc = 0;
  let lastCheck = 0;
  return function collectIfBuffersGrew(): void {
    // Reading memory use is a system call: at most every 10 ms, so trivial tasks stay cheap.
    const t = performance.now();
    if (t - lastCheck < 10) return;
    lastCheck = t;
    const buffers = bufferBytes();
    if (buffers - buffersAfterGc > BUFFER_SLACK) {
      collect();
      buffersAfterGc = bufferBytes();
    }
  };
}
