/**
 * The send side of P2P shuffles on a worker: connections (role 'peer') to other workers' data
 * ports used only for buckets, one per address, opened on first use. `send` asks that worker for
 * room for the buckets' bytes (`shuffle-ask`), and once it grants it (`shuffle-grant`: the
 * receiver's window bounds what all its senders may have in flight to it, shard-receiver.ts)
 * writes a `shuffle-shards` message and one body frame per bucket; it resolves when that worker's
 * `shuffle-ack` says the buckets are buffered there (acks come back in the order of the
 * messages); it rejects with the ack's error, or with ConnectionError when the connection
 * closes first or the peer stays silent (no grant, no ack) for `idleMs`. A send first waits for room in the
 * sender's budget of bytes not yet acked (byte-budget.ts), so a worker's transfers hold at most
 * that much in socket buffers and at their receivers.
 */
import type { Connection } from '../comm/connection.js';
import { ConnectionError, MessageShapeError } from '../comm/errors.js';
import { checkShuffleReply } from '../protocol/check.js';
import type { ShuffleAskMsg, ShuffleShardsMsg } from '../protocol/messages.js';
import type { ByteBudget } from './byte-budget.js';

interface Waiting {
  id: number;
  resolve(): void;
  reject(err: Error): void;
}

/** A send that asked for room and waits for its grant, with what it will write then. */
interface Asking extends Waiting {
  msg: ShuffleShardsMsg;
  bodies: readonly Uint8Array[];
}

/** One connection, the sends waiting for their grants, and those waiting for their acks. */
class ShardLink {
  readonly #asking = new Map<number, Asking>();
  readonly #waiting: Waiting[] = [];
  #nextId = 1;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly conn: Connection,
    readonly idleMs: number,
    onClosed: () => void,
  ) {
    conn.onFrame((f) => {
      try {
        if (f.kind !== 'control') throw new MessageShapeError('message', `The worker at ${conn.remote} sent a body frame on a shuffle connection.`);
        const reply = checkShuffleReply(f.message);
        if (reply.type === 'shuffle-grant') this.#granted(reply.id);
        else {
          const w = this.#waiting.shift();
          if (w === undefined || w.id !== reply.id)
            throw new MessageShapeError('message', `The worker at ${conn.remote} acked shuffle message ${reply.id}, which was not next.`);
          if (reply.error !== undefined) w.reject(new Error(reply.error));
          else w.resolve();
        }
        this.#arm();
      } catch (err) {
        conn.close(err as Error);
      }
    });
    void conn.closed.then((reason) => {
      clearTimeout(this.#timer);
      onClosed();
      const err =
        reason ??
        new ConnectionError('TSDASK_CONN_CLOSED', `The worker at ${conn.remote} closed the shuffle connection before acking.`, { remote: conn.remote });
      for (const w of this.#asking.values()) w.reject(err);
      this.#asking.clear();
      for (const w of this.#waiting.splice(0)) w.reject(err);
    });
  }

  /** Asks the receiver for room for the bodies' bytes; writes the message and its bodies once granted; resolves once acked. */
  send(msg: Omit<ShuffleShardsMsg, 'id'>, bodies: readonly Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.conn.isClosed)
        return reject(new ConnectionError('TSDASK_CONN_CLOSED', `The shuffle connection to ${this.conn.remote} is closed.`, { remote: this.conn.remote }));
      const id = this.#nextId++;
      let bytes = 0;
      for (const b of bodies) bytes += b.byteLength;
      const ask: ShuffleAskMsg = { type: 'shuffle-ask', id, bytes };
      this.conn.send(ask);
      this.#asking.set(id, { id, msg: { ...msg, id }, bodies, resolve, reject });
      this.#arm();
    });
  }

  /** The receiver holds room for send `id`: write it, then wait for its ack. */
  #granted(id: number): void {
    const a = this.#asking.get(id);
    if (a === undefined) throw new MessageShapeError('message', `The worker at ${this.conn.remote} granted room for shuffle message ${id}, which did not ask.`);
    this.#asking.delete(id);
    this.conn.send(a.msg);
    for (const b of a.bodies) this.conn.sendBody(b);
    this.#waiting.push(a);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if ((this.#waiting.length === 0 && this.#asking.size === 0) || this.conn.isClosed) return;
    const conn = this.conn;
    this.#timer = setTimeout(
      () =>
        conn.close(
          new ConnectionError('TSDASK_CONN_CLOSED', `The worker at ${conn.remote} acked no shuffle buckets for ${this.idleMs} ms; dropped it.`, {
            remote: conn.remote,
          }),
        ),
      this.idleMs,
    );
  }
}

/** Shuffle connections to other workers, one per data address; the bytes sent and not yet acked are bounded by a budget (byte-budget.ts). */
export class ShardSender {
  readonly #links = new Map<string, Promise<ShardLink>>();
  #closed = false;

  constructor(
    private readonly dial: (address: string) => Promise<Connection>,
    private readonly budget: ByteBudget,
    private readonly idleMs = 60_000,
  ) {}

  /** Bytes sent and not yet acked, now. */
  get inFlight(): number {
    return this.budget.used;
  }

  /** The most bytes in flight at once so far. */
  get peakInFlight(): number {
    return this.budget.peak;
  }

  /** Sends buckets to the worker at `address` once they fit in the budget; resolves when it has buffered them. */
  async send(address: string, msg: Omit<ShuffleShardsMsg, 'id'>, bodies: readonly Uint8Array[]): Promise<void> {
    let bytes = 0;
    for (const b of bodies) bytes += b.byteLength;
    await this.budget.acquire(bytes);
    try {
      await this.#send(address, msg, bodies);
    } finally {
      this.budget.release(bytes);
    }
  }

  async #send(address: string, msg: Omit<ShuffleShardsMsg, 'id'>, bodies: readonly Uint8Array[]): Promise<void> {
    if (this.#closed) throw new ConnectionError('TSDASK_CONN_CLOSED', `The worker is closing; cannot send shuffle buckets to ${address}.`, { remote: address });
    let link = this.#links.get(address);
    if (link === undefined) {
      const made: Promise<ShardLink> = this.dial(address).then((conn) => {
        if (this.#closed) conn.close();
        return new ShardLink(conn, this.idleMs, () => {
          if (this.#links.get(address) === made) this.#links.delete(address);
        });
      });
      made.catch(() => {
        if (this.#links.get(address) === made) this.#links.delete(address);
      });
      this.#links.set(address, (link = made));
    }
    return (await link).send(msg, bodies);
  }

  /** Closes every connection; sends waiting for acks reject. */
  close(): void {
    this.#closed = true;
    this.budget.close(new ConnectionError('TSDASK_CONN_CLOSED', 'The worker is closing; cannot send shuffle buckets.', { remote: '-' }));
    for (const l of this.#links.values())
      l.then(
        (x) => x.conn.close(),
        () => {},
      );
    this.#links.clear();
  }
}
