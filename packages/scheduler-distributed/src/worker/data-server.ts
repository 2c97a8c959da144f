/**
 * A worker's data port: listens (behind the token handshake, any role) and answers `get-data`
 * with `data` {found, missing} and then one body frame per found key, the value's wire bytes
 * (a small JSON-safe value travels inside `data` instead).
 * Values in memory are answered at once; one spilled to disk is read back first, and answers on
 * a connection keep the order of its requests (a peer reads them in that order).
 * A P2P shuffle's `shuffle-shards` (src/shuffle/) brings one body frame per bucket: once they are
 * all read they go to `onShards`, and `shuffle-ack` answers when it resolves (with its error when
 * it rejects), in the order of the messages.
 * Anything else on the port (a stray body frame, an unknown or malformed message) closes that
 * connection with the error; the port keeps serving the others.
 */
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { RefusedInfo } from '../comm/handshake.js';
import type { TlsOptions } from '../comm/tls.js';
import { listen, type Listener } from '../comm/tcp.js';
import { checkFromPeer } from '../protocol/check.js';
import type { DataMsg, GetDataMsg, ShuffleAckMsg, ShuffleShardsMsg } from '../protocol/messages.js';
import { encodeWireValue, inlineJson } from '../protocol/values.js';
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
  onShards?: (msg: ShuffleShardsMsg, bodies: Uint8Array[]) => Promise<void>;
}

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
  return listen({
    host: options.host,
    port: options.port,
    token: options.token,
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    onRefused: (info: RefusedInfo) => log(`data port refused ${info.remote}: ${info.reason}`),
    onConnection: (conn) => {
      /** The end of the answers still being read from disk on this connection, in request order. */
      let pending: Promise<void> | undefined;
      /** A shuffle-shards whose body frames are being read. */
      let shards: { msg: ShuffleShardsMsg; bodies: Uint8Array[] } | undefined;
      /** The end of the shuffle acks still to send on this connection, in message order. */
      let acks: Promise<void> = Promise.resolve();
      const takeShards = (msg: ShuffleShardsMsg, bodies: Uint8Array[]): void => {
        const taking = options.onShards!(msg, bodies).then(
          () => undefined,
          (err: Error) => err.message,
        );
        acks = Promise.all([acks, taking]).then(([, error]) => {
          const ack: ShuffleAckMsg = { type: 'shuffle-ack', id: msg.id, ...(error !== undefined ? { error } : {}) };
          if (!conn.isClosed) conn.send(ack);
        });
      };
      conn.onFrame((frame) => {
        if (conn.isClosed) return;
        try {
          if (frame.kind === 'body') {
            if (shards === undefined) throw new MessageShapeError('message', `A peer sent a body frame to the data port that no shuffle-shards announced.`);
            shards.bodies.push(frame.bytes);
            if (shards.bodies.length === shards.msg.parts.length) {
              takeShards(shards.msg, shards.bodies);
              shards = undefined;
            }
            return;
          }
          if (shards !== undefined)
            throw new MessageShapeError('message', `A peer sent a control message where a body of shuffle-shards ${shards.msg.id} was due.`);
          const msg = checkFromPeer(frame.message);
          if (msg.type === 'shuffle-shards') {
            if (options.onShards === undefined)
              throw new MessageShapeError('message', 'A peer sent shuffle-shards to a data port that takes no shuffle buckets.');
            if (msg.parts.length === 0) takeShards(msg, []);
            else shards = { msg, bodies: [] };
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
