/**
 * What `Worker.start` takes (WorkerOptions) and how a worker ends (WorkerExit): the worker's
 * public options, apart from worker.ts, which carries them out.
 */
import type { TlsOptions } from '../comm/tls.js';

/** Options of Worker.start. */
export interface WorkerOptions {
  /** The scheduler's address: `tcp://host:port` or `host:port`. */
  scheduler: string;
  /** The cluster token (see resolveToken). */
  token: string;
  /** TLS: serve with `cert`/`key`, verify peers against `ca` (PEM text; see comm/tls.ts). Default: plain TCP. */
  tls?: TlsOptions;
  /** Threads that run tasks (default 1). */
  nthreads?: number;
  /** The worker's memory limit, that its memory fractions are of: bytes, '4GB', a fraction of system memory; 0 or 'none' for no limit (default). */
  memoryLimit?: number | string;
  /** Managed memory over this fraction of the limit spills, least recently used first (default 0.6; false: off). Dask's distributed.worker.memory.target. */
  memoryTarget?: number | false;
  /** Process memory over this fraction spills down to the target (default 0.7; false: off). Dask's distributed.worker.memory.spill. */
  memorySpill?: number | false;
  /** Process memory over this fraction pauses new tasks and fetches (default 0.8; false: off). Dask's distributed.worker.memory.pause. */
  memoryPause?: number | false;
  /** How often process memory is read, in ms (default 100). Dask's distributed.worker.memory.monitor-interval. */
  memoryMonitorMs?: number;
  /** The folder the spill folder is made in (default: the system temp folder). Dask's --local-directory. */
  localDirectory?: string;
  /**
   * Bytes of received P2P shuffle buckets a run buffers in memory before writing them to disk
   * (default: a quarter of memoryLimit, at most 64 MiB; 64 MiB without a limit); also the bound of
   * sent buckets not yet acked, and of the receive window (bucket bytes read from peers and not yet buffered).
   */
  shuffleBufferBytes?: number;
  /**
   * Caps each task thread's JavaScript heap (V8's old generation), in bytes: a task whose heap
   * passes it fails with TaskMemoryError (TSDASK_TASK_HEAP) and the worker goes on. Default: the
   * memory limit, at least 64 MiB (no cap without a limit); false: no cap.
   */
  threadHeapLimit?: number | false;
  /** Reads the process's memory in bytes (default: its RSS less the RSS when the worker started; see memory-manager.ts). For tests and embedders. */
  readMemory?: () => number;
  /** Its name in logs and at the scheduler (default: its data address). */
  name?: string;
  /** Interface of the data port (default 127.0.0.1; '0.0.0.0' for other hosts). */
  host?: string;
  /** Port of the data port (default 0: any free one). */
  port?: number;
  /** Where log lines go (default: stderr, prefixed with the worker's name). */
  log?: (line: string) => void;
  /** How long to wait for the scheduler's welcome (default 30 s). */
  registerTimeoutMs?: number;
  /**
   * When the scheduler connection drops, keep the results and dial the same address again for
   * this long, registering them with the new scheduler (worker/reconnect.ts); default 0: stop at
   * once, as Dask's worker does.
   */
  reconnectTimeoutMs?: number;
  /** Serve Prometheus metrics at http://HOST:PORT/metrics on this port (0: any free one; default: none). HOST is the data port's. */
  metricsPort?: number;
  /** The id of the nanny that runs this worker (sent in register-worker, so the scheduler waits for its report when this worker dies). */
  nanny?: string;
  /** Called when a task calls process.exit(code) (it ends only its thread); default: the task fails with WorkerLostError. */
  onTaskExit?: (code: number, keys: string[]) => void;
}

/** How a worker ended: code 0 when asked to close, 1 when it lost its scheduler. */
export interface WorkerExit {
  code: 0 | 1;
  reason: string;
}
