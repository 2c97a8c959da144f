/**
 * A worker's part of the cluster dump (scheduler/cluster-dump.ts), as JSON text: who it is, its
 * memory (results in memory and on disk, the process's RSS, the limit, whether paused), and every
 * task it knows (key, state, bytes, the peers it would fetch it from, and the story of a task in
 * error), at most DUMP_MAX_TASKS of them.
 */
import { DUMP_MAX_TASKS } from '../scheduler/cluster-dump.js';
import type { WorkerStateMachine } from './state/machine.js';
import { ERROR, WORKER_STATES } from './state/task-states.js';

/** What a worker's dump reads. */
export interface WorkerDumpSource {
  name: string;
  address: string;
  nthreads: number;
  memoryLimit: number;
  machine: WorkerStateMachine;
  managedBytes: number;
  spilledBytes: number;
}

/** The worker's state now, as JSON text. */
export function workerSnapshot(w: WorkerDumpSource): string {
  const tasks: Record<string, unknown>[] = [];
  let count = 0;
  for (const t of w.machine.tasks.values()) {
    if (++count > DUMP_MAX_TASKS) continue;
    const row: Record<string, unknown> = { key: t.key, state: WORKER_STATES[t.state], nbytes: t.nbytes };
    if (t.whoHas.size > 0) row['whoHas'] = [...t.whoHas];
    if (t.state === ERROR) row['story'] = w.machine.story(t.key);
    tasks.push(row);
  }
  return JSON.stringify({
    name: w.name,
    address: w.address,
    pid: process.pid,
    nthreads: w.nthreads,
    memory: { limit: w.memoryLimit, managed: w.managedBytes, spilled: w.spilledBytes, rss: process.memoryUsage.rss(), paused: w.machine.paused },
    executing: w.machine.executing,
    ready: w.machine.ready.size,
    taskCount: w.machine.tasks.size,
    ...(count > DUMP_MAX_TASKS ? { tasksLeftOut: count - DUMP_MAX_TASKS } : {}),
    tasks,
  });
}
