/**
 * @tsdask/core-graph: the graph spec, tokens, layers, the lowered task graph, optimization
 * passes, ordering, the Collection base, compute(), delayed and the scheduler registry.
 * Pure data and pure passes: no scheduler, no collection, no I/O.
 */
export * from './spec/index.js';
export * from './spec/p2p.js';
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
export { IntBuffer, sharedInt32, sharedUint8 } from './graph/int-buffer.js';
export { KeyTable } from './graph/key-table.js';
export { CsrBuilder, invertCsr, groupCsr, type Csr } from './graph/csr.js';
export {
  expandTemplate,
  matchesTemplate,
  templateProblem,
  templateSize,
  blockIndexAt,
  templateKeyAt,
  templateRefKeyAt,
  templateValueAt,
  TEMPLATE_REF,
  type LayerTemplate,
  type TemplateRef,
  type TemplateCoord,
  type TemplateValue,
  TEMPLATE_VALUE,
  type ExpandedTasks,
} from './graph/layer-template.js';
export { inferTemplate, type TemplateSample } from './graph/infer-template.js';
export { findTemplatedRuns, type TemplatedRun, type TemplatedRunOptions } from './graph/template-runs.js';
export { cull, reachable } from './optimize/cull.js';
export { inline, type InlineOptions } from './optimize/inline.js';
export { fuseLinear } from './optimize/fuse-linear.js';
export { optimizeGraph, type OptimizeFlags } from './optimize/pipeline.js';
export { order } from './order.js';
export { registerFunction, lookupFunction, functionSource, functionName, isFunctionOp } from './functions.js';
export { op, OpRef, splitOpId } from './op.js';
export { codeSite, portableAdvice, type CodeSite } from './portable-advice.js';
export { moduleSpecifier, fileUrlOf } from './platform/module-path.js';
export { config, withConfig, type Config, type Options } from './config.js';
export { addCallbacks, activeCallbacks, emitEvent, listens, type Callbacks } from './callbacks.js';
export type {
  SchedulerEvent,
  SchedulerEventType,
  ComputeStart,
  ComputeFinish,
  ComputeStartEvent,
  ComputeFinishEvent,
  TaskBatchEvent,
  RunningEvent,
  RunningBatch,
  MemoryEvent,
  SpillEvent,
  SpillFailedEvent,
  WorkerMemoryEvent,
  WorkerName,
  WorkerAddedEvent,
  WorkerRemovedEvent,
  NannyReportEvent,
  TransferEvent,
} from './events.js';
export { TASK_STATES, TaskStateCode, TaskBatchBuilder, taskEventsOf, type TaskEvent, type TaskEventBatch, type TaskState } from './task-events.js';
export {
  registerScheduler,
  registerSchedulerLoader,
  getScheduler,
  resolveScheduler,
  schedulerNames,
  type Scheduler,
  type SchedulerChoice,
  type SchedulerProvider,
  type RunHandle,
  type ComputeOptions,
} from './schedulers.js';
export { Collection, collectionRows } from './collection.js';
export { notebook, setNotebook, showHtml, inspectWithHtml, type Notebook, type NotebookDisplay } from './notebook/display.js';
export { escapeHtml, humanBytes, summaryTable } from './notebook/html.js';
export { isCollection, COLLECTION_BRAND, INSPECT, type CollectionLike } from './collection-brand.js';
export { compute, computeGraph, persist, release, graphOf, resolveOptions, type Computed } from './compute.js';
export { loweringScheduler } from './lowering-scheduler.js';
export { HeldKeys, heldKeysIn, holderOf } from './futures/held-keys.js';
export { Future, isFuture, type FutureStatus, type FutureStart } from './futures/future.js';
export { Client, getClient, type SubmitOptions, type Gathered } from './futures/client.js';
export { asCompleted, wait, type WaitOptions } from './futures/wait.js';
export { writeResult, type WriteOptions, type WritePlan } from './write-result.js';
export { delayed, Delayed, DelayedLayer, type DelayedFunction, type DelayedOptions, type Lazy } from './delayed.js';
export { visualize, taskGraphToDot, layersToDot, dotToSvg, type VisualizeOptions } from './visualize.js';
export { BlockwiseLayer, type BlockwiseInput, type BlockwiseOptions } from './layers/blockwise-layer.js';
export { fuseBlockwise } from './optimize/fuse-blockwise.js';
export { registerComputeOption, registerOptionLoader, optionCallbacks, type ComputeOptionHandler } from './compute-options.js';
export { registerOption, validateOptions, validOptionNames, type OptionScope, type OptionsSite } from './options/registry.js';
export type { OptionCheck } from './options/checks.js';
export { closestName } from './options/suggest.js';
export { cancelledError, computeSignal, throwIfCancelled, type ComputeSignal } from './cancellation.js';
export { CLUSTER_COMPUTE_ID } from './events.js';
export { registerWorkerModules, workerModules } from './worker-modules.js';
export { assignGroups, GroupAssigner } from './task-events.js';
