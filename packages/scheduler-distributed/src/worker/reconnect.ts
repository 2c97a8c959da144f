/**
 * A worker outliving its scheduler (a scheduler restart): when the scheduler connection drops
 * and the worker has a reconnect window (`reconnectTimeoutMs`, `--reconnect-timeout`), it does not
 * stop. It drops every task that is not a result in memory (queued, fetching, executing: a
 * running one finishes and its result is released), since the new scheduler knows nothing of
 * that work and the client sends those graphs again; it keeps its results, and dials the same
 * address again with backoff (comm/redial.ts), registering with `held`: the keys it holds and
 * their sizes, which the new scheduler takes as in memory here (scheduler/recovered-keys.ts).
 * If the window passes without a scheduler, the worker stops as it would have at once.
 */
import type { Connection } from '../comm/connection.js';
import { redial } from '../comm/redial.js';
import type { TlsOptions } from '../comm/tls.js';
import type { RegisterWorkerMsg, WorkerWelcomeMsg } from '../protocol/messages.js';
import { register } from './register.js';
import type { WorkerStateMachine } from './state/machine.js';
import { MEMORY } from './state/task-states.js';

/** What a worker's reconnection needs. */
export interface ReconnectOptions {
  scheduler: string;
  token: string;
  tls: TlsOptions | undefined;
  /** The worker's first register-worker (name, address, threads, ...); `held` is added. */
  registration: RegisterWorkerMsg;
  registerTimeoutMs: number;
  /** How long to keep trying, in ms. */
  timeoutMs: number;
  /** True once the worker is closing: give up. */
  stopped: () => boolean;
  log: (line: string) => void;
}

/** The keys that are not results in memory: what a worker drops when its scheduler goes. */
export function workNotInMemory(machine: WorkerStateMachine): string[] {
  const keys: string[] = [];
  for (const t of machine.tasks.values()) if (t.state !== MEMORY) keys.push(t.key);
  return keys;
}

/** The results in memory and their sizes, as register-worker's `held`. */
export function heldResults(machine: WorkerStateMachine): [string, number][] {
  const held: [string, number][] = [];
  for (const t of machine.tasks.values()) if (t.state === MEMORY) held.push([t.key, Math.max(0, t.nbytes)]);
  return held;
}

/** Dials the scheduler again until it welcomes the worker (registering `held`), or the window passes (rejects). */
export function reconnect(o: ReconnectOptions, held: () => [string, number][]): Promise<{ conn: Connection; welcome: WorkerWelcomeMsg }> {
  return redial(
    () =>
      register({
        scheduler: o.scheduler,
        token: o.token,
        tls: o.tls,
        registration: { ...o.registration, held: held() },
        timeoutMs: o.registerTimeoutMs,
      }),
    {
      timeoutMs: o.timeoutMs,
      stopped: o.stopped,
      onRetry: (err, n) => {
        if (n === 1 || n % 10 === 0) o.log(`reconnecting to the scheduler at ${o.scheduler} (attempt ${n}: ${err.message})`);
      },
    },
  );
}
