/**
 * The receive side of P2P shuffle connections on a worker's data port, with credit-based flow
 * control: a sender asks for room for a message's bucket bytes (`shuffle-ask`), the receiver
 * takes that many bytes from its receive window (a ByteBudget, byte-budget.ts, shared by every
 * connection of the port and sized from the worker's memory limit) and answers `shuffle-grant`;
 * only then does the sender write the `shuffle-shards` and its body frames. Their bytes stay in
 * the window until the buckets are buffered (`take` resolved: from there the shuffle's own
 * receive budget holds them until written, shard-files.ts), then `shuffle-ack` goes back, in
 * message order. So the bucket bytes a worker has read and not yet buffered are at most its
 * window (one message bigger than the whole window goes alone), however many peers send to it:
 * the bound is the receiver's own, not each sender's. (Dask 2022.12 gets a looser bound from its
 * RPC loop, distributed/core.py handle_comm: it reads a comm's next request only once the last
 * one's handler returned, and shuffle_receive's disk-buffer write waits on a ResourceLimiter,
 * shuffle/_buffer.py and _limiter.py; so it holds one message per open comm, not a byte bound
 * over all of them.)
 *
 * Credit, not pausing the socket: a paused socket has already read its current chunk and part of
 * a body, for every sender, so that bound grows with the number of senders; and the credit
 * counts only bucket bytes, so nothing else on a connection ever waits for it. It cannot
 * deadlock: a grant waits only for earlier takes to be buffered, which wait only for the disk
 * (and for this worker's own receive budget), never for the network or for a send of this
 * worker's. Grants not used when a connection closes (and asks granted after) go back at once.
 * A peer that breaks the protocol (shards with no grant, more bytes than granted, a body nobody
 * announced) gets a MessageShapeError, and the data port closes that connection.
 */
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { ShuffleAckMsg, ShuffleAskMsg, ShuffleGrantMsg, ShuffleShardsMsg } from '../protocol/messages.js';
import type { ByteBudget } from './byte-budget.js';

/** Takes the buckets of one shuffle-shards; resolves once they are buffered (rejects: the ack carries the error). */
export type TakeShards = (msg: ShuffleShardsMsg, bodies: Uint8Array[]) => Promise<void>;

/** The shuffle side of one data-port connection: its grants, the shards whose bodies are being read, and the acks due. */
export class ShardReceiver {
  /** Asks not yet used by a shuffle-shards, by id: their bytes, and whether the grant was sent (its bytes are held then). */
  readonly #asks = new Map<number, { bytes: number; granted: boolean }>();
  /** The shuffle-shards whose body frames are being read, with its grant. */
  #reading: Reading | undefined;
  /** The end of the acks still to send, in message order. */
  #acks: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly conn: Connection,
    private readonly window: ByteBudget,
    private readonly take: TakeShards,
  ) {
    void conn.closed.then(() => this.#close());
  }

  /** True while the body frames of a shuffle-shards are due. */
  get readingBodies(): boolean {
    return this.#reading !== undefined;
  }

  /** A shuffle-ask: grants its bytes once they fit in the window. */
  ask(msg: ShuffleAskMsg): void {
    if (this.#asks.has(msg.id) || this.#reading?.msg.id === msg.id)
      throw new MessageShapeError('message.id', `A peer asked twice for room for shuffle-shards ${msg.id}.`);
    const ask = { bytes: msg.bytes, granted: false };
    this.#asks.set(msg.id, ask);
    this.window.acquire(msg.bytes).then(
      () => {
        if (this.#closed) {
          this.#asks.delete(msg.id);
          this.window.release(msg.bytes);
          return;
        }
        ask.granted = true;
        const grant: ShuffleGrantMsg = { type: 'shuffle-grant', id: msg.id };
        this.conn.send(grant);
      },
      () => this.#asks.delete(msg.id), // the window closed (the worker is closing): the connection goes with it
    );
  }

  /** A shuffle-shards: it must come after its grant; its body frames follow. */
  shards(msg: ShuffleShardsMsg): void {
    const ask = this.#asks.get(msg.id);
    if (ask === undefined || !ask.granted)
      throw new MessageShapeError(
        'message.id',
        `A peer sent shuffle-shards ${msg.id} before it was granted room for it (shuffle-ask, then wait for shuffle-grant).`,
      );
    this.#asks.delete(msg.id);
    const reading: Reading = { msg, bodies: [], bytes: 0, granted: ask.bytes };
    if (msg.parts.length === 0) this.#taken(reading);
    else this.#reading = reading;
  }

  /** A body frame of the shuffle-shards being read. */
  body(bytes: Uint8Array): void {
    const r = this.#reading;
    if (r === undefined) throw new MessageShapeError('message', 'A peer sent a body frame to the data port that no shuffle-shards announced.');
    r.bytes += bytes.byteLength;
    if (r.bytes > r.granted)
      throw new MessageShapeError(
        'message',
        `A peer sent ${r.bytes} bytes of buckets in shuffle-shards ${r.msg.id}, more than the ${r.granted} it was granted.`,
      );
    r.bodies.push(bytes);
    if (r.bodies.length === r.msg.parts.length) {
      this.#reading = undefined;
      this.#taken(r);
    }
  }

  /** Hands the buckets over; their grant goes back to the window once they are buffered (or refused), then the ack goes, in message order. */
  #taken(r: Reading): void {
    let taking: Promise<string | undefined>;
    try {
      taking = this.take(r.msg, r.bodies).then(
        () => undefined,
        (err: Error) => err.message,
      );
    } catch (err) {
      taking = Promise.resolve((err as Error).message);
    }
    const done = taking.finally(() => this.window.release(r.granted));
    this.#acks = Promise.all([this.#acks, done]).then(([, error]) => {
      const ack: ShuffleAckMsg = { type: 'shuffle-ack', id: r.msg.id, ...(error !== undefined ? { error } : {}) };
      if (!this.conn.isClosed) this.conn.send(ack);
    });
  }

  /** The connection closed: grants not used go back now; asks still waiting give theirs back when granted. */
  #close(): void {
    this.#closed = true;
    if (this.#reading !== undefined) this.window.release(this.#reading.granted);
    this.#reading = undefined;
    for (const [id, ask] of this.#asks) {
      if (!ask.granted) continue;
      this.#asks.delete(id);
      this.window.release(ask.bytes);
    }
  }
}

interface Reading {
  msg: ShuffleShardsMsg;
  bodies: Uint8Array[];
  /** Body bytes read so far, and the most its grant allows. */
  bytes: number;
  granted: number;
}
