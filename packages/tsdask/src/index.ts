/**
 * tsdask: the one import a user needs. It registers the local schedulers and the dashboard
 * option as lazy loaders (see register.ts) and re-exports the graph API of @tsdask/core-graph
 * (compute, persist, delayed, config, ...). Collections: 'tsdask/array', 'tsdask/dataframe'.
 */
import './register.js';

export * from '@tsdask/core-graph';
// Type-only: loads the option types those packages add to Options (memoryLimit, dashboard, ...)
// without importing the packages at run time.
export type { DashboardOptions } from '@tsdask/dashboard';
export type { MemoryLimitOption } from '@tsdask/scheduler-local';
