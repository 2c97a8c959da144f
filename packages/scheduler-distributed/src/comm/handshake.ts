/**
 * The handshake on a fresh Connection. The side that connected sends `hello` (version, role,
 * token); the serving side checks its shape, version and token (in constant time), answers
 * `welcome` or `refused` (reason) and closes a refused connection. A peer that sends nothing
 * within the timeout, or sends a bad frame, is dropped and reported like a refusal.
 */
import type { Connection } from './connection.js';
import { closedError, ConnectionError, FrameError, MessageShapeError } from './errors.js';
import { checkMessage, PROTOCOL_VERSION, type HelloMessage, type Role, type WelcomeMessage } from './messages.js';
import { tokensEqual } from './token.js';

/** Default time a connection gets to complete its handshake: 10 s. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Frame limits for a peer that has not passed the handshake yet: a hello is small and no body may come first. */
export const HANDSHAKE_LIMITS = { maxControlBytes: 64 * 1024, maxBodyBytes: 0 } as const;

/** Why a connection was refused, as passed to `onRefused` (the token is never included). */
export interface RefusedInfo {
  /** The peer's address. */
  remote: string;
  /** What was wrong, in words. */
  reason: string;
  /** The error behind it, where there is one (FrameError, MessageShapeError, ConnectionError). */
  error?: Error;
}

/** Server side of the handshake: options. */
export interface AcceptOptions {
  /** The cluster's shared token. */
  token: string;
  /** Milliseconds the peer has to send its hello (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Called once for every refused or dropped connection (for logging). */
  onRefused?: (info: RefusedInfo) => void;
}

/** Client side of the handshake: options. */
export interface GreetOptions {
  /** The cluster's shared token. */
  token: string;
  /** Who is connecting. */
  role: Role;
  /** Milliseconds to wait for the answer (default 10 s). */
  handshakeTimeoutMs?: number;
}

/** The errors firstMessage rejects with, in the caller's words. */
export interface FirstMessageErrors {
  /** Nothing came within the time (code TSDASK_CONN_HANDSHAKE_TIMEOUT). */
  timeout(ms: number): string;
  /** A body frame came first (a MessageShapeError). */
  body: string;
  /** The connection closed first, with the reason it closed with, if any. */
  closed(reason: Error | undefined): Error;
}

const HANDSHAKE_ERRORS = (remote: string): FirstMessageErrors => ({
  timeout: (ms) =>
    `The connection with ${remote} sent no handshake message within ${ms} ms; it was dropped. Check that the peer is a tsdask endpoint and the network is not stalled.`,
  body: `The connection with ${remote} sent a body frame before the handshake; a hello/welcome control message must come first.`,
  closed: (reason) => closedError(reason, remote, `The connection with ${remote} closed during the handshake.`),
});

/**
 * The errors of waiting for a scheduler's welcome after registering `who` (a worker, a nanny):
 * `timeout` says what to check, the others name the welcome message expected.
 */
export function welcomeErrors(remote: string, who: 'worker' | 'nanny', timeout: (ms: number) => string): FirstMessageErrors {
  return {
    timeout,
    body: `The scheduler at ${remote} sent a body frame before ${who}-welcome.`,
    closed: (reason) =>
      new ConnectionError(
        'TSDASK_CONN_CLOSED',
        `The scheduler at ${remote} closed the connection before it welcomed this ${who}${reason ? ` (${reason.message})` : ''}.`,
        {
          remote,
          cause: reason,
        },
      ),
  };
}

/**
 * Waits for the first frame of a connection (or its close, or the timeout): resolves with the
 * control message, rejects with a typed error worded by `errors`. Frames after it stay held on
 * the connection for the next handler.
 */
export function firstMessage(conn: Connection, timeoutMs: number, errors: FirstMessageErrors = HANDSHAKE_ERRORS(conn.remote)): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.onFrame(null);
      fn();
    };
    const timer = setTimeout(
      () => settle(() => reject(new ConnectionError('TSDASK_CONN_HANDSHAKE_TIMEOUT', errors.timeout(timeoutMs), { remote: conn.remote }))),
      timeoutMs,
    );
    conn.onFrame((frame) =>
      settle(() => {
        if (frame.kind === 'control') resolve(frame.message);
        else reject(new MessageShapeError('message', errors.body));
      }),
    );
    void conn.closed.then((reason) => settle(() => reject(errors.closed(reason))));
  });
}

/** Serves the handshake on an accepted connection: resolves with the peer's hello, or with undefined after refusing and closing it. */
export async function acceptHandshake(conn: Connection, options: AcceptOptions): Promise<HelloMessage | undefined> {
  const refuse = (reason: string, error?: Error): undefined => {
    if (!conn.isClosed) {
      conn.send({ type: 'refused', reason });
      conn.close(error);
    }
    options.onRefused?.({ remote: conn.remote, reason, ...(error ? { error } : {}) });
    return undefined;
  };
  let raw: unknown;
  try {
    raw = await firstMessage(conn, options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);
  } catch (err) {
    const e = err as Error;
    const why =
      err instanceof FrameError
        ? 'bad frame'
        : err instanceof ConnectionError && err.code === 'TSDASK_CONN_HANDSHAKE_TIMEOUT'
          ? 'handshake timeout'
          : 'bad handshake';
    return refuse(`${why}: ${e.message}`, e);
  }
  let hello;
  try {
    hello = checkMessage(raw);
  } catch (err) {
    return refuse(`bad hello: ${(err as Error).message}`, err as Error);
  }
  if (hello.type !== 'hello') return refuse(`expected a 'hello' message first, got '${hello.type}'`);
  if (hello.version !== PROTOCOL_VERSION)
    return refuse(`protocol version ${hello.version} is not supported (this server speaks ${PROTOCOL_VERSION}); run the same tsdask version on every host`);
  if (!tokensEqual(hello.token, options.token)) return refuse('wrong token: set TSDASK_TOKEN to the cluster token on this host');
  const welcome: WelcomeMessage = { type: 'welcome', version: PROTOCOL_VERSION };
  conn.send(welcome);
  return hello;
}

/** Opens the handshake on a connection we made: sends hello; resolves on welcome, rejects (and closes) on refusal or timeout. */
export async function greetHandshake(conn: Connection, options: GreetOptions): Promise<WelcomeMessage> {
  const hello: HelloMessage = { type: 'hello', version: PROTOCOL_VERSION, role: options.role, token: options.token };
  const answer = firstMessage(conn, options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);
  conn.send(hello);
  try {
    const reply = checkMessage(await answer);
    if (reply.type === 'welcome') return reply;
    const reason = reply.type === 'refused' ? reply.reason : `expected 'welcome' or 'refused', got '${reply.type}'`;
    throw new ConnectionError('TSDASK_CONN_REFUSED', `The server at ${conn.remote} refused this ${options.role}: ${reason}.`, { remote: conn.remote });
  } catch (err) {
    conn.close(err as Error);
    throw err;
  }
}
