/**
 * The platform seam of the worker runtime: the one place it touches Node-only modules (V8's
 * collector, the process's buffer figures). A browser build replaces this file with one whose
 * `exposeGc` returns a no-op and whose `bufferBytes` returns 0.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's full collection, as a function (turns on `--expose-gc` for this isolate on first call). */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Bytes held by ArrayBuffers and SharedArrayBuffers outside V8's heap, in this process. */
export function bufferBytes(): number {
  return process.memoryUsage().arrayBuffers;
}
