/**
 * The cluster's dashboard, served by the scheduler process (as Dask's): @tsdask/dashboard's
 * server, loaded with a dynamic import only when the dashboard is on (a scheduler without it
 * starts without loading fastify), fed this scheduler's events (its computes and its cluster
 * events) through a hub of its own, and guarded by the cluster's token (the URL carries it), so
 * it is no weaker than the cluster. When the port asked for is taken, it logs a warning and
 * takes a free port instead (Dask does the same for 8787).
 */
import type { SchedulerCore } from './core.js';

/** Where the dashboard listens. */
export interface SchedulerDashboardOptions {
  /** TCP port (default 8787; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default: the scheduler's host). */
  host?: string;
}

/** A running cluster dashboard. */
export interface RunningDashboard {
  /** The page's URL, with `?token=`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Dask's dashboard port. */
export const DEFAULT_DASHBOARD_PORT = 8787;

/** Whether `err` (or its cause) says the address is in use. */
function addressInUse(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e !== undefined && e !== null; e = e.cause as typeof e) {
    if (e.code === 'EADDRINUSE') return true;
    if (typeof e !== 'object') return false;
  }
  return false;
}

/** Starts the dashboard for `core`, guarded by `token`; throws the dashboard's typed error when it cannot listen. */
export async function startClusterDashboard(core: SchedulerCore, token: string, opts: SchedulerDashboardOptions): Promise<RunningDashboard> {
  const { startDashboard } = await import('@tsdask/dashboard');
  const host = opts.host ?? core.address.host;
  const port = opts.port ?? DEFAULT_DASHBOARD_PORT;
  const base = { host, token, print: null, global: false, unref: true } as const;
  let d;
  try {
    d = await startDashboard({ ...base, port });
  } catch (err) {
    if (port === 0 || !addressInUse(err)) throw err;
    core.log(`tsdask-scheduler: warning: dashboard port ${port} on ${host} is taken; serving the dashboard on a free port instead`);
    d = await startDashboard({ ...base, port: 0 });
  }
  const dash = d;
  const off = core.events.subscribe(dash.hub.callbacks);
  core.replayWorkers([dash.hub.callbacks]);
  return {
    url: dash.url,
    port: dash.port,
    close: async () => {
      off();
      await dash.close();
    },
  };
}
