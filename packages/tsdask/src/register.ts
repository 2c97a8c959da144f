/**
 * What `import 'tsdask'` registers: the local schedulers ('sync', 'threads') and the
 * `dashboard` compute option, as lazy loaders. Their names and option names are valid at once
 * (so validation and "did you mean" work before anything heavy loads); the packages
 * themselves (piscina, fastify) are imported by the first compute that needs them, so a cold
 * start pays for neither. Importing this module more than once registers the same loaders again.
 */
import { registerOptionLoader, registerSchedulerLoader } from '@tsdask/core-graph';

/** The package of the local schedulers. */
export const LOCAL_SCHEDULERS_PACKAGE = '@tsdask/scheduler-local';
/** The local schedulers' names. */
export const LOCAL_SCHEDULER_NAMES: readonly string[] = ['sync', 'threads'];
/** The local schedulers' own options: valid before the package loads (it checks their values). */
export const LOCAL_SCHEDULER_OPTIONS: readonly string[] = ['memoryLimit', 'spillDir', 'workerResourceLimits'];
/** The package that serves the `dashboard` option. */
export const DASHBOARD_PACKAGE = '@tsdask/dashboard';

registerSchedulerLoader(LOCAL_SCHEDULER_NAMES, () => import('@tsdask/scheduler-local'), {
  owner: LOCAL_SCHEDULERS_PACKAGE,
  options: LOCAL_SCHEDULER_OPTIONS,
});
registerOptionLoader('dashboard', () => import('@tsdask/dashboard'), DASHBOARD_PACKAGE);
