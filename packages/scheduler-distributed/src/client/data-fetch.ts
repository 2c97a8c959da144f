/**
 * The client's gather loop: `fetchValues(keys, deps)` asks the scheduler who has the keys,
 * fetches each group from one holder straight from its data port (protocol/peer-pool.ts), and
 * asks again for what was missing (a worker that died meanwhile, a key being computed again)
 * with a growing pause. Rounds in which a holder failed (it lacked the key, or its connection
 * broke) are counted, up to `attempts`; then DataNotFoundError names the key. Rounds in which no
 * worker holds a key are not: its holders died and the scheduler is computing it again (as long
 * as `check` passes, the key is still wanted and has not failed), so the gather waits for that, as
 * Dask's client waits for a lost future to finish again. Found by the chaos suite: a gather
 * failed when its result's holders died and the recompute took longer than the retries.
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
  let attempt = 0; // rounds in which a holder failed
  for (let round = 1; ; round++) {
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
      const holder = holders[(round - 1) % holders.length] as string;
      let t = tried.get(k);
      if (t === undefined) tried.set(k, (t = new Set()));
      t.add(holder);
      const group = byHolder.get(holder);
      if (group === undefined) byHolder.set(holder, [k]);
      else group.push(k);
    }
    let lastError: unknown;
    let failed = false; // a holder lacked a key or could not be read
    await Promise.all(
      Array.from(byHolder, async ([holder, group]) => {
        try {
          const got = await deps.pool.getData(holder, group);
          for (const k of group) {
            if (got.values.has(k)) out.set(k, got.values.get(k));
            else {
              left.push(k);
              failed = true;
            }
          }
        } catch (err) {
          // The worker is gone or broke the protocol: ask the scheduler again for these.
          if (!(err instanceof ConnectionError || err instanceof MessageShapeError)) throw err;
          lastError = err;
          failed = true;
          left.push(...group);
        }
      }),
    );
    if (left.length === 0) return out;
    if (failed) attempt++;
    if (attempt >= deps.attempts) {
      const k = left.find((x) => tried.has(x)) ?? (left[0] as Key);
      throw new DataNotFoundError(k, [...(tried.get(k) ?? [])], attempt, lastError);
    }
    await deps.pause(backoff(round));
    todo = left;
  }
}
