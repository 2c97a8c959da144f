/**
 * The cluster dump for post-mortems (Dask's `Client.dump_cluster_state`): a client sends
 * dump-state; the scheduler asks every connected worker for its own state (dump-state, answered
 * state-dump with JSON text), waits for the answers (at most `WORKER_DUMP_TIMEOUT_MS`; a worker
 * that does not answer is recorded as such, the dump is never held hostage by one), and answers
 * the client with cluster-state: one JSON document of its own state and every worker's.
 * The scheduler's part: its address, workers (name, threads, memory limit, keys held and bytes,
 * tasks processing), clients and the keys each wants, every task (key, state, bytes, holders,
 * processing worker, deaths it saw, whether a client wants it, the dependencies it still waits on,
 * error, and its story when it erred), and the recovered keys.
 */
import { serializeError } from '@tsdask/core-graph';
import type { ClientSession } from './client-session.js';
import type { SchedulerCore } from './core.js';
import { ERRED, MEMORY, TASK_STATE_NAMES } from './state/task-states.js';

/** How long the scheduler waits for each worker's part of a dump. */
export const WORKER_DUMP_TIMEOUT_MS = 5000;
/** The most tasks a dump lists (the count is always given); past it the dump notes how many were left out. */
export const DUMP_MAX_TASKS = 200_000;
/** The most unfinished dependencies a task's row names (`waitingOn`; `waitingOnCount` gives them all). */
export const DUMP_MAX_WAITING_ON = 20;

/** The scheduler's own part of a dump: plain JSON-able data. */
export function schedulerSnapshot(core: SchedulerCore): Record<string, unknown> {
  const tasks: Record<string, unknown>[] = [];
  let count = 0;
  for (const t of core.state.tasks.values()) {
    if (++count > DUMP_MAX_TASKS) continue;
    const row: Record<string, unknown> = { key: t.key, state: TASK_STATE_NAMES[t.state], nbytes: t.nbytes, dependencies: t.deps.length };
    if (t.whoHas.size > 0) row['whoHas'] = [...t.whoHas].map((w) => w.name);
    if (t.processingOn !== undefined) row['processingOn'] = t.processingOn.name;
    if (t.suspicious.length > 0) row['suspicious'] = t.suspicious.map((w, i) => ({ worker: w, how: t.suspiciousHow[i] }));
    if (t.scattered) row['scattered'] = true;
    if (t.wanted) row['wanted'] = true;
    if (t.state !== MEMORY && t.state !== ERRED) {
      const unfinished = t.deps.filter((d) => d.state !== MEMORY);
      if (unfinished.length > 0) {
        row['waitingOn'] = unfinished.slice(0, DUMP_MAX_WAITING_ON).map((d) => d.key);
        row['waitingOnCount'] = unfinished.length;
      }
    }
    if (t.state === ERRED) {
      if (t.error !== undefined) row['error'] = serializeError(t.error);
      row['story'] = core.state.story(t.key);
    }
    tasks.push(row);
  }
  const workers = [...core.workers.values()].map((session) => {
    const ws = core.state.workers.get(session.name);
    return {
      ...session.info,
      lastSeenMsAgo: Date.now() - session.lastSeen,
      ...(session.nanny !== undefined ? { nanny: session.nanny } : {}),
      heldKeys: ws?.has.size ?? 0,
      heldBytes: ws?.nbytes ?? 0,
      processing: ws === undefined ? [] : [...ws.processing],
    };
  });
  const clients = [...core.clients].map((c) => ({ id: c.id, remote: c.conn.remote, wants: c.wants.size }));
  return {
    address: `tcp://${core.address.host}:${core.address.port}`,
    pid: process.pid,
    workers,
    clients,
    taskCount: core.state.tasks.size,
    ...(count > DUMP_MAX_TASKS ? { tasksLeftOut: count - DUMP_MAX_TASKS } : {}),
    tasks,
    recoveredKeysUnclaimed: core.recovered.unclaimed,
  };
}

interface PendingDump {
  client: ClientSession;
  clientId: number;
  waiting: Set<string>;
  parts: Record<string, unknown>;
  timer: ReturnType<typeof setTimeout>;
}

/** Dumps in progress at the scheduler: each waits for its workers' parts. */
export class ClusterDumps {
  readonly #core: SchedulerCore;
  readonly #pending = new Map<number, PendingDump>();
  #nextId = 1;

  constructor(core: SchedulerCore) {
    this.#core = core;
  }

  /** A client asked for a dump (its request id `clientId`): ask every worker, answer when all did or the timeout passed. */
  request(client: ClientSession, clientId: number): void {
    const id = this.#nextId++;
    const waiting = new Set(this.#core.workers.keys());
    const dump: PendingDump = { client, clientId, waiting, parts: {}, timer: setTimeout(() => this.#finish(id), WORKER_DUMP_TIMEOUT_MS) };
    dump.timer.unref();
    this.#pending.set(id, dump);
    for (const w of waiting) this.#core.workers.get(w)?.send({ type: 'dump-state', id });
    if (waiting.size === 0) this.#finish(id);
  }

  /** Worker `worker` answered dump `id` with its state as JSON text. */
  answered(worker: string, id: number, json: string): void {
    const d = this.#pending.get(id);
    if (d === undefined || !d.waiting.delete(worker)) return;
    try {
      d.parts[worker] = JSON.parse(json) as unknown;
    } catch (err) {
      d.parts[worker] = { error: `its state was not valid JSON: ${(err as Error).message}` };
    }
    if (d.waiting.size === 0) this.#finish(id);
  }

  /** Stops every timer (the scheduler is closing). */
  close(): void {
    for (const d of this.#pending.values()) clearTimeout(d.timer);
    this.#pending.clear();
  }

  #finish(id: number): void {
    const d = this.#pending.get(id);
    if (d === undefined) return;
    this.#pending.delete(id);
    clearTimeout(d.timer);
    for (const w of d.waiting) d.parts[w] = { error: `no answer within ${WORKER_DUMP_TIMEOUT_MS} ms` };
    const state = { version: 1, createdAt: new Date().toISOString(), scheduler: schedulerSnapshot(this.#core), workers: d.parts };
    d.client.send({ type: 'cluster-state', id: d.clientId, state: JSON.stringify(state) });
  }
}
