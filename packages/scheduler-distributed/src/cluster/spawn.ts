/**
 * How a LocalCluster starts its children (local-cluster.ts): the scheduler's and each worker's
 * command line from the cluster's options (the token travels in TSDASK_TOKEN, never on argv;
 * TLS files as --tls-* flags), the bin to run (this package's dist/bin, or the option's), and
 * the stdout lines each prints: the scheduler's listening and dashboard lines (the dashboard's
 * URL gets the token), a worker's listening line, and its nanny's started and ended lines.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatAddress, parseAddress } from '../protocol/address.js';
import { ClusterChild } from './child.js';
import { ClusterError } from './errors.js';
import { NANNY_ENDED_LINE, NANNY_STARTED_LINE, WORKER_LINE } from './lines.js';
import type { LocalClusterOptions } from './options.js';

/** What a worker child's stdout lines said last: the worker's pid (from its nanny) and address. */
export interface Seen {
  workerPid: number | undefined;
  address: string | undefined;
}

const PACKAGE_ROOT = new URL('../../', import.meta.url); // from src/cluster/ and dist/cluster/ alike
const SCHEDULER_LINE = /^tsdask-scheduler listening at (tcp:\/\/\S+)\s*$/;
const DASHBOARD_LINE = /^tsdask-scheduler dashboard at (https?:\/\/\S+)\s*$/;

/** What every child is started with: the environment (with the token), node flags, start timeout, log sink. */
function common(o: LocalClusterOptions, token: string): Pick<ConstructorParameters<typeof ClusterChild>[0], 'env' | 'nodeArgs' | 'readyTimeoutMs' | 'onLog'> {
  return { env: { ...process.env, ...o.env, TSDASK_TOKEN: token }, nodeArgs: o.nodeArgs, readyTimeoutMs: o.startTimeoutMs ?? 30_000, onLog: o.onLog };
}

/** The --tls-* flags every child gets. */
function tlsArgs(o: LocalClusterOptions): string[] {
  const out: string[] = [];
  for (const field of ['cert', 'key', 'ca'] as const) {
    const file = o.tls?.[field];
    if (file !== undefined) out.push(`--tls-${field}`, file);
  }
  return out;
}

/** Starts worker `name` (under its nanny unless `nanny: false`) on the scheduler at `address`; `onStdout` reads its lines. */
export function workerChild(o: LocalClusterOptions, token: string, address: string, name: string, onStdout: (line: string) => void): ClusterChild {
  const host = o.host ?? '127.0.0.1';
  const args = [address, '--nthreads', String(o.threadsPerWorker ?? 1), '--name', name];
  if (o.memoryLimit !== undefined) args.push('--memory-limit', String(o.memoryLimit));
  if (host !== '127.0.0.1') args.push('--host', host);
  if (o.nanny === false) args.push('--no-nanny');
  if (o.reconnectTimeoutMs !== undefined) args.push('--reconnect-timeout', String(o.reconnectTimeoutMs / 1000));
  args.push(...tlsArgs(o));
  return new ClusterChild({
    ...common(o, token),
    onStdout,
    name,
    bin: binPath(o.workerBin, 'worker'),
    args,
    readyLine: WORKER_LINE,
    readyText: `tsdask-worker ${name} listening at tcp://HOST:PORT connected to ${address}`,
  });
}

/**
 * Starts the scheduler bin on `port`: the child at once (the caller keeps it, to stop it if the
 * start fails), and `ready`, its address and dashboard URL once it printed its listening (and
 * dashboard) line.
 */
export function schedulerChild(
  o: LocalClusterOptions,
  token: string,
  port: number,
): { child: ClusterChild; ready: Promise<{ address: string; dashboardUrl: string | undefined }> } {
  const host = o.host ?? '127.0.0.1';
  const schedArgs = ['--host', host, '--port', String(port)];
  if (o.allowedFailures !== undefined) schedArgs.push('--allowed-failures', String(o.allowedFailures));
  if (o.heartbeatTimeoutMs !== undefined) schedArgs.push('--heartbeat-timeout', `${o.heartbeatTimeoutMs}ms`);
  const dash = o.dashboard ?? o.schedulerBin === undefined;
  if (dash !== false) schedArgs.push('--dashboard-port', String((dash === true ? undefined : dash.port) ?? 0));
  else if (o.schedulerBin === undefined) schedArgs.push('--no-dashboard');
  // With the dashboard on, the scheduler is up once its dashboard line (printed after the listening line) is read.
  let listening: string | undefined;
  const onLog = (child: string, line: string): void => {
    listening ??= SCHEDULER_LINE.exec(line)?.[1];
    o.onLog?.(child, line);
  };
  schedArgs.push(...tlsArgs(o));
  const child = new ClusterChild({
    ...common(o, token),
    name: 'scheduler',
    bin: binPath(o.schedulerBin, 'scheduler'),
    args: schedArgs,
    onLog,
    readyLine: dash !== false ? DASHBOARD_LINE : SCHEDULER_LINE,
    readyText: dash !== false ? 'tsdask-scheduler dashboard at http://HOST:PORT/...' : 'tsdask-scheduler listening at tcp://HOST:PORT',
  });
  const ready = child.ready.then((m) => {
    const line = m[1]!;
    // The bin does not print a token it was given: the URL gets it here.
    const dashboardUrl = dash === false ? undefined : line.includes('?token=') ? line : `${line}?token=${encodeURIComponent(token)}`;
    const address = dash !== false ? listening : line;
    if (address === undefined)
      throw new ClusterError(
        'TSDASK_CLUSTER_BAD_OPTION',
        `LocalCluster: the scheduler printed its dashboard line without 'tsdask-scheduler listening at tcp://HOST:PORT' before it. ` +
          'A custom schedulerBin must print its listening line first; or pass dashboard: false.',
      );
    return { address, dashboardUrl };
  });
  return { child, ready };
}

/** Reads a worker child's stdout line: a nanny's started/ended line (`ended` waiters by worker pid) or the worker's listening line. */
export function watchWorkerLine(seen: Seen, line: string, ended: ReadonlyMap<number, (line: RegExpExecArray) => void>): void {
  const w = WORKER_LINE.exec(line);
  if (w !== null) {
    seen.address = formatAddress(parseAddress(w[2]!));
    return;
  }
  const started = NANNY_STARTED_LINE.exec(line);
  if (started !== null) {
    seen.workerPid = Number(started[2]);
    seen.address = undefined;
    return;
  }
  const end = NANNY_ENDED_LINE.exec(line);
  if (end !== null) ended.get(Number(end[2]))?.(end);
}

/** The script to run: the option, else this package's dist/bin/NAME.js; it must exist. */
function binPath(given: string | undefined, name: 'scheduler' | 'worker'): string {
  const path = given ?? fileURLToPath(new URL(`dist/bin/${name}.js`, PACKAGE_ROOT));
  if (!existsSync(path)) {
    throw new ClusterError(
      'TSDASK_CLUSTER_BIN_MISSING',
      `LocalCluster: the ${name} script ${path} does not exist. ` +
        (given === undefined ? 'Build @tsdask/scheduler-distributed first (npm run build).' : `Check the ${name}Bin option.`),
    );
  }
  return path;
}
