/**
 * Results that outlive their scheduler. A worker that lost its scheduler keeps its data and
 * registers again (worker/reconnect.ts), listing the keys it still holds (register-worker
 * `held`); a client that reconnects asks for the keys it held (reclaim-keys). This module joins
 * the two at the new scheduler. Policy (Dask loses every result with its scheduler; we keep them):
 * - A key a worker brings enters the machine as in memory on that worker, as scattered data
 *   does: the graph that made it stayed with the old scheduler, so it cannot be recomputed here.
 * - A reclaim is answered (`reclaimed`, with the keys no worker holds) at once when every key is
 *   in memory; otherwise it waits while workers may still be reconnecting: until `windowMs` after
 *   this scheduler started (or after the reclaim, for a scheduler that is older), then answers
 *   with what is still missing. The keys found are wanted by that client from then on.
 * - A brought key that no client reclaims within `windowMs` of its arrival is released (freed
 *   on its workers), so results whose client is gone for good do not stay forever.
 * Tasks that were running or queued at the old scheduler are not recovered here: their client
 * sends their graphs again (client/remote-scheduler.ts), and the workers dropped that work.
 */
import type { Key } from '@tsdask/core-graph';
import type { ClientSession } from './client-session.js';
import type { SchedulerCore } from './core.js';
import { MEMORY } from './state/task-states.js';

/** How long a new scheduler waits for reconnecting workers before a reclaim is answered with what is missing (ms). */
export const DEFAULT_RECOVER_WINDOW_MS = 10_000;

interface Reclaim {
  client: ClientSession;
  id: number;
  keys: string[];
  /** Date.now() after which it is answered with what is missing. */
  deadline: number;
}

/** Keys brought by re-registering workers and reclaims by reconnecting clients (see the header). */
export class RecoveredKeys {
  readonly #server: SchedulerCore;
  readonly #windowMs: number;
  readonly #startedAt = Date.now();
  #reclaims: Reclaim[] = [];
  /** Brought keys no client has reclaimed yet, with the Date.now() after which they are released. */
  readonly #unclaimed = new Map<Key, number>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(server: SchedulerCore, windowMs = DEFAULT_RECOVER_WINDOW_MS) {
    this.#server = server;
    this.#windowMs = windowMs;
  }

  /** Keys brought by workers and not reclaimed yet (for tests and the cluster dump). */
  get unclaimed(): number {
    return this.#unclaimed.size;
  }

  /** Worker `worker` (just registered) holds these keys: in memory there for the machine; reclaims waiting on them may be answered. */
  workerHolds(worker: string, held: readonly (readonly [Key, number])[]): void {
    const s = this.#server;
    const until = Date.now() + this.#windowMs;
    for (const [key, nbytes] of held) {
      s.apply({ type: 'data-scattered', key, worker, nbytes });
      if (!s.wantedBy.has(key)) this.#unclaimed.set(key, until);
    }
    this.#server.log(`tsdask-scheduler: worker ${worker} brought ${held.length} key(s) it held before it reconnected`);
    this.#tick();
  }

  /** A reconnected client wants `keys` again; answered by `reclaimed` (see the header). */
  reclaim(client: ClientSession, id: number, keys: string[]): void {
    const now = Date.now();
    this.#reclaims.push({ client, id, keys, deadline: Math.max(this.#startedAt, now) + this.#windowMs });
    this.#tick();
  }

  /** Stops the timer (the scheduler is closing). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#reclaims = [];
    this.#unclaimed.clear();
  }

  /** Answers the reclaims that can be, releases brought keys past their window, and keeps a timer while anything waits. */
  #tick(): void {
    const s = this.#server;
    const now = Date.now();
    const inMemory = (k: Key): boolean => s.state.tasks.get(k)?.state === MEMORY;
    this.#reclaims = this.#reclaims.filter((r) => {
      if (r.client.conn.isClosed) return false;
      const missing = r.keys.filter((k) => !inMemory(k));
      if (missing.length > 0 && now < r.deadline) return true;
      for (const k of r.keys) {
        if (!inMemory(k)) continue;
        s.want(r.client, k);
        this.#unclaimed.delete(k);
      }
      r.client.send({ type: 'reclaimed', id: r.id, missing });
      return false;
    });
    const expired: Key[] = [];
    for (const [k, until] of this.#unclaimed) {
      if (s.wantedBy.has(k)) this.#unclaimed.delete(k);
      else if (now >= until) {
        expired.push(k);
        this.#unclaimed.delete(k);
      }
    }
    if (expired.length > 0) {
      s.log(`tsdask-scheduler: releasing ${expired.length} key(s) brought by reconnecting workers that no client reclaimed within ${this.#windowMs} ms`);
      s.apply({ type: 'release-keys', keys: expired });
    }
    const waiting = this.#reclaims.length > 0 || this.#unclaimed.size > 0;
    if (waiting && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), Math.max(10, Math.min(250, this.#windowMs / 4)));
      this.#timer.unref();
    } else if (!waiting && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
