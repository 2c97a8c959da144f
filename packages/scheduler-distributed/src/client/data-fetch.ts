/**
 * Fetching results straight from the workers' data ports, as the client's gather does.
 *
 * PeerPool keeps one connection (role 'peer') per worker address, opened on first use and
 * dropped when it closes. `getData(address, keys)` sends `get-data` and reads the answer: a
 * `data` message, then one body frame per found key, in order (decodeWireValue). Several
 * requests may be in flight on one connection; answers come back in request order. Every
 * received control message passes `checkFromDataPort`; a bad one closes the connection with
 * its MessageShapeError, and every request waiting on a closed connection rejects with it. A
 * worker that sends nothing for `idleTimeoutMs` while a request waits is dropped the same way
 * (a ConnectionError), so a stalled worker never stalls a gather.
 *
 * `fetchValues(keys, deps)` is the gather loop: ask the scheduler who has the keys, fetch each
 * group from one holder, and ask again for what was missing (a worker that died meanwhile, a
 * key being computed again) with a growing pause, up to `attempts` times; then
 * DataNotFoundError names the key.
 */
import type { Key } from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import { ConnectionError, MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { checkFromDataPort } from '../protocol/check.js';
import type { DataMsg, GetDataMsg } from '../protocol/messages.js';
import { decodeWireValue } from '../protocol/values.js';
import { DataNotFoundError } from './errors.js';

/** What a worker's data port gave for one get-data. */
export interface Fetched {
  values: Map<Key, unknown>;
  missing: Key[];
}

interface Request {
  readonly id: number;
  resolve(f: Fetched): void;
  reject(err: unknown): void;
}

/** The answer being read: its `data` message and the values of the bodies read so far. */
interface Reading {
  readonly request: Request;
  readonly msg: DataMsg;
  readonly values: Map<Key, unknown>;
  error: unknown;
}

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
      const err =
        reason ??
        new ConnectionError('TSDASK_CONN_CLOSED', `The worker at ${conn.remote} closed the data connection before answering.`, { remote: conn.remote });
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
    this.#timer = setTimeout(
      () =>
        conn.close(
          new ConnectionError('TSDASK_CONN_CLOSED', `The worker at ${conn.remote} sent nothing for ${this.#idleMs} ms while data was awaited; dropped it.`, {
            remote: conn.remote,
          }),
        ),
      this.#idleMs,
    );
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
      this.#reading = { request, msg, values: new Map(), error: undefined };
    } else {
      const reading = this.#reading;
      if (reading === undefined) return this.#protocolError('sent a body frame that no data message announced');
      const key = reading.msg.found[reading.values.size]?.key as Key;
      try {
        reading.values.set(key, decodeWireValue(frame.bytes));
      } catch (err) {
        reading.values.set(key, undefined);
        reading.error ??= err;
      }
    }
    const reading = this.#reading;
    if (reading !== undefined && reading.values.size === reading.msg.found.length) {
      this.#reading = undefined;
      if (reading.error !== undefined) reading.request.reject(reading.error);
      else reading.request.resolve({ values: reading.values, missing: reading.msg.missing });
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
    if (this.#closed) throw new ConnectionError('TSDASK_CONN_CLOSED', `The client is closed; cannot fetch from ${address}.`, { remote: address });
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

/** What the gather loop needs from the client. */
export interface FetchDeps {
  /** The holders (data addresses) of each key, from the scheduler. */
  whoHas(keys: readonly Key[]): Promise<Record<Key, string[]>>;
  pool: PeerPool;
  /** Throws when `key` can no longer be fetched (it failed, was released, the scheduler is gone). */
  check(key: Key): void;
  /** Rounds of who-has + fetch before DataNotFoundError. */
  attempts: number;
  /** Waits before the next round. */
  pause(ms: number): Promise<void>;
}

/** The pause before round `attempt + 1`: 25 ms doubling, at most 1 s. */
const backoff = (attempt: number): number => Math.min(1000, 25 * 2 ** (attempt - 1));

/** Fetches the values of keys (distinct) from the workers holding them; see the header. */
export async function fetchValues(keys: readonly Key[], deps: FetchDeps): Promise<Map<Key, unknown>> {
  const out = new Map<Key, unknown>();
  const tried = new Map<Key, Set<string>>();
  let todo = keys;
  for (let attempt = 1; ; attempt++) {
    for (const k of todo) deps.check(k);
    const who = await deps.whoHas(todo);
    const byHolder = new Map<string, Key[]>();
    const left: Key[] = [];
    for (const k of todo) {
      const holders = who[k] ?? [];
      if (holders.length === 0) {
        left.push(k);
        continue;
      }
      // A different holder on each round, so one that lost the key is not asked again and again.
      const holder = holders[(attempt - 1) % holders.length] as string;
      let t = tried.get(k);
      if (t === undefined) tried.set(k, (t = new Set()));
      t.add(holder);
      const group = byHolder.get(holder);
      if (group === undefined) byHolder.set(holder, [k]);
      else group.push(k);
    }
    let lastError: unknown;
    await Promise.all(
      Array.from(byHolder, async ([holder, group]) => {
        try {
          const got = await deps.pool.getData(holder, group);
          for (const k of group) {
            if (got.values.has(k)) out.set(k, got.values.get(k));
            else left.push(k);
          }
        } catch (err) {
          // The worker is gone or broke the protocol: ask the scheduler again for these.
          if (!(err instanceof ConnectionError || err instanceof MessageShapeError)) throw err;
          lastError = err;
          left.push(...group);
        }
      }),
    );
    if (left.length === 0) return out;
    if (attempt >= deps.attempts) {
      const k = left[0] as Key;
      throw new DataNotFoundError(k, [...(tried.get(k) ?? [])], attempt, lastError);
    }
    await deps.pause(backoff(attempt));
    todo = left;
  }
}
