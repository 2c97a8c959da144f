/**
 * What `Worker.start` opens before the worker exists: it checks the options, makes the store
 * (with its spill folder), opens the data port (which hands P2P shuffle buckets to the worker's
 * shuffle part once there is one), boots the thread executor and registers with the scheduler.
 * If a step fails, what was opened is closed again and the error goes to the caller.
 */
import { networkInterfaces } from 'node:os';
import { ConfigError } from '@tsdask/core-graph';
import { parseMemoryLimit } from '@tsdask/runtime/spill';
import type { Connection } from '../comm/connection.js';
import type { Listener } from '../comm/tcp.js';
import type { TlsOptions } from '../comm/tls.js';
import { formatAddress } from '../protocol/address.js';
import type { RegisterWorkerMsg } from '../protocol/messages.js';
import type { WorkerShuffles } from '../shuffle/worker-shuffles.js';
import { serveData } from './data-server.js';
import { DataStore } from './data-store.js';
import { ThreadExecutor } from './executor.js';
import type { WorkerOptions } from './options.js';
import { DEFAULT_REGISTER_TIMEOUT_MS, register } from './register.js';
import { memoryFractions, type MemoryFractions } from './state/memory-thresholds.js';

/** What a worker is made of, opened and registered. */
export interface WorkerParts {
  name: string;
  address: string;
  scheduler: string;
  nthreads: number;
  memoryLimit: number;
  fractions: MemoryFractions;
  memoryMonitorMs: number;
  readMemory: (() => number) | undefined;
  heartbeatMs: number;
  conn: Connection;
  listener: Listener;
  store: DataStore;
  log: (line: string) => void;
  token: string;
  tls: TlsOptions | undefined;
  executor: ThreadExecutor;
  registration: RegisterWorkerMsg;
  registerTimeoutMs: number;
  reconnectTimeoutMs: number;
  localDirectory: string | undefined;
  shuffleBufferBytes: number;
  /** Where the data port hands P2P shuffle buckets: set to the worker's shuffle part once it exists. */
  shuffleSlot: { current: WorkerShuffles | undefined };
}

/** The address peers can reach for a bound host: a wildcard host is replaced by this machine's first external IPv4 address. */
function reachableHost(bound: string): string {
  if (bound !== '0.0.0.0' && bound !== '::') return bound;
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/** The least heap cap a thread gets from a small memory limit: V8 and the runtime need some room of their own. */
export const MIN_THREAD_HEAP_BYTES = 64 * 2 ** 20;

/** Each task thread's heap cap in bytes: the option, or the memory limit (at least MIN_THREAD_HEAP_BYTES); undefined for none. */
export function threadHeapBytes(option: number | false | undefined, memoryLimit: number): number | undefined {
  if (option === false) return undefined;
  if (option !== undefined) {
    if (!(option > 0)) throw new ConfigError(`threadHeapLimit must be a positive number of bytes or false, got ${option}.`, { option: 'threadHeapLimit' });
    return option;
  }
  return memoryLimit > 0 ? Math.max(MIN_THREAD_HEAP_BYTES, memoryLimit) : undefined;
}

/** Opens the worker's parts and registers it; rejects, having closed what it opened, if any step fails. */
export async function openWorker(options: WorkerOptions): Promise<WorkerParts> {
  const nthreads = options.nthreads ?? 1;
  if (!Number.isInteger(nthreads) || nthreads < 1)
    throw new ConfigError(`nthreads must be a whole number of at least 1, got ${nthreads}.`, { option: 'nthreads' });
  const memoryLimit = parseMemoryLimit(options.memoryLimit ?? 0);
  const fractions = memoryFractions({ target: options.memoryTarget, spill: options.memorySpill, pause: options.memoryPause });
  const memoryMonitorMs = options.memoryMonitorMs ?? 100;
  if (!(memoryMonitorMs > 0))
    throw new ConfigError(`memoryMonitorMs must be a positive number of milliseconds, got ${memoryMonitorMs}.`, { option: 'memoryMonitorMs' });
  const heapBytes = threadHeapBytes(options.threadHeapLimit, memoryLimit);
  const heap = heapBytes === undefined ? undefined : { bytes: heapBytes, memoryLimit };
  let name = options.name ?? '';
  const log = options.log ?? ((line: string) => void process.stderr.write(`tsdask-worker ${name}: ${line}\n`));
  const store = new DataStore({
    spill: { parent: options.localDirectory },
    // Told once per kind; the values stay in memory and the worker goes on.
    onSpillError: (err) => log(`spilling to disk failed (${err.code}): ${err.message}`),
  });
  const tls = options.tls;
  const shuffleSlot: WorkerParts['shuffleSlot'] = { current: undefined };
  const shuffleBufferBytes = options.shuffleBufferBytes ?? (memoryLimit > 0 ? Math.min(64 * 2 ** 20, Math.floor(memoryLimit / 4)) : 64 * 2 ** 20);
  const listener = await serveData({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    token: options.token,
    tls,
    store,
    log,
    onShards: (msg, bodies) => shuffleSlot.current?.receive(msg, bodies) ?? Promise.reject(new Error('the worker is not ready for shuffle buckets yet')),
    // Bucket bytes read from peers and not yet buffered: bounded by this worker's own memory limit, as its shuffle buffer is.
    shuffleWindowBytes: shuffleBufferBytes,
  });
  const address = formatAddress({ host: reachableHost(listener.address.host), port: listener.address.port });
  if (name === '') name = address;
  const executor = new ThreadExecutor(nthreads, undefined, undefined, options.onTaskExit, heap); // its threads boot while the worker registers
  const reconnectTimeoutMs = options.reconnectTimeoutMs ?? 0;
  if (!(reconnectTimeoutMs >= 0))
    throw new ConfigError(`reconnectTimeoutMs must be 0 or a positive number of milliseconds, got ${reconnectTimeoutMs}.`, { option: 'reconnectTimeoutMs' });
  const registration: RegisterWorkerMsg = {
    type: 'register-worker',
    name,
    address,
    nthreads,
    memoryLimit,
    pid: process.pid,
    ...(options.nanny !== undefined ? { nanny: options.nanny } : {}),
  };
  const registerTimeoutMs = options.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS;
  try {
    const { conn, welcome } = await register({ scheduler: options.scheduler, token: options.token, tls, registration, timeoutMs: registerTimeoutMs });
    return {
      name,
      address,
      scheduler: options.scheduler,
      token: options.token,
      tls,
      nthreads,
      memoryLimit,
      fractions,
      memoryMonitorMs,
      readMemory: options.readMemory,
      heartbeatMs: welcome.heartbeatMs,
      conn,
      listener,
      store,
      log,
      executor,
      registration,
      registerTimeoutMs,
      reconnectTimeoutMs,
      localDirectory: options.localDirectory,
      shuffleBufferBytes,
      shuffleSlot,
    };
  } catch (err) {
    await Promise.all([listener.close(), executor.close(), store.close()]);
    throw err;
  }
}
