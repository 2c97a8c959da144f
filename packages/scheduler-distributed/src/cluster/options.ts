/**
 * The options of a LocalCluster (local-cluster.ts), each with its default, and what it reports
 * of each worker.
 */
import type { TlsFiles } from '../comm/tls.js';

/** Options of a LocalCluster; every one has a default. */
export interface LocalClusterOptions {
  /** How many worker processes (default 2; 0 starts the scheduler alone). */
  nWorkers?: number;
  /** Threads per worker, its `--nthreads` (default 1). */
  threadsPerWorker?: number;
  /** Each worker's `--memory-limit`, bytes or text such as '4GB' (default: the worker's own). */
  memoryLimit?: number | string;
  /** Run each worker under a nanny that restarts it when it dies and tells the scheduler why (default true; false passes --no-nanny). */
  nanny?: boolean;
  /** Workers that may die under one task before it fails with KilledWorkerError, the scheduler's --allowed-failures (default: the scheduler's, 3). */
  allowedFailures?: number;
  /** A worker silent this long is removed, the scheduler's --heartbeat-timeout in ms (default: the scheduler's, 30 s). */
  heartbeatTimeoutMs?: number;
  /** The cluster token (default: a newly generated one). */
  token?: string;
  /** The host the scheduler (and workers) bind (default 127.0.0.1). */
  host?: string;
  /** The scheduler's port (default 0: any free port). */
  schedulerPort?: number;
  /** TLS for every connection: PEM file paths, passed to each child as --tls-cert/--tls-key/--tls-ca and used by client(). */
  tls?: TlsFiles;
  /**
   * Survive a scheduler restart: each worker keeps its results and dials the scheduler again for
   * this long (its `--reconnect-timeout`), and `client()` reconnects and reclaims what it held
   * (default: off, as Dask's, where everything is lost with the scheduler).
   */
  reconnectTimeoutMs?: number;
  /** Extra environment variables for the children, over this process's. */
  env?: Record<string, string | undefined>;
  /** The scheduler script (default: this package's dist/bin/scheduler.js). */
  schedulerBin?: string;
  /** The worker script (default: this package's dist/bin/worker.js). */
  workerBin?: string;
  /** Node flags for every child, for example ['--max-old-space-size=8192']. */
  nodeArgs?: string[];
  /** How long each child may take to print its listening line, in ms (default 30 000). */
  startTimeoutMs?: number;
  /** How long close() waits after SIGTERM before SIGKILL, in ms (default 3 000). */
  closeTimeoutMs?: number;
  /**
   * Serve the cluster's dashboard from the scheduler: true or `{ port }` (default: on, port 0 = a
   * free one, as tests run many clusters at once; off with a custom schedulerBin, which may not
   * know the flags). Read the page's URL (it carries the token) from `dashboardUrl`.
   */
  dashboard?: boolean | { port?: number };
  /** Receives every line the children print (default: kept, not shown; the last 50 stderr lines go into errors). */
  onLog?: (child: string, line: string) => void;
}

/** A worker of the cluster: its name, process id and data address (`host:port`, as the scheduler names it). */
export interface ClusterWorkerInfo {
  /** `worker-0`, `worker-1`, ... (its `--name`). */
  name: string;
  /** The worker process's id (the one running now, after a nanny's restart). */
  pid: number;
  /** Its data address `host:port`, the name the scheduler and the protocol know it by (a restarted worker has a new one). */
  address: string;
  /** The process id of its nanny, when it runs under one. */
  nannyPid?: number;
}
