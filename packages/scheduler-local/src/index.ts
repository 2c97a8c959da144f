/**
 * @tsdask/scheduler-local: the 'sync' and 'threads' schedulers. Importing this module
 * registers both with core-graph's scheduler registry (compute() imports it on demand).
 */
export { syncScheduler } from './sync.js';
export { threadsScheduler } from './threads/scheduler.js';
export { closePool, defaultWorkers, startPool } from './threads/pool.js';
export { runGraph, story, type Executor, type RunHooks } from './run-graph.js';
export { HeldResults, localScheduler, type GraphRunner } from './held-results.js';
export { planBatches, type BatchPlan } from './state/batches.js';
export { SchedulerState, type Stimulus, type Instruction, type MachineOptions, type StoryEntry, type MemoryStats } from './state/machine.js';
export { TransitionLog, STATES } from './state/transition-log.js';
export { checkPortable, freeVariables, portableSources } from './portable.js';
export { ProgressBar, type ProgressBarOptions } from './progress.js';
export type { MemoryLimitOption } from './options.js';
export * from './errors.js';

declare module '@tsdask/core-graph' {
  interface Options {
    /** Bytes of results the calling thread may hold ('512MB', 1e9, 0.5 of system memory; false or 'none': no limit). */
    memoryLimit?: import('./options.js').MemoryLimitOption;
    /** An existing folder in which each compute makes its spill folder (default: the OS temp folder). */
    spillDir?: string;
    /** 'threads' only: worker_threads' resourceLimits, each in MB. */
    workerResourceLimits?: import('./threads/pool.js').WorkerLimits;
  }
}
