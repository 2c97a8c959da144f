/**
 * The send side of P2P shuffles on a worker: connections (role 'peer') to other workers' data
 * ports used only for buckets, one per address, opened on first use. `send` writes a
 * `shuffle-shards` message and one body frame per bucket, and resolves when that worker's
 * `shuffle-ack` says the buckets are buffered there (acks come back in the order of the
 * messages); it rejects with the ack's error, or with ConnectionError when the connection
 * closes first or the peer stays silent for `idleMs`. A send first waits for room in the
 * sender's budget of bytes not yet acked (byte-budget.ts), so a worker's transfers hold at most
 * that much in socket buffers and at their receivers.
 */
import type { Connection } from '../comm/connection.js';
import { ConnectionError, MessageShapeError } from '../comm/errors.js';
import { checkShuffleAck } from '../protocol/check.js';
import type { ShuffleShardsMsg } from '../protocol/messages.js';
import type { ByteBudget } from './byte-budget.js';

interface Waiting {
  id: number;
  resolve(): void;
  reject(err: Error): void;
}

/** One connection and the sends waiting for their acks. */
class ShardLink {
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
        const ack = checkShuffleAck(f.message);
        const w = this.#waiting.shift();
        if (w === undefined || w.id !== ack.id)
          throw new MessageShapeError('message', `The worker at ${conn.remote} acked shuffle message ${ack.id}, which was not next.`);
        if (ack.error !== undefined) w.reject(new Error(ack.error));
        else w.resolve();
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
      for (const w of this.#waiting.splice(0)) w.reject(err);
    });
  }

  send(msg: Omit<ShuffleShardsMsg, 'id'>, bodies: readonly Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.conn.isClosed)
        return reject(new ConnectionError('TSDASK_CONN_CLOSED', `The shuffle connection to ${this.conn.remote} is closed.`, { remote: this.conn.remote }));
      const id = this.#nextId++;
      this.conn.send({ ...msg, id });
      for (const b of bodies) this.conn.sendBody(b);
      this.#waiting.push({ id, resolve, reject });
      this.#arm();
    });
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#waiting.length === 0 || this.conn.isClosed) return;
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
