/**
 * Pooled connections to workers' data ports, shared by a worker fetching its tasks' inputs and
 * a client gathering results. PeerPool keeps one connection (role 'peer') per worker address,
 * opened on first use and dropped when it closes. `getData(address, keys)` sends `get-data` and
 * reads the answer: a `data` message (small values inline as JSON), then one body frame per
 * other found key, in order (decodeWireValue). Several requests may be in flight on one connection; answers come back in
 * request order. Every received control message passes `checkFromDataPort`; a bad one closes the
 * connection with its MessageShapeError, and every request waiting on a closed connection
 * rejects with it. A worker that sends nothing for `idleTimeoutMs` while a request waits is
 * dropped the same way (a ConnectionError), so a stalled worker never stalls a fetch.
 */
import type { Key } from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import { closedError, ConnectionError, MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { checkFromDataPort } from './check.js';
import type { DataMsg, GetDataMsg } from './messages.js';
import { decodeWireValue } from './values.js';

/** What a worker's data port gave for one get-data. */
export interface Fetched {
  values: Map<Key, unknown>;
  /** The size of each found value, as its holder reported it. */
  nbytes: Map<Key, number>;
  missing: Key[];
}

interface Request {
  readonly id: number;
  resolve(f: Fetched): void;
  reject(err: unknown): void;
}

/** The answer being read: its `data` message, the values so far (inline ones first), and the keys whose body frames are still to come. */
interface Reading {
  readonly request: Request;
  readonly msg: DataMsg;
  readonly values: Map<Key, unknown>;
  readonly bodyKeys: Key[];
  bodiesRead: number;
  error: unknown;
}

/** Starts reading the answer `msg`: inline values are decoded now, the others wait for their body frames. */
function startReading(request: Request, msg: DataMsg): Reading {
  const reading: Reading = { request, msg, values: new Map(), bodyKeys: [], bodiesRead: 0, error: undefined };
  for (const f of msg.found) {
    if (f.json === undefined) {
      reading.bodyKeys.push(f.key);
      continue;
    }
    try {
      reading.values.set(f.key, JSON.parse(f.json));
    } catch (err) {
      reading.values.set(f.key, undefined);
      reading.error ??= err;
    }
  }
  return reading;
}

/** How late (ms) the idle timer must fire to show that this process itself stalled. */
const STALL_MS = 1000;

/** One connection to a worker's data port and the get-data requests waiting on it. */
class PeerLink {
  readonly #conn: Connection;
  readonly #waiting: Request[] = [];
  readonly #idleMs: number;
  #reading: Reading | undefined;
  #nextId = 1;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(conn: Connection, idleMs: number, onClosed: () => void) {
    this.#conn = conn;
    this.#idleMs = idleMs;
    conn.onFrame((f) => {
      this.#onFrame(f);
      this.#arm();
    });
    void conn.closed.then((reason) => {
      clearTimeout(this.#timer);
      onClosed();
      const err = closedError(reason, conn.remote, `The worker at ${conn.remote} closed the data connection before answering.`);
      const waiting = this.#reading !== undefined ? [this.#reading.request, ...this.#waiting] : this.#waiting.slice();
      this.#reading = undefined;
      this.#waiting.length = 0;
      for (const r of waiting) r.reject(err);
    });
  }

  get(keys: readonly Key[]): Promise<Fetched> {
    return new Promise<Fetched>((resolve, reject) => {
      const id = this.#nextId++;
      const msg: GetDataMsg = { type: 'get-data', id, keys: keys.slice() };
      this.#conn.send(msg);
      this.#waiting.push({ id, resolve, reject });
      this.#arm();
    });
  }

  /** (Re)starts the idle timer while an answer is awaited; stops it when none is. */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#conn.isClosed || (this.#reading === undefined && this.#waiting.length === 0)) return;
    const conn = this.#conn;
    const armedAt = Date.now();
    this.#timer = setTimeout(() => {
      // Fired over a second late: this process was not running (its event loop blocked, or it was
      // stopped), so the answer may be waiting unread in the socket, and timers run before sockets
      // are read. Wait once more rather than blame the worker for our own stall.
      if (Date.now() - armedAt > this.#idleMs + STALL_MS) return this.#arm();
      conn.close(
        new ConnectionError('TSDASK_CONN_CLOSED', `The worker at ${conn.remote} sent nothing for ${this.#idleMs} ms while data was awaited; dropped it.`, {
          remote: conn.remote,
        }),
      );
    }, this.#idleMs);
  }

  close(): void {
    this.#conn.close();
  }

  #protocolError(what: string): void {
    this.#conn.close(new MessageShapeError('message', `The worker at ${this.#conn.remote} ${what}; the data connection was closed.`));
  }

  #onFrame(frame: Frame): void {
    if (this.#conn.isClosed) return;
    if (frame.kind === 'control') {
      let msg: DataMsg;
      try {
        msg = checkFromDataPort(frame.message);
      } catch (err) {
        this.#conn.close(err as Error);
        return;
      }
      const request = this.#waiting[0];
      if (this.#reading !== undefined || request === undefined || request.id !== msg.id)
        return this.#protocolError(`sent an answer (id ${msg.id}) that no get-data asked for, or before the bodies of the last one`);
      this.#waiting.shift();
      this.#reading = startReading(request, msg);
    } else {
      const reading = this.#reading;
      if (reading === undefined || reading.bodiesRead === reading.bodyKeys.length)
        return this.#protocolError('sent a body frame that no data message announced');
      const key = reading.bodyKeys[reading.bodiesRead++]!;
      try {
        reading.values.set(key, decodeWireValue(frame.bytes));
      } catch (err) {
        reading.values.set(key, undefined);
        reading.error ??= err;
      }
    }
    const reading = this.#reading;
    if (reading !== undefined && reading.bodiesRead === reading.bodyKeys.length) {
      this.#reading = undefined;
      if (reading.error !== undefined) reading.request.reject(reading.error);
      else reading.request.resolve({ values: reading.values, nbytes: new Map(reading.msg.found.map((f) => [f.key, f.nbytes])), missing: reading.msg.missing });
    }
  }
}

