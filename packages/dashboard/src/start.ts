/**
 * startDashboard: a fastify server with the dashboard plugin and a hub subscribed to every
 * compute of this process. It prints its URL and stays up across computes until `close()`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { DashboardListenError, DashboardOptionsError } from './errors.js';
import { DashboardHub, type HubOptions } from './hub.js';
import { allowedHostsFor, isLoopbackHost } from './origin.js';
import { dashboardPlugin } from './plugin.js';

export interface DashboardOptions extends HubOptions {
  /** TCP port (default 8787; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default 127.0.0.1: this machine only). */
  host?: string;
  /** When set, the page, its scripts and the stream require it (the printed URL carries it). */
  token?: string;
  /**
   * Bind a host other than loopback without a token: anyone who can reach that address can
   * then read task errors (row text, file paths). Refused unless this is true.
   */
  allowUnauthenticatedRemote?: boolean;
  /** Where the URL is printed (default: stderr); `null` prints nothing. */
  print?: ((line: string) => void) | null;
  /** Let the process exit while the server is up (default false). */
  unref?: boolean;
}

/** A running dashboard. */
export interface DashboardHandle {
  /** The page's URL (with `?token=` when a token is set). */
  readonly url: string;
  readonly port: number;
  readonly hub: DashboardHub;
  readonly app: FastifyInstance;
  /** Stops the server and unsubscribes from the event stream. */
  close(): Promise<void>;
}

/** Checks the options that name an address and a token. */
export function validateOptions(opts: DashboardOptions): void {
  const { port, host, token } = opts;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new DashboardOptionsError('port', `must be an integer from 0 to 65535, got ${String(port)}.`);
  }
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) {
    throw new DashboardOptionsError('host', `must be a host name or address, got ${String(host)}.`);
  }
  if (token !== undefined && (typeof token !== 'string' || token.length === 0)) {
    throw new DashboardOptionsError('token', 'must be a non-empty string when given.');
  }
  const remoteOk = opts.allowUnauthenticatedRemote;
  if (remoteOk !== undefined && typeof remoteOk !== 'boolean') {
    throw new DashboardOptionsError('allowUnauthenticatedRemote', `must be true or false, got ${String(remoteOk)}.`);
  }
  if (host !== undefined && !isLoopbackHost(host) && token === undefined && remoteOk !== true) {
    throw new DashboardOptionsError(
      'host',
      `'${host}' is reachable from other machines, and without a token anyone there could read task errors (row text, file paths). ` +
        `Set a token (startDashboard({ host, token: '<a long random string>' }); the printed URL carries it), ` +
        `or pass allowUnauthenticatedRemote: true if you mean to serve it to everyone who can reach '${host}'.`,
    );
  }
  if (opts.intervalMs !== undefined && !(Number.isFinite(opts.intervalMs) && opts.intervalMs >= 10)) {
    throw new DashboardOptionsError('intervalMs', `must be a number of milliseconds >= 10, got ${String(opts.intervalMs)}.`);
  }
}

/** Starts the dashboard server; prints and returns its URL. */
export async function startDashboard(opts: DashboardOptions = {}): Promise<DashboardHandle> {
  validateOptions(opts);
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8787;
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const hub = new DashboardHub(opts);
  try {
    await app.register(dashboardPlugin, {
      hub,
      allowedHosts: allowedHostsFor(opts.host),
      ...(opts.token !== undefined ? { token: opts.token } : {}),
    });
    await app.listen({ port, host });
  } catch (cause) {
    hub.close();
    await app.close().catch(() => {});
    if (cause instanceof Error && (cause as { code?: string }).code?.startsWith('TSDASK_')) throw cause;
    throw new DashboardListenError(`${host}:${port}`, cause);
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  if (opts.unref === true) app.server.unref();
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${bound}/${opts.token !== undefined ? `?token=${encodeURIComponent(opts.token)}` : ''}`;
  const print = opts.print === undefined ? (line: string) => process.stderr.write(`${line}\n`) : opts.print;
  print?.(`tsdask dashboard: ${url}`);
  let closed: Promise<void> | undefined;
  return {
    url,
    port: bound,
    hub,
    app,
    close: () => {
      closed ??= (async () => {
        hub.close();
        await app.close();
      })();
      return closed;
    },
  };
}
