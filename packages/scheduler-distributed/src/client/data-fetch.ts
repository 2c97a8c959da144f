/**
 * The client's gather loop: `fetchValues(keys, deps)` asks the scheduler who has the keys,
 * fetches each group from one holder straight from its data port (protocol/peer-pool.ts), and
 * asks again for what was missing (a worker that died meanwhile, a key being computed again)
 * with a growing pause, up to `attempts` times; then DataNotFoundError names the key.
 */
import type { Key } from '@tsdask/core-graph';
import { ConnectionError, MessageShapeError } from '../comm/errors.js';
import type { PeerPool } from '../protocol/peer-pool.js';
import { DataNotFoundError } from './errors.js';

/** What the gather loop needs from the client. */
export interface FetchDeps {
  /** The holders (data addresses) of each key, from the scheduler. */
  whoHas(keys: readonly Key[]): Promise<Record<Key, string[]>>;
  pool: PeerPool;
  /** Throws when `key` can no longer be fetched (it failed, was released, the scheduler is gone). */
  check(key: Key): void;
  /** Rounds of who-has + fetch before DataNotFoundError. */
  attempts: number;
  /** Waits before the next round. */
  pause(ms: number): Promise<void>;
}

/** The pause before round `attempt + 1`: 25 ms doubling, at most 1 s. */
const backoff = (attempt: number): number => Math.min(1000, 25 * 2 ** (attempt - 1));

/** Fetches the values of keys (distinct) from the workers holding them; see the header. */
export async function fetchValues(keys: readonly Key[], deps: FetchDeps): Promise<Map<Key, unknown>> {
  const out = new Map<Key, unknown>();
  const tried = new Map<Key, Set<string>>();
  let todo = keys;
  for (let attempt = 1; ; attempt++) {
    for (const k of todo) deps.check(k);
    const who = await deps.whoHas(todo);
    const byHolder = new Map<string, Key[]>();
    const left: Key[] = [];
    for (const k of todo) {
      const holders = who[k] ?? [];
      if (holders.length === 0) {
        left.push(k);
        continue;
      }
      // A different holder on each round, so one that lost the key is not asked again and again.
      const holder = holders[(attempt - 1) % holders.length] as string;
      let t = tried.get(k);
      if (t === undefined) tried.set(k, (t = new Set()));
      t.add(holder);
      const group = byHolder.get(holder);
      if (group === undefined) byHolder.set(holder, [k]);
      else group.push(k);
    }
    let lastError: unknown;
    await Promise.all(
      Array.from(byHolder, async ([holder, group]) => {
        try {
          const got = await deps.pool.getData(holder, group);
          for (const k of group) {
            if (got.values.has(k)) out.set(k, got.values.get(k));
            else left.push(k);
          }
        } catch (err) {
          // The worker is gone or broke the protocol: ask the scheduler again for these.
          if (!(err instanceof ConnectionError || err instanceof MessageShapeError)) throw err;
          lastError = err;
          left.push(...group);
        }
      }),
    );
    if (left.length === 0) return out;
    if (attempt >= deps.attempts) {
      const k = left[0] as Key;
      throw new DataNotFoundError(k, [...(tried.get(k) ?? [])], attempt, lastError);
    }
    await deps.pause(backoff(attempt));
    todo = left;
  }
}
