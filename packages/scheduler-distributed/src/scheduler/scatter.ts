/**
 * Scatters in flight (client.scatter): the client's value goes to the worker holding the fewest
 * bytes as receive-data + its body frame; when that worker answers task-finished for the key,
 * the machine learns the key is in memory there (data-scattered), the client wants it, and the
 * client gets `scattered`. With no worker connected the value waits for one; a worker that
 * leaves before answering gets its scatters placed again on another.
 */
import type { Key } from '@tsdask/core-graph';
import type { ScatterMsg } from '../protocol/messages.js';
import type { ClientSession } from './client-session.js';
import type { SchedulerCore } from './core.js';

interface Pending {
  client: ClientSession;
  id: number;
  key: Key;
  body: Uint8Array;
  /** The worker it was sent to; undefined while it waits for one. */
  worker: string | undefined;
}

export class Scatters {
  readonly #server: SchedulerCore;
  readonly #pending: Pending[] = [];

  constructor(server: SchedulerCore) {
    this.#server = server;
  }

  /** Scatters in flight or waiting (for tests). */
  get size(): number {
    return this.#pending.length;
  }

  /** A client's scatter and its value: send it to a worker (or wait for one). */
  add(client: ClientSession, m: ScatterMsg, body: Uint8Array): void {
    this.#pending.push({ client, id: m.id, key: m.key, body, worker: undefined });
    this.place();
  }

  /** Sends every waiting scatter to the worker with the fewest bytes held. */
  place(): void {
    for (const p of this.#pending) {
      if (p.worker !== undefined) continue;
      let best: { name: string; nbytes: number } | undefined;
      for (const w of this.#server.state.workers.values()) if (best === undefined || w.nbytes < best.nbytes) best = w;
      const session = best === undefined ? undefined : this.#server.workers.get(best.name);
      if (session === undefined) return;
      p.worker = session.name;
      session.send({ type: 'receive-data', key: p.key, nbytes: p.body.byteLength });
      session.sendBody(p.body);
    }
  }

  /** `worker` finished `key`: if that is a scatter's answer, completes it and returns true. */
  finished(worker: string, key: Key, nbytes: number): boolean {
    if (this.#pending.length === 0) return false;
    const at = this.#pending.findIndex((p) => p.worker === worker && p.key === key);
    if (at < 0) return false;
    const p = this.#pending[at]!;
    this.#pending.splice(at, 1);
    const s = this.#server;
    if (p.client.conn.isClosed) {
      if (!s.holds(key)) s.workers.get(worker)?.send({ type: 'free-keys', keys: [key] });
      return true;
    }
    s.want(p.client, key);
    s.apply({ type: 'data-scattered', key, worker, nbytes });
    p.client.send({ type: 'scattered', id: p.id, key, worker });
    return true;
  }

  /** A worker left: its unanswered scatters go to another worker. */
  workerLeft(worker: string): void {
    let again = false;
    for (const p of this.#pending) {
      if (p.worker !== worker) continue;
      p.worker = undefined;
      again = true;
    }
    if (again) this.place();
  }

  /** A client left: drop its scatters that wait for a worker. */
  clientLeft(c: ClientSession): void {
    for (let i = this.#pending.length - 1; i >= 0; i--)
      if (this.#pending[i]!.client === c && this.#pending[i]!.worker === undefined) this.#pending.splice(i, 1);
  }
}