/** Dials a worker's data port (role 'peer') given its `host:port`. */
export type DialPeer = (address: string) => Promise<Connection>;

/** Default time a worker may stay silent while data is awaited from it: 30 s. */
export const DEFAULT_DATA_IDLE_TIMEOUT_MS = 30_000;

/** Pooled connections to workers' data ports, one per worker address. */
export class PeerPool {
  readonly #dial: DialPeer;
  readonly #idleMs: number;
  readonly #links = new Map<string, Promise<PeerLink>>();
  #closed = false;

  /** `idleTimeoutMs`: how long a worker may send nothing while an answer is awaited (default 30 s). */
  constructor(dial: DialPeer, idleTimeoutMs = DEFAULT_DATA_IDLE_TIMEOUT_MS) {
    this.#dial = dial;
    this.#idleMs = idleTimeoutMs;
  }

  /** Asks the worker at `address` for `keys`; rejects with ConnectionError when it cannot be reached or closes first. */
  async getData(address: string, keys: readonly Key[]): Promise<Fetched> {
    if (this.#closed)
      throw new ConnectionError('TSDASK_CONN_CLOSED', `The pool is closed (its client or worker is closing); cannot fetch from ${address}.`, {
        remote: address,
      });
    let link = this.#links.get(address);
    if (link === undefined) {
      link = this.#dial(address).then((conn) => {
        if (this.#closed) conn.close();
        return new PeerLink(conn, this.#idleMs, () => {
          if (this.#links.get(address) === link) this.#links.delete(address);
        });
      });
      link.catch(() => {
        if (this.#links.get(address) === link) this.#links.delete(address);
      });
      this.#links.set(address, link);
    }
    return (await link).get(keys);
  }

  /** Closes every connection; requests in flight reject with ConnectionError. */
  close(): void {
    this.#closed = true;
    for (const link of this.#links.values())
      link.then(
        (l) => l.close(),
        () => {},
      );
    this.#links.clear();
  }
}
