/**
 * What a client tells a scheduler it reconnected to (after a restart), worked out from its
 * bookkeeping (entries.ts); pure, no I/O. First `reclaim-keys` with every result it holds (the
 * workers kept them and bring them to the new scheduler, scheduler/recovered-keys.ts); once that
 * is answered, the results no worker brought are lost (they fail with SchedulerLostError), and
 * every run still pending is sent again, for the outputs still pending: the new scheduler never
 * saw that work, and the workers dropped it. Scatters in flight are lost (their values are not
 * kept here). Messages queued meanwhile go after these.
 */
import type { Key } from '@tsdask/core-graph';
import type { Entry, RunRecord } from './entries.js';

/** The keys whose results the client holds: what it reclaims. */
export function heldKeys(entries: ReadonlyMap<Key, Entry>): Key[] {
  const keys: Key[] = [];
  for (const [k, e] of entries) if (e.state === 'memory') keys.push(k);
  return keys;
}

/** Pending scatters (no run): their values are gone with the connection. */
export function pendingScatters(entries: ReadonlyMap<Key, Entry>): Entry[] {
  const out: Entry[] = [];
  for (const e of entries.values()) if (e.state === 'pending' && e.run === undefined) out.push(e);
  return out;
}

/** The graphs to send again: each open run's message, for its outputs that are still pending on it. */
export function graphsToResend(runs: Iterable<RunRecord>, entries: ReadonlyMap<Key, Entry>): NonNullable<RunRecord['msg']>[] {
  const out: NonNullable<RunRecord['msg']>[] = [];
  for (const run of runs) {
    if (run.cancelled || run.msg === undefined) continue;
    const outputs = run.keys.filter((k) => {
      const e = entries.get(k);
      return e !== undefined && e.state === 'pending' && e.run === run;
    });
    if (outputs.length > 0) out.push({ head: { ...run.msg.head, outputs }, graph: run.msg.graph });
  }
  return out;
}
