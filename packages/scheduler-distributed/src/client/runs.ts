/**
 * The graph side of a client's runs, apart from its connection: which outputs a run must send
 * (those not held or pending here), its update-graph message checked against what this client
 * holds (a `held(key)` it does not hold is NotHeldError, one that failed fails the run with its
 * error) before anything is sent, and the cancel cascade (a cancelled run's outputs, and every
 * run whose graph names them as held). Pure bookkeeping over entries.ts; no I/O.
 */
import { CancelledError, NotHeldError, type Key, type TaskGraph } from '@tsdask/core-graph';
import { graphHead, type GraphHead } from './encode-graph.js';
import type { Entry, RunRecord } from './entries.js';

/** The outputs not held or pending here, each once, in order. */
export function freshOutputs(outputs: readonly Key[], entries: ReadonlyMap<Key, Entry>): Key[] {
  const fresh: Key[] = [];
  const seen = new Set<Key>();
  for (const k of outputs) {
    if (!entries.has(k) && !seen.has(k)) fresh.push(k);
    seen.add(k);
  }
  return fresh;
}

/** The update-graph of run `id` for `fresh` and its record, or throws what fails the run (NotPortableError, NotHeldError, a held key's error). */
export function newRun(id: number, graph: TaskGraph, fresh: Key[], entries: ReadonlyMap<Key, Entry>, scheduler: string): { run: RunRecord; msg: GraphHead } {
  const msg = graphHead(id, graph, fresh);
  for (const k of msg.held) {
    const e = entries.get(k);
    if (e === undefined) throw new NotHeldError(k, scheduler);
    if (e.state === 'erred') throw e.error;
  }
  const run: RunRecord = { id, keys: fresh, held: msg.held, open: fresh.length, cancelled: false, detach: () => {} };
  return { run, msg };
}

/**
 * Cancels the runs in `start` and, in turn, the runs whose graphs name their outputs as held:
 * their pending outputs are settled erred with CancelledError (`settle`) and marked released;
 * returns those keys, to release at the scheduler.
 */
export function cancelRuns(
  start: readonly RunRecord[],
  reason: unknown,
  entries: ReadonlyMap<Key, Entry>,
  runs: Iterable<RunRecord>,
  settle: (e: Entry, err: CancelledError) => void,
): Key[] {
  const queue = [...start];
  const released: Key[] = [];
  const gone = new Set<Key>();
  for (let run = queue.pop(); run !== undefined; run = queue.pop()) {
    if (run.cancelled) continue;
    run.cancelled = true;
    const err = reason instanceof CancelledError ? reason : new CancelledError(reason);
    for (const k of run.keys) {
      const e = entries.get(k);
      if (e === undefined || e.state !== 'pending' || e.run !== run) continue;
      settle(e, err);
      e.releasedRemotely = true;
      released.push(k);
      gone.add(k);
    }
    for (const r of runs) if (!r.cancelled && r.held.some((k) => gone.has(k))) queue.push(r);
  }
  return released;
}
