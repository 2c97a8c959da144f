/**
 * Retiring workers (Dask's `Scheduler.retire_workers`), what adaptive scaling does to scale
 * down: a worker is closed only after every result that it alone holds has a copy on another
 * worker. For each retiring worker, such results are sent for (acquire-replicas) by the
 * remaining worker holding the fewest bytes; each copy's arrival (replicas-added) is learned by
 * the machine (replica-added); once all have arrived the worker is told to close (close-worker).
 * A worker is kept, and the answer says why, when it is not connected, has tasks processing (at
 * the request or when its results have moved), no other worker is left to take its results, or
 * its results did not all arrive within RETIRE_TIMEOUT_MS.
 */
import type { Key } from '@tsdask/core-graph';
import type { ClientSession } from './client-session.js';
import type { SchedulerCore } from './core.js';
import { MEMORY } from './state/task-states.js';

/** How long the copies of a retiring worker's results may take. */
export const RETIRE_TIMEOUT_MS = 15_000;

interface Job {
  client: ClientSession;
  id: number;
  workers: string[];
  kept: [string, string][];
  /** Results still to be copied, with the retiring worker that holds them. */
  waiting: Map<Key, string>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Retirements in progress at the scheduler. */
export class RetireWorkers {
  readonly #core: SchedulerCore;
  readonly #jobs = new Set<Job>();
  /** Workers being retired now: not a destination for copies. */
  readonly #active = new Set<string>();

  constructor(core: SchedulerCore) {
    this.#core = core;
  }

  /** A client asks to retire `workers` (data addresses); answered with workers-retired. */
  request(client: ClientSession, id: number, workers: readonly string[]): void {
    const core = this.#core;
    const state = core.state;
    const kept: [string, string][] = [];
    const go: string[] = [];
    for (const w of new Set(workers)) {
      const ws = state.workers.get(w);
      if (!core.workers.has(w) || ws === undefined) kept.push([w, 'not connected']);
      else if (this.#active.has(w)) kept.push([w, 'already being retired']);
      else if (ws.processing.size > 0) kept.push([w, `busy: ${ws.processing.size} task(s) processing`]);
      else go.push(w);
    }
    const leaving = new Set([...go, ...this.#active]);
    const others = [...state.workers.values()].filter((w) => !leaving.has(w.name) && core.workers.has(w.name));
    const job: Job = { client, id, workers: go, kept, waiting: new Map(), timer: undefined };
    if (go.length > 0 && others.length === 0) {
      for (const w of go) kept.push([w, 'no other worker to take its results']);
      job.workers = [];
    }
    const planned = new Map(others.map((w) => [w.name, w.nbytes]));
    const moves = new Map<string, { key: string; whoHas: string[]; nbytes: number }[]>();
    for (const w of job.workers) {
      this.#active.add(w);
      for (const [key, nbytes] of state.workers.get(w)!.has) {
        const t = state.tasks.get(key);
        if (t === undefined || t.state !== MEMORY) continue;
        if ([...t.whoHas].some((h) => !leaving.has(h.name))) continue; // a copy stays
        let dest: string | undefined;
        for (const [name, bytes] of planned) if (dest === undefined || bytes < planned.get(dest)!) dest = name;
        planned.set(dest!, planned.get(dest!)! + nbytes);
        const list = moves.get(dest!) ?? [];
        list.push({ key, whoHas: [w], nbytes });
        moves.set(dest!, list);
        job.waiting.set(key, w);
      }
    }
    for (const [dest, inputs] of moves) core.workers.get(dest)?.send({ type: 'acquire-replicas', inputs });
    this.#jobs.add(job);
    if (job.waiting.size === 0) return this.#finish(job);
    job.timer = setTimeout(() => this.#finish(job), RETIRE_TIMEOUT_MS);
    job.timer.unref();
  }

  /** Worker `worker` now holds a copy of `key`. */
  replicaAdded(worker: string, key: Key): void {
    if (this.#active.has(worker)) return;
    for (const job of this.#jobs) {
      if (!job.waiting.delete(key)) continue;
      if (job.waiting.size === 0) this.#finish(job);
    }
  }

  /** Drops every timer (the scheduler is closing). */
  close(): void {
    for (const j of this.#jobs) clearTimeout(j.timer);
    this.#jobs.clear();
    this.#active.clear();
  }

  #finish(job: Job): void {
    if (!this.#jobs.delete(job)) return;
    clearTimeout(job.timer);
    const core = this.#core;
    const unmoved = new Map<string, number>();
    for (const w of job.waiting.values()) unmoved.set(w, (unmoved.get(w) ?? 0) + 1);
    const retired: string[] = [];
    for (const w of job.workers) {
      this.#active.delete(w);
      const ws = core.state.workers.get(w);
      const session = core.workers.get(w);
      if (unmoved.has(w)) job.kept.push([w, `${unmoved.get(w)} result(s) could not be copied to another worker within ${RETIRE_TIMEOUT_MS} ms`]);
      else if (session === undefined || ws === undefined) job.kept.push([w, 'it left while its results were moved']);
      else if (ws.processing.size > 0) job.kept.push([w, `busy: ${ws.processing.size} task(s) processing`]);
      else {
        core.log(`tsdask-scheduler: retiring worker ${w}: its results are on other workers`);
        session.closeWorker('retired');
        retired.push(w);
      }
    }
    job.client.send({ type: 'workers-retired', id: job.id, retired, kept: job.kept });
  }
}
