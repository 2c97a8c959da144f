/**
 * @tsdask/core-graph: the graph spec, tokens, layers, the lowered task graph, optimization
 * passes, ordering, the Collection base, compute(), delayed and the scheduler registry.
 * Pure data and pure passes: no scheduler, no collection, no I/O.
 */
export * from './spec/index.js';
export * from './errors.js';
export { tokenize, functionToken, type Tokenizable } from './tokenize.js';
export { md5, randomToken } from './platform/hash.js';
export type { Layer } from './layers/layer.js';
export { MaterializedLayer } from './layers/materialized-layer.js';
export { HighLevelGraph } from './layers/high-level-graph.js';
export {
  lowerGraph,
  lowerArrays,
  topologicalOrder,
  subgraph,
  idsOf,
  dependenciesOf,
  dependentsOf,
  keyMask,
  rebuildWithout,
  type TaskGraph,
} from './graph/task-graph.js';
export { IntBuffer, sharedInt32 } from './graph/int-buffer.js';
export { CsrBuilder, invertCsr, groupCsr, type Csr } from './graph/csr.js';
export { cull, reachable } from './optimize/cull.js';
export { inline, type InlineOptions } from './optimize/inline.js';
export { fuseLinear } from './optimize/fuse-linear.js';
export { optimizeGraph, type OptimizeFlags } from './optimize/pipeline.js';
export { order } from './order.js';
export { evaluate, resolveOp, loadOps, opsOf, defineFunctionOp, isOpLoaded } from './execute.js';
export { registerFunction, lookupFunction, functionSource, isFunctionOp } from './functions.js';
export { op, OpRef, splitOpId } from './op.js';
export { config, withConfig, type Config } from './config.js';
export {
  addCallbacks,
  activeCallbacks,
  type Callbacks,
  type ComputeStart,
  type ComputeFinish,
} from './callbacks.js';
export {
  TASK_STATES,
  TaskStateCode,
  TaskBatchBuilder,
  taskEventsOf,
  type TaskEvent,
  type TaskEventBatch,
  type TaskState,
} from './task-events.js';
export { registerScheduler, getScheduler, type Scheduler, type ComputeOptions } from './schedulers.js';
export { Collection, isCollection, COLLECTION_BRAND } from './collection.js';
export { compute, persist, graphOf, resolveOptions, type Computed } from './compute.js';
export { delayed, Delayed, DelayedLayer, type DelayedFunction, type DelayedOptions, type Lazy } from './delayed.js';
export { visualize, taskGraphToDot, layersToDot, dotToSvg, type VisualizeOptions } from './visualize.js';
export { BlockwiseLayer, type BlockwiseInput, type BlockwiseOptions } from './layers/blockwise-layer.js';
export { fuseBlockwise } from './optimize/fuse-blockwise.js';
export { registerComputeOption, optionCallbacks, type ComputeOptionHandler } from './compute-options.js';
export { registerOption, validateOptions, validOptionNames, type OptionScope, type OptionsSite } from './options/registry.js';
export type { OptionCheck } from './options/checks.js';
export { closestName } from './options/suggest.js';
export { cancelledError, computeSignal, throwIfCancelled, type ComputeSignal } from './cancellation.js';
