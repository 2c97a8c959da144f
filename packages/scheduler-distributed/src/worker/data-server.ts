/**
 * A worker's data port: listens (behind the token handshake, any role) and answers `get-data`
 * with `data` {found, missing} and then one body frame per found key, the value's wire bytes
 * (a small JSON-safe value travels inside `data` instead).
 * Values in memory are answered at once; one spilled to disk is read back first, and answers on
 * a connection keep the order of its requests (a peer reads them in that order).
 * A P2P shuffle's messages go to the connection's ShardReceiver (src/shuffle/shard-receiver.ts):
 * `shuffle-ask` is granted room in the port's receive window, the `shuffle-shards` that follows
 * brings one body frame per bucket, they go to `onShards` once all read, and `shuffle-ack`
 * answers when it resolves (with its error when it rejects), in the order of the messages.
 * Anything else on the port (a stray body frame, an unknown or malformed message) closes that
 * connection with the error; the port keeps serving the others.
 */
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { RefusedInfo } from '../comm/handshake.js';
import type { TlsOptions } from '../comm/tls.js';
import { listen, type Listener } from '../comm/tcp.js';
import { checkFromPeer } from '../protocol/check.js';
import type { DataMsg, GetDataMsg } from '../protocol/messages.js';
import { encodeWireValue, inlineJson } from '../protocol/values.js';
import { ByteBudget } from '../shuffle/byte-budget.js';
import { ShardReceiver, type TakeShards } from '../shuffle/shard-receiver.js';
import type { DataStore, StoredValue } from './data-store.js';

/** Options of serveData. */
export interface DataServerOptions {
  host: string;
  port: number;
  token: string;
  tls: TlsOptions | undefined;
  store: DataStore;
  /** Told of problems worth a log line (refused handshakes, bad messages, values that cannot travel). */
  log: (line: string) => void;
  /** Takes the buckets of a P2P shuffle's `shuffle-shards`; resolves once they are buffered (then they are acked). */
  onShards?: TakeShards;
  /**
   * The receive window of P2P shuffles: the most bytes of buckets granted to senders and not yet
   * buffered, over all connections (shard-receiver.ts; default DEFAULT_SHUFFLE_WINDOW_BYTES).
   */
  shuffleWindowBytes?: number;
}

/** The shuffle receive window of a data port given none (64 MiB, the default shuffle buffer). */
export const DEFAULT_SHUFFLE_WINDOW_BYTES = 64 * 2 ** 20;

/** Reads back the spilled values `msg` asks for; one that cannot be read is left out (reported missing) and logged. */
async function loadSpilled(msg: GetDataMsg, store: DataStore, log: (line: string) => void): Promise<Map<string, StoredValue>> {
  const { values, errors } = await store.readBack(msg.keys);
  for (const [key, err] of errors) log(`cannot read back spilled '${key}': ${(err as Error).message}`);
  return values;
}

/** Answers one get-data on `conn` from `store` (or `loaded` from disk): a value that cannot be encoded is reported missing. */
function answer(conn: Connection, msg: GetDataMsg, store: DataStore, log: (line: string) => void, loaded?: Map<string, StoredValue>): void {
  if (conn.isClosed) return;
  const found: DataMsg['found'] = [];
  const bodies: Uint8Array[] = [];
  const missing: string[] = [];
  for (const key of msg.keys) {
    const held = store.get(key) ?? loaded?.get(key);
    if (held === undefined) {
      missing.push(key);
      continue;
    }
    try {
      const json = inlineJson(held.value, held.nbytes);
      if (json !== undefined) found.push({ key, nbytes: held.nbytes, json });
      else {
        bodies.push(encodeWireValue(held.value));
        found.push({ key, nbytes: held.nbytes });
      }
    } catch (err) {
      log(`cannot send '${key}' to ${conn.remote}: ${(err as Error).message}`);
      missing.push(key);
    }
  }
  const reply: DataMsg = { type: 'data', id: msg.id, found, missing };
  conn.send(reply);
  for (const b of bodies) conn.sendBody(b);
}

/** Opens the data port and serves get-data from `store` until the listener is closed. */
export function serveData(options: DataServerOptions): Promise<Listener> {
  const { store, log } = options;
  const window = new ByteBudget(options.shuffleWindowBytes ?? DEFAULT_SHUFFLE_WINDOW_BYTES);
  return listen({
    host: options.host,
    port: options.port,
    token: options.token,
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    onRefused: (info: RefusedInfo) => log(`data port refused ${info.remote}: ${info.reason}`),
    onConnection: (conn) => {
      /** The end of the answers still being read from disk on this connection, in request order. */
      let pending: Promise<void> | undefined;
      /** The shuffle side of this connection (shard-receiver.ts), made on its first shuffle message. */
      let shuffle: ShardReceiver | undefined;
      conn.onFrame((frame) => {
        if (conn.isClosed) return;
        try {
          if (frame.kind === 'body') {
            if (shuffle === undefined) throw new MessageShapeError('message', `A peer sent a body frame to the data port that no shuffle-shards announced.`);
            shuffle.body(frame.bytes);
            return;
          }
          if (shuffle?.readingBodies === true)
            throw new MessageShapeError('message', `A peer sent a control message where a body of a shuffle-shards was due.`);
          const msg = checkFromPeer(frame.message);
          if (msg.type === 'shuffle-ask' || msg.type === 'shuffle-shards') {
            const onShards = options.onShards;
            if (onShards === undefined) throw new MessageShapeError('message', `A peer sent ${msg.type} to a data port that takes no shuffle buckets.`);
            shuffle ??= new ShardReceiver(conn, window, onShards);
            if (msg.type === 'shuffle-ask') shuffle.ask(msg);
            else shuffle.shards(msg);
            return;
          }
          if (pending === undefined && !store.anyOnDisk(msg.keys)) return answer(conn, msg, store, log);
          // Read the spilled values now; answer after the answers before it.
          const loading = loadSpilled(msg, store, log);
          const mine: Promise<void> = Promise.all([pending, loading])
            .then(([, loaded]) => answer(conn, msg, store, log, loaded))
            .catch((err: Error) => conn.close(err))
            .finally(() => {
              if (pending === mine) pending = undefined;
            });
          pending = mine;
        } catch (err) {
          log(`closing data connection from ${conn.remote}: ${(err as Error).message}`);
          conn.close(err as Error);
        }
      });
    },
  });
}
