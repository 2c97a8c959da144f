/**
 * A worker joining its scheduler: dial it (role 'worker', token handshake), send
 * register-worker, and wait for worker-welcome. Every way this can go wrong ends in a typed
 * error and a closed connection: refused, closed, a wrong first message, or no welcome in time.
 */
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import { firstMessage, welcomeErrors } from '../comm/handshake.js';
import type { TlsOptions } from '../comm/tls.js';
import { TRUSTED_MAX_CONTROL_BYTES } from '../comm/frames.js';
import { connect } from '../comm/tcp.js';
import { parseAddress } from '../protocol/address.js';
import { checkToWorker } from '../protocol/check.js';
import type { RegisterWorkerMsg, WorkerWelcomeMsg } from '../protocol/messages.js';

/** Default wait for the scheduler's worker-welcome. */
export const DEFAULT_REGISTER_TIMEOUT_MS = 30_000;

/** What register needs. */
export interface RegisterOptions {
  scheduler: string;
  token: string;
  tls: TlsOptions | undefined;
  registration: RegisterWorkerMsg;
  timeoutMs: number;
}

/** Waits for the first message, which must be worker-welcome; later frames stay held on the connection for the next handler. */
async function awaitWelcome(conn: Connection, timeoutMs: number): Promise<WorkerWelcomeMsg> {
  const remote = conn.remote;
  const first = await firstMessage(
    conn,
    timeoutMs,
    welcomeErrors(
      remote,
      'worker',
      (ms) =>
        `The scheduler at ${remote} did not welcome this worker within ${ms} ms of register-worker. Check that the address is a tsdask scheduler, not a worker's data port.`,
    ),
  );
  const msg = checkToWorker(first);
  if (msg.type !== 'worker-welcome') throw new MessageShapeError('message.type', `The scheduler at ${remote} sent '${msg.type}' before worker-welcome.`);
  return msg;
}

/** Connects to the scheduler and registers; resolves with the open connection and the welcome. */
export async function register(options: RegisterOptions): Promise<{ conn: Connection; welcome: WorkerWelcomeMsg }> {
  const { host, port } = parseAddress(options.scheduler);
  const conn = await connect({
    host,
    port,
    token: options.token,
    role: 'worker',
    maxControlBytes: TRUSTED_MAX_CONTROL_BYTES, // its scheduler may forward a task with a big literal
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
  });
  const welcome = awaitWelcome(conn, options.timeoutMs);
  welcome.catch(() => undefined); // awaited below, unless send throws first
  try {
    conn.send(options.registration);
    return { conn, welcome: await welcome };
  } catch (err) {
    conn.close(err as Error);
    throw err;
  }
}
