/**
 * @tsdask/scheduler-local: the 'sync' and 'threads' schedulers. Importing this module
 * registers both with core-graph's scheduler registry (compute() imports it on demand).
 */
export { syncScheduler } from './sync.js';
export { threadsScheduler } from './threads/scheduler.js';
export { closePool, defaultWorkers } from './threads/pool.js';
export { runGraph, story, type Executor, type RunHooks } from './run-graph.js';
export { HeldResults, localScheduler, type GraphRunner } from './held-results.js';
export { planBatches, type BatchPlan } from './state/batches.js';
export { SchedulerState, type Stimulus, type Instruction, type MachineOptions, type StoryEntry, type MemoryStats } from './state/machine.js';
export { TransitionLog, STATES } from './state/transition-log.js';
export { checkPortable, freeVariables } from './portable.js';
export { ProgressBar } from './progress.js';
export * from './errors.js';
