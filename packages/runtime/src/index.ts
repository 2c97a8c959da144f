/**
 * @tsdask/runtime: what runs a batch on a worker, shared by every executor (the 'sync'
 * scheduler's calling thread, the 'threads' pool's piscina workers, a future distributed
 * worker process): the evaluator and op loading by module specifier, the compile of shipped
 * functions, batch execution with result sizing and serialized errors, a transport-free
 * message entry (`serveBatches`), (subpath `./codec`) the spill codec and (subpath `./spill`)
 * the spill store, its exit cleanup and the memory-limit parser.
 *
 * A package of its own rather than a folder of core-graph: core-graph stays pure data and
 * passes (no compile, no codec, no module loading, browser-loadable, cheap to import), and
 * this is what only executors load. It imports core-graph only: no piscina, no scheduler state.
 * The error classes and their serializer stay in core-graph, since schedulers and clients
 * rebuild errors without loading a runtime.
 */
export { evaluate, resolveOp, loadOps, opsOf, defineFunctionOp, isOpLoaded } from './execute.js';
export { executeBatch, prepareOps, sizeOf, now, type BatchPayload, type BatchResult } from './execute-batch.js';
export { FLAT_REF, FLAT_INT, FLAT_LIT, FLAT_INT_LIMIT } from './flat-batch.js';
export { compileFunction, expressionSource } from './compile.js';
export { runBatch, failedBatch, type WorkerHooks } from './run-batch.js';
export { serveBatches, type WorkerTransport, type ServeOptions } from './serve.js';
export type { ToWorker, FromWorker, RunBatchMessage, BatchDoneMessage } from './messages.js';
export { transferables } from './transfer.js';
export { bufferCollector } from './buffer-collector.js';
export { exposeGc } from './platform/gc.js';
export { SpillError } from './errors.js';
export { survivesJson } from './json-safe.js';
