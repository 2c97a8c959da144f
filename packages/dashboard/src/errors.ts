/**
 * The dashboard's errors: all extend core-graph's TsdaskError (stable `code`, `cause`) and are
 * registered so they cross threads and processes intact.
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

/** Options given to startDashboard / the plugin / `compute({ dashboard })` are wrong. */
export class DashboardOptionsError extends TsdaskError {
  readonly option: string;
  constructor(option: string, message: string) {
    super('TSDASK_DASHBOARD_OPTIONS', `dashboard option '${option}': ${message}`);
    this.option = option;
  }
}

/** The page's compiled scripts are missing (the package was not built). */
export class PageNotBuiltError extends TsdaskError {
  readonly dir: string;
  constructor(dir: string, cause?: unknown) {
    super('TSDASK_DASHBOARD_PAGE_NOT_BUILT', `The dashboard page scripts are missing from ${dir}. Build the package first (npm run build).`, { cause });
    this.dir = dir;
  }
}

/** The dashboard server could not listen on the asked address. */
export class DashboardListenError extends TsdaskError {
  readonly address: string;
  constructor(address: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('TSDASK_DASHBOARD_LISTEN', `The dashboard could not listen on ${address}: ${why}. Pick another port (port: 0 picks a free one).`, { cause });
    this.address = address;
  }
}

registerErrorClass(DashboardOptionsError);
registerErrorClass(PageNotBuiltError);
registerErrorClass(DashboardListenError);
