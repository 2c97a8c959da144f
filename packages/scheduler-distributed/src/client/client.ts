/**
 * Client: the user's handle on a cluster, as Dask's `Client('tcp://host:8786')`. The
 * constructor returns at once and connects in the background (role 'client', behind the
 * token handshake); every operation waits for the connection, and `ready()` says when it is
 * open (or rejects with the ConnectionError that kept it shut).
 *
 * `asScheduler()` is core-graph's Scheduler over the wire (remote-scheduler.ts), so
 * `collection.compute({ scheduler: client })`, `persist` and core-graph futures run on the
 * cluster. The futures API (submit, map, gather, compute, persist, scatter, cancel) is
 * core-graph's Client bound to this one (`{ scheduler: this }`); asCompleted and wait work on
 * its futures as on any.
 */
import type { TlsOptions } from '../comm/tls.js';
import { Client as FuturesClient, type SchedulerProvider } from '@tsdask/core-graph';
import { writeFile } from 'node:fs/promises';
import { connect } from '../comm/tcp.js';
import { formatAddress, parseAddress } from '../protocol/address.js';
import { PeerPool } from '../protocol/peer-pool.js';
import { ClientClosedError, MissingTokenError } from './errors.js';
import { RemoteScheduler } from './remote-scheduler.js';
import type { SchedulerStats } from '../scheduler/stats.js';

/** Options of `new Client(address, options)`. */
export interface ClientOptions {
  /** The cluster token (default: the TSDASK_TOKEN environment variable). */
  token?: string;
  /** TLS: verify the scheduler and workers against `ca` (PEM text; see comm/tls.ts). Default: plain TCP. */
  tls?: TlsOptions;
  /** Milliseconds the scheduler and each worker have to answer the handshake (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Rounds of who-has + fetch a gather makes for a key missing at its holder before DataNotFoundError (default 12: about 6 s of pauses). */
  gatherAttempts?: number;
  /** Milliseconds a worker may send nothing while the client awaits data from it, before it is dropped and asked again (default 30 s). */
  dataIdleTimeoutMs?: number;
  /**
   * When the scheduler connection drops, dial the same address again for this long (ms), reclaim
   * the results held (its workers keep them, with `--reconnect-timeout`) and send pending graphs
   * again; default 0: everything pending fails at once with SchedulerLostError, as Dask's.
   */
  reconnectTimeoutMs?: number;
}

const noop = (): void => {};

/** A connection to a tsdask scheduler: a Scheduler for compute(), and Dask's futures API. */
export class Client implements SchedulerProvider {
  /** The scheduler's address, `tcp://host:port`. */
  readonly address: string;
  readonly #scheduler: RemoteScheduler;
  readonly #ready: Promise<void>;
  readonly #futures: FuturesClient;

  /** Runs `fn(...args)` on the cluster; returns its Future at once (see core-graph's Client.submit). */
  readonly submit: FuturesClient['submit'];
  /** `submit` with options (`{ pure: false }` for a fresh key per call, `name`). */
  readonly submitWith: FuturesClient['submitWith'];
  /** One future per item: `fn(item)`. */
  readonly map: FuturesClient['map'];
  /** The values of futures, or of arrays and plain objects nesting them, fetched from the workers. */
  readonly gather: FuturesClient['gather'];
  /** Starts computing a collection (or several) on the cluster; returns its Future at once. */
  readonly compute: FuturesClient['compute'];
  /** Computes collections on the cluster and returns them backed by the results the workers keep. */
  readonly persist: FuturesClient['persist'];
  /** Puts a value on a worker and returns its Future. */
  readonly scatter: FuturesClient['scatter'];
  /** Cancels futures (and those depending on them). */
  readonly cancel: FuturesClient['cancel'];

  /** Connects to the scheduler at `address` (`tcp://host:port` or `host:port`); throws MissingTokenError when no token is known. */
  constructor(address: string, opts: ClientOptions = {}) {
    const at = parseAddress(address);
    this.address = `tcp://${formatAddress(at)}`;
    const token = opts.token ?? process.env.TSDASK_TOKEN;
    if (token === undefined || token === '') throw new MissingTokenError(this.address);
    const dial = {
      ...(opts.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: opts.handshakeTimeoutMs } : {}),
      ...(opts.tls !== undefined ? { tls: opts.tls } : {}),
    };
    const dialScheduler = () => connect({ host: at.host, port: at.port, token, role: 'client', ...dial });
    const connecting = dialScheduler();
    const reconnectMs = opts.reconnectTimeoutMs ?? 0;
    const pool = new PeerPool((worker) => {
      const w = parseAddress(worker);
      return connect({ host: w.host, port: w.port, token, role: 'peer', ...dial });
    }, opts.dataIdleTimeoutMs);
    this.#scheduler = new RemoteScheduler(this.address, connecting, pool, {
      ...(opts.gatherAttempts !== undefined ? { gatherAttempts: opts.gatherAttempts } : {}),
      ...(reconnectMs > 0 ? { reconnect: { dial: dialScheduler, timeoutMs: reconnectMs } } : {}),
    });
    this.#ready = connecting.then(noop);
    this.#ready.catch(noop);
    const f = (this.#futures = new FuturesClient({ scheduler: this }));
    this.submit = f.submit.bind(f);
    this.submitWith = f.submitWith.bind(f);
    this.map = f.map.bind(f);
    this.gather = f.gather.bind(f);
    this.compute = f.compute.bind(f);
    this.persist = f.persist.bind(f);
    this.scatter = f.scatter.bind(f);
    this.cancel = f.cancel.bind(f);
  }

  /** Resolves once connected to the scheduler; rejects with the ConnectionError that kept it shut (refused token, nothing listening, ...). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Writes the state of the scheduler and of every worker to `path` as one JSON document, for a
   * post-mortem (Dask's `Client.dump_cluster_state`, which writes msgpack or YAML; ours is JSON);
   * resolves with the path written. Its sections: `scheduler` (workers, clients, every task with
   * its state, holders and, when it erred, its error and story) and `workers` by address (memory,
   * tasks and their states); a worker that does not answer within 5 s is recorded as such.
   */
  async dumpClusterState(path = 'tsdask-cluster-dump.json'): Promise<string> {
    await this.#ready;
    const json = await this.#scheduler.dumpState();
    await writeFile(path, json);
    return path;
  }

  /** The Scheduler this client runs graphs on (what `{ scheduler: client }` resolves to). */
  asScheduler(): RemoteScheduler {
    return this.#scheduler;
  }

  /**
   * The scheduler's own figures: tasks, heap, the event loop's longest block, the last graph's
   * intake (`gc`: collect its garbage first; `reset`: start a new loop measurement). Answered in
   * order with this client's other messages, so after a graph it sent is in: to watch a graph go
   * in, ask from a second client.
   */
  schedulerStats(opts: { gc?: boolean; reset?: boolean } = {}): Promise<SchedulerStats> {
    return this.#scheduler.schedulerStats(opts);
  }

  /** The core-graph futures client bound to this cluster. */
  get futures(): FuturesClient {
    return this.#futures;
  }

  /** Closes the connections; what is pending rejects with ClientClosedError, and so does every later call. */
  async close(): Promise<void> {
    await this.#scheduler.shutdown(new ClientClosedError(this.address));
  }

  /** `await using client = new Client(...)` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
