/**
 * Which clients want which keys, kept by the scheduler's core beside the machine: a key is
 * released in the machine only when no client wants it any more. One client is kept as itself,
 * several in a Set (most keys have one). Results and errors go to every client that wants the key.
 */
import type { Key } from '@tsdask/core-graph';
import type { SchedulerToClient } from '../protocol/messages.js';

/** What a wanting client is to this table: it has its own set of wanted keys, and can be sent a message. */
export interface WantingClient {
  readonly wants: Set<Key>;
  send(msg: SchedulerToClient, lazy?: boolean): void;
}

export class ClientWants<C extends WantingClient> {
  /** The client (or clients) that want each key. */
  readonly byKey = new Map<Key, C | Set<C>>();

  /** Whether some client wants `key`. */
  has(key: Key): boolean {
    return this.byKey.has(key);
  }

  /** Sends `msg` to every client that wants `key` (`lazy`: it may wait for company, see comm/connection.ts). */
  send(key: Key, msg: SchedulerToClient, lazy = false): void {
    const wanting = this.byKey.get(key);
    if (wanting === undefined) return;
    if (wanting instanceof Set) for (const c of wanting) c.send(msg, lazy);
    else wanting.send(msg, lazy);
  }

  /** Records that `client` wants `key`. */
  want(client: C, key: Key): void {
    const w = this.byKey.get(key);
    if (w === undefined) this.byKey.set(key, client);
    else if (w instanceof Set) w.add(client);
    else if (w !== client) this.byKey.set(key, new Set([w, client]));
    client.wants.add(key);
  }

  /** `client` no longer wants `keys`; returns those no client wants any more (for the machine to release). */
  unwant(client: C, keys: Iterable<Key>): Key[] {
    const released: Key[] = [];
    for (const key of keys) {
      const w = this.byKey.get(key);
      if (w === undefined) continue;
      if (w instanceof Set) {
        if (!w.delete(client)) continue;
        if (w.size === 1) this.byKey.set(key, w.values().next().value!);
      } else {
        if (w !== client) continue;
        this.byKey.delete(key);
        released.push(key);
      }
      client.wants.delete(key);
    }
    return released;
  }
}
