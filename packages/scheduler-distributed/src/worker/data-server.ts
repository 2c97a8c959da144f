/**
 * A worker's data port: listens (behind the token handshake, any role) and answers `get-data`
 * with `data` {found, missing} and then one body frame per found key, the value's wire bytes
 * (a small JSON-safe value travels inside `data` instead).
 * Anything else on the port (a body frame, an unknown or malformed message) closes that
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
import type { DataStore } from './data-store.js';

/** Options of serveData. */
export interface DataServerOptions {
  host: string;
  port: number;
  token: string;
  tls: TlsOptions | undefined;
  store: DataStore;
  /** Told of problems worth a log line (refused handshakes, bad messages, values that cannot travel). */
  log: (line: string) => void;
}

/** Answers one get-data on `conn` from `store`: a value that cannot be encoded is reported missing. */
function answer(conn: Connection, msg: GetDataMsg, store: DataStore, log: (line: string) => void): void {
  const found: DataMsg['found'] = [];
  const bodies: Uint8Array[] = [];
  const missing: string[] = [];
  for (const key of msg.keys) {
    const held = store.get(key);
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
      conn.onFrame((frame) => {
        if (conn.isClosed) return;
        try {
          if (frame.kind === 'body')
            throw new MessageShapeError('message', `A peer sent a body frame to the data port; only get-data messages are served here.`);
          answer(conn, checkFromPeer(frame.message), store, log);
        } catch (err) {
          log(`closing data connection from ${conn.remote}: ${(err as Error).message}`);
          conn.close(err as Error);
        }
      });
    },
  });
}
