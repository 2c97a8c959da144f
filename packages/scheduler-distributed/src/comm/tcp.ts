/**
 * The TCP transport (node:net): `listen` accepts connections and runs the server side of the
 * handshake on each; `connect` dials and runs the client side. Sockets get setNoDelay (framing
 * and write batching already coalesce small messages) and default to 127.0.0.1. A bad or silent
 * connection is refused and closed; the server keeps serving the others. With `tls` (tls.ts)
 * both sides run over node:tls instead, the peer's certificate verified against the CA.
 */
import { createServer, connect as netConnect, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { FramedConnection, type BytePipe, type Connection } from './connection.js';
import { ConnectionError } from './errors.js';
import type { FrameLimits } from './frames.js';
import { acceptHandshake, greetHandshake, HANDSHAKE_LIMITS, type AcceptOptions, type GreetOptions } from './handshake.js';
import type { HelloMessage } from './messages.js';
import { checkServerTls, type TlsOptions } from './tls.js';

/** Options of `listen`. */
export interface ListenOptions extends AcceptOptions, FrameLimits {
  /** Interface to bind (default 127.0.0.1; '0.0.0.0' to accept from other hosts). */
  host?: string;
  /** Port (default 0: an ephemeral port, read it from `address`). */
  port?: number;
  /** Serve over TLS with this certificate and key (default: plain TCP). */
  tls?: TlsOptions;
  /** Called with every connection that passed the handshake, and the peer's hello (its role). */
  onConnection: (conn: Connection, hello: HelloMessage) => void;
  /** The frame limits of a connection once its hello is accepted, by role (default: this listener's own limits). */
  limitsFor?: (hello: HelloMessage) => FrameLimits | undefined;
}

/** A listening endpoint. */
export interface Listener {
  /** The bound host and port. */
  readonly address: { host: string; port: number };
  /** Stops accepting, closes every open connection, and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Options of `connect`. */
export interface ConnectOptions extends GreetOptions, FrameLimits {
  /** Host to dial (default 127.0.0.1). */
  host?: string;
  /** Port to dial. */
  port: number;
  /** Dial over TLS, verifying the server's certificate against `tls.ca` (default: plain TCP). */
  tls?: TlsOptions;
}

/** Adapts a socket to a FramedConnection (both directions). */
function wrapSocket(socket: Socket, limits: FrameLimits): FramedConnection {
  socket.setNoDelay(true);
  const pipe: BytePipe = {
    write(chunks, done) {
      if (socket.destroyed) return done(new Error('socket destroyed'));
      socket.cork();
      for (let i = 0; i < chunks.length - 1; i++) socket.write(chunks[i]!);
      socket.write(chunks[chunks.length - 1]!, (err) => done(err ?? null));
      socket.uncork();
    },
    end() {
      if (!socket.destroyed) socket.end(() => socket.destroy());
    },
    pause() {
      socket.pause();
    },
    resume() {
      socket.resume();
    },
  };
  const conn = new FramedConnection(pipe, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, limits);
  socket.on('data', (chunk: Buffer) => conn.receive(chunk));
  socket.on('error', (err) => conn.ended(err));
  socket.on('close', () => conn.ended());
  return conn;
}

const limitsOf = (o: FrameLimits): FrameLimits => ({
  ...(o.maxBodyBytes !== undefined ? { maxBodyBytes: o.maxBodyBytes } : {}),
  ...(o.maxControlBytes !== undefined ? { maxControlBytes: o.maxControlBytes } : {}),
});

/** Listens for tsdask connections on TCP; every connection must pass the token handshake first. */
export function listen(options: ListenOptions): Promise<Listener> {
  const open = new Set<FramedConnection>();
  const onSocket = (socket: Socket): void => {
    // Until the hello is accepted, the peer is a stranger: it may not make us buffer more than a hello.
    const conn = wrapSocket(socket, HANDSHAKE_LIMITS);
    open.add(conn);
    void conn.closed.then(() => open.delete(conn));
    void acceptHandshake(conn, options).then((hello) => {
      if (!hello) return;
      // A client sends nothing between its hello and our welcome, so no frame was read under the small limits since.
      conn.setLimits(options.limitsFor?.(hello) ?? limitsOf(options));
      options.onConnection(conn, hello);
    });
  };
  let server: Server;
  if (options.tls !== undefined) {
    const tls = createTlsServer(checkServerTls(options.tls, 'a listening port'), onSocket);
    // A peer that fails the TLS handshake (no TLS, an untrusted certificate) is refused like a bad hello.
    tls.on('tlsClientError', (err, socket) =>
      options.onRefused?.({ remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, reason: `TLS handshake failed: ${err.message}`, error: err }),
    );
    server = tls;
  } else server = createServer(onSocket);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      const address = typeof addr === 'object' && addr !== null ? { host: addr.address, port: addr.port } : { host: options.host ?? '127.0.0.1', port: 0 };
      resolve({
        address,
        close: () =>
          new Promise<void>((done) => {
            for (const c of open) c.close();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Dials a tsdask endpoint over TCP and completes the handshake; resolves with the open Connection. */
export function connect(options: ConnectOptions): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const host = options.host ?? '127.0.0.1';
    const tls = options.tls;
    const socket: Socket =
      tls === undefined
        ? netConnect({ host, port: options.port })
        : tlsConnect({
            host,
            port: options.port,
            ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
            ...(tls.cert !== undefined && tls.key !== undefined ? { cert: tls.cert, key: tls.key } : {}),
            ...(isIP(host) === 0 ? { servername: host } : {}),
          });
    const failed = (err: Error & { code?: string }): void =>
      reject(
        new ConnectionError(
          'TSDASK_CONN_FAILED',
          `Could not connect to ${host}:${options.port} (${err.code ?? err.message}). Check that a tsdask scheduler or worker listens there and that the host and port are right.`,
          {
            remote: `${host}:${options.port}`,
            cause: err,
          },
        ),
      );
    socket.once('error', failed);
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
      socket.off('error', failed);
      const conn = wrapSocket(socket, limitsOf(options));
      greetHandshake(conn, options).then(() => resolve(conn), reject);
    });
  });
}
