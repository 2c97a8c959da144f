/**
 * A client's link to its scheduler (RemoteScheduler's connection, apart from its bookkeeping):
 * messages sent before the connection opens wait in a queue and go in order once it does; every
 * message that arrives is shape-checked (checkToClient) and handed to the owner; a broken one
 * closes the connection. When the connection closes, the owner loses everything at once
 * (SchedulerLostError), unless `reconnect` is given: then the link dials the scheduler again for
 * `timeoutMs` (comm/redial.ts), sends `reclaim-keys` with the results the owner holds, and once
 * that is answered (`reclaimed`) sends what the owner says to send again (its pending graphs and
 * questions), then what was queued meanwhile (reconnect.ts says what).
 */
import type { Key } from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { redial } from '../comm/redial.js';
import { checkToClient } from '../protocol/check.js';
import type { ClientToScheduler, SchedulerToClient } from '../protocol/messages.js';
import { SchedulerLostError } from './errors.js';

/** What the link asks of its owner (RemoteScheduler). */
export interface LinkOwner {
  /** A checked message from the scheduler (all but `reclaimed`, which the link answers itself). */
  message(msg: SchedulerToClient): void;
  /** The scheduler is lost for good: fail everything with `err` (the owner then calls `close`). */
  lost(err: SchedulerLostError): void;
  /** The connection dropped and is being dialed again: note what the old scheduler had (once per reconnection). */
  dropped(): void;
  /** A fresh request id (the link's reclaim-keys shares the owner's ids). */
  nextId(): number;
  /** The keys whose results this client holds, to reclaim from the new scheduler. */
  held(): Key[];
  /** The reclaim was answered (`missing`: results no worker brought back); returns the messages to send again, before the queued ones. */
  resumed(missing: readonly Key[]): ClientToScheduler[];
}

/** Dial the scheduler again when its connection drops, for `timeoutMs`. */
export interface ReconnectOptions {
  dial: () => Promise<Connection>;
  timeoutMs: number;
}

export class SchedulerLink {
  readonly #name: string;
  readonly #owner: LinkOwner;
  readonly #reconnect: ReconnectOptions | undefined;
  #conn: Connection | undefined;
  /** Messages (and a scatter's body) waiting for the connection, in order; undefined while connected. */
  #queued: { msg: ClientToScheduler; body: Uint8Array | undefined }[] | undefined = [];
  /** The id of the reclaim-keys sent after a reconnection; messages stay queued until it is answered. */
  #reclaiming: number | undefined;
  #reconnecting = false;
  #closed = false;

  /** `name` is the scheduler's address; `connecting` resolves with the open connection. */
  constructor(name: string, connecting: Promise<Connection>, owner: LinkOwner, reconnect?: ReconnectOptions) {
    this.#name = name;
    this.#owner = owner;
    this.#reconnect = reconnect;
    connecting.then(
      (conn) => this.#connected(conn),
      (err: unknown) => this.#owner.lost(new SchedulerLostError(name, err)),
    );
  }

  /** Sends now, or queues until connected (in order); nothing once closed. A connection that closed under us is reported by its `closed`. */
  send(msg: ClientToScheduler, body?: Uint8Array): void {
    if (this.#closed) return;
    if (this.#queued !== undefined) {
      this.#queued.push({ msg, body });
      return;
    }
    try {
      this.#conn!.send(msg, msg.type === 'release-keys'); // nobody waits on a release: it may go with later messages
      if (body !== undefined) this.#conn!.sendBody(body);
    } catch {
      // The connection closed under us: `closed` settles it (#dropped) with the reason.
    }
  }

  /** Sends the messages in order over turns of the event loop (Connection.sendEach), or queues them until connected. */
  sendEach(msgs: Iterable<ClientToScheduler>): void {
    if (this.#closed) return;
    if (this.#queued !== undefined) {
      for (const msg of msgs) this.#queued.push({ msg, body: undefined });
      return;
    }
    try {
      this.#conn!.sendEach(msgs);
    } catch {
      // The connection closed under us: `closed` settles it (#dropped) with the reason.
    }
  }

  /** Closes the link for good: drops what is queued and closes the connection. */
  close(): void {
    this.#closed = true;
    this.#queued = undefined;
    this.#conn?.close();
  }

  /** Resolves once the connection is closed (at once when it never opened). */
  async whenClosed(): Promise<void> {
    if (this.#conn !== undefined) await this.#conn.closed;
  }

  #connected(conn: Connection): void {
    if (this.#closed) return conn.close();
    this.#attach(conn);
    this.#flushQueue();
  }

  #attach(conn: Connection): void {
    this.#conn = conn;
    conn.onFrame((f) => this.#onFrame(f));
    void conn.closed.then((reason) => this.#dropped(conn, reason));
  }

  #flushQueue(): void {
    const queued = this.#queued ?? [];
    this.#queued = undefined;
    for (const q of queued) this.send(q.msg, q.body);
  }

  /** The connection closed: lose everything, or dial again while the reconnect window lasts. */
  #dropped(conn: Connection, reason: Error | undefined): void {
    if (this.#closed || this.#conn !== conn) return;
    const again = this.#reconnect;
    if (again === undefined) return this.#owner.lost(new SchedulerLostError(this.#name, reason));
    this.#conn = undefined;
    if (!this.#reconnecting) {
      // What the old scheduler had is sent again after the reclaim; what is asked from now on waits in the queue.
      this.#reconnecting = true;
      this.#owner.dropped();
      this.#queued = [];
    }
    redial(again.dial, { timeoutMs: again.timeoutMs, stopped: () => this.#closed }).then(
      (fresh) => this.#reconnected(fresh),
      (err: unknown) => this.#owner.lost(new SchedulerLostError(this.#name, reason ?? err)),
    );
  }

  /** Connected again: reclaim the results held here first; the rest follows the answer (#resume). */
  #reconnected(conn: Connection): void {
    if (this.#closed) return conn.close();
    this.#attach(conn);
    const id = (this.#reclaiming = this.#owner.nextId());
    conn.send({ type: 'reclaim-keys', id, keys: this.#owner.held() });
  }

  #resume(missing: readonly Key[]): void {
    this.#reclaiming = undefined;
    this.#reconnecting = false;
    const conn = this.#conn!;
    for (const m of this.#owner.resumed(missing)) conn.send(m);
    this.#flushQueue();
  }

  #onFrame(frame: Frame): void {
    if (this.#closed) return;
    if (frame.kind !== 'control') {
      this.#conn?.close(new MessageShapeError('message', `The scheduler at ${this.#name} sent a body frame, which it never should to a client.`));
      return;
    }
    let msg: SchedulerToClient;
    try {
      msg = checkToClient(frame.message);
    } catch (err) {
      this.#conn?.close(err as Error);
      return;
    }
    if (msg.type === 'reclaimed') {
      if (msg.id === this.#reclaiming) this.#resume(msg.missing);
    } else this.#owner.message(msg);
  }
}
