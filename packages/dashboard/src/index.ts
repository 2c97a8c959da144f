/**
 * @tsdask/dashboard: a live browser view of tasks, progress, workers, memory, the task graph
 * and errors, fed by the event stream every scheduler emits. `startDashboard({ port })`, or
 * `compute(x, { dashboard: true })`, or register `dashboardPlugin` on your own fastify app.
 */
export { startDashboard, type DashboardOptions, type DashboardHandle } from './start.js';
export { dashboardPlugin, type DashboardPluginOptions } from './plugin.js';
export { isLoopbackHost, type HostAllowList } from './origin.js';
export { DashboardHub, type HubClient, type HubOptions } from './hub.js';
export { Aggregator, type AggregatorOptions } from './aggregator.js';
export { ClusterView } from './cluster-view.js';
export { dashboardOption, currentDashboard, closeCurrentDashboard } from './compute-option.js';
export { loadPageAssets, defaultAssetDir, type PageAssets } from './page-assets.js';
export { pageHtml } from './page-html.js';
export { workerName } from './workers.js';
export * from './messages.js';
export * from './errors.js';

declare module '@tsdask/core-graph' {
  interface Options {
    /** Start (once) and feed the live dashboard: true, or startDashboard's options. */
    dashboard?: boolean | import('./start.js').DashboardOptions;
  }
}
