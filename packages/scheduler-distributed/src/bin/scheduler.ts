#!/usr/bin/env node
/**
 * `tsdask-scheduler`: parses the command line, starts a SchedulerServer and its dashboard (on by
 * default at 8787, a free port when that is taken; `--no-dashboard` turns it off), prints the
 * stdout lines other tools read (`tsdask-scheduler listening at tcp://HOST:PORT`, the token when
 * it generated one, then `tsdask-scheduler dashboard at http://HOST:PORT/`, with `?token=...` when
 * the token was generated: a given token is never printed; then `tsdask-scheduler metrics at
 * http://HOST:PORT/metrics` with --metrics-port), and closes on SIGTERM or SIGINT with
 * exit code 0. The logic is in
 * scheduler/server.ts; this file stays a thin shell.
 */
import { parseArgs } from 'node:util';
import { readTlsFiles } from '../comm/tls.js';
import { exitWithParent } from './exit-with-parent.js';
import { generateToken } from '../comm/token.js';
import { formatAddress } from '../protocol/address.js';
import { DEFAULT_DASHBOARD_PORT } from '../scheduler/dashboard.js';
import { SchedulerServer } from '../scheduler/server.js';

const HELP = `Usage: tsdask-scheduler [options]

Starts a tsdask scheduler: workers (tsdask-worker) and clients connect to it.

Options:
  --host HOST               interface to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --port PORT               port to listen on (default 8786; 0 for any free port)
  --token TOKEN             the cluster token (default: $TSDASK_TOKEN, else a new one, printed)
  --heartbeat-timeout TIME  remove a worker silent this long (default 30s; 500ms, 5s, 1m)
  --allowed-failures N      workers that may die under one task before it fails with KilledWorkerError (default 3)
  --dashboard-port PORT     serve the dashboard on this port (default 8787; a free port when
                            8787 is taken; 0 for any free port); open it with ?token=TOKEN
  --no-dashboard            do not serve the dashboard
  --metrics-port PORT       serve Prometheus metrics at http://HOST:PORT/metrics (0 for any free
                            port; not behind the token, as Dask's; default: not served)
  --recover-window TIME     after a restart, how long a reconnecting client's reclaim waits for
                            workers to bring its results back (default 10s)
  --tls-cert FILE           serve TLS with this certificate (PEM); needs --tls-key
  --tls-key FILE            the certificate's private key (PEM)
  --tls-ca FILE             the CA that signed the cluster's certificates (PEM)
  -h, --help                show this help
`;

/** Parses a duration such as 500ms, 5s, 1m or a plain number of seconds; NaN when malformed. */
function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) return NaN;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

function fail(message: string): never {
  process.stderr.write(`tsdask-scheduler: ${message}\nRun tsdask-scheduler --help for the options.\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8786' },
        token: { type: 'string' },
        'heartbeat-timeout': { type: 'string', default: '30s' },
        'allowed-failures': { type: 'string', default: '3' },
        'dashboard-port': { type: 'string', default: String(DEFAULT_DASHBOARD_PORT) },
        'no-dashboard': { type: 'boolean', default: false },
        'metrics-port': { type: 'string' },
        'recover-window': { type: 'string', default: '10s' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got '${values.port}'.`);
  const dashboardPort = Number(values['dashboard-port']);
  if (!Number.isInteger(dashboardPort) || dashboardPort < 0 || dashboardPort > 65535)
    fail(`--dashboard-port must be an integer from 0 to 65535, got '${values['dashboard-port']}'.`);
  const dashboard = values['no-dashboard'] === true ? false : { port: dashboardPort };
  const metricsPort = values['metrics-port'] === undefined ? undefined : Number(values['metrics-port']);
  if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535))
    fail(`--metrics-port must be an integer from 0 to 65535, got '${values['metrics-port']}'.`);
  const recoverWindowMs = parseDuration(values['recover-window']);
  if (!(recoverWindowMs >= 0)) fail(`--recover-window must be a duration such as 10s or 500ms, got '${values['recover-window']}'.`);
  const heartbeatTimeoutMs = parseDuration(values['heartbeat-timeout']);
  if (!(heartbeatTimeoutMs > 0)) fail(`--heartbeat-timeout must be a duration such as 5s or 500ms, got '${values['heartbeat-timeout']}'.`);
  const allowedFailures = Number(values['allowed-failures']);
  if (!Number.isInteger(allowedFailures) || allowedFailures < 0)
    fail(`--allowed-failures must be a whole number of at least 0, got '${values['allowed-failures']}'.`);
  const env = process.env.TSDASK_TOKEN;
  const given = values.token ?? (env !== undefined && env !== '' ? env : undefined);
  const token = given ?? generateToken();
  let server: SchedulerServer;
  try {
    const tls = readTlsFiles({ cert: values['tls-cert'], key: values['tls-key'], ca: values['tls-ca'] });
    server = await SchedulerServer.start({
      host: values.host,
      port,
      token,
      heartbeatTimeoutMs,
      dashboard,
      state: { allowedFailures },
      recoverWindowMs,
      ...(metricsPort !== undefined ? { metrics: { port: metricsPort } } : {}),
      ...(tls !== undefined ? { tls } : {}),
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const what =
      typeof code === 'string' && code.startsWith('TSDASK_DASHBOARD') ? 'start the dashboard (or run with --no-dashboard)' : `listen on ${values.host}:${port}`;
    process.stderr.write(`tsdask-scheduler: could not ${what}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`tsdask-scheduler listening at tcp://${formatAddress(server.address)}\n`);
  if (given === undefined) process.stdout.write(`tsdask-scheduler token: ${token}\n`);
  // The URL carries the token only when the token was generated (and so printed above): a given token is never printed.
  const dashboardUrl =
    server.dashboardUrl === undefined ? undefined : given === undefined ? server.dashboardUrl : server.dashboardUrl.replace(/\?token=.*$/, '');
  if (dashboardUrl !== undefined) process.stdout.write(`tsdask-scheduler dashboard at ${dashboardUrl}\n`);
  if (server.metricsUrl !== undefined) process.stdout.write(`tsdask-scheduler metrics at ${server.metricsUrl}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`tsdask-scheduler: ${signal}, closing\n`);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  exitWithParent(stop);
}

void main();
