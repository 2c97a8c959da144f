/**
 * Chaos support: what a hang's report says about the tasks, from a cluster dump
 * (scheduler/cluster-dump.ts). Given the keys the client still waits on, it follows the
 * scheduler's unfinished dependencies from them (`waitingOn`) and prints, for each key reached,
 * the scheduler's state of it (state, the worker processing it, who holds it, what it waits on,
 * the deaths it saw) and each worker's state of it, the keys at the front of the chain (not
 * waiting on another) first: there the stall is. It flags what cannot end by itself: a key the
 * scheduler does not know, a task processing on a worker that is not connected or that does
 * not compute it (the worker has it missing, in flight, in memory), a dependency
 * released under a waiting task, a holder that is not connected, a key the scheduler has in
 * memory while the client still waits. Bounded: at
 * most `maxKeys` keys listed (the count of the rest is given) and a few lines per worker.
 */

interface SchedulerTaskRow {
  key: string;
  state: string;
  whoHas?: string[];
  processingOn?: string;
  suspicious?: { worker: string; how: string }[];
  wanted?: boolean;
  waitingOn?: string[];
  waitingOnCount?: number;
}

interface WorkerTaskRow {
  key: string;
  state: string;
  whoHas?: string[];
}

interface SchedulerWorkerRow {
  address: string;
  name: string;
  lastSeenMsAgo?: number;
  heldKeys?: number;
  processing?: string[];
}

interface WorkerPart {
  name?: string;
  executing?: number;
  ready?: number;
  taskCount?: number;
  tasks?: WorkerTaskRow[];
  memory?: { paused?: boolean };
  error?: string;
}

/** The parts of a cluster dump the summary reads. */
export interface DumpDoc {
  scheduler: { workers: SchedulerWorkerRow[]; clients?: { id: string; wants: number }[]; taskCount?: number; tasks: SchedulerTaskRow[] };
  workers: Record<string, WorkerPart>;
}

/** How many keys a summary lists at most (default). */
export const HANG_REPORT_MAX_KEYS = 30;

/** The states of a worker's task that is being computed there (or will be). */
const COMPUTING = new Set(['waiting', 'ready', 'executing']);
/** The states in which a worker's task is unfinished: listed per worker (a few) even when the chain does not reach them. */
const WORKER_BUSY = new Set(['waiting', 'fetch', 'flight', 'missing', 'ready', 'executing']);

function list(xs: readonly string[], max = 4): string {
  return xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} (+${xs.length - max})`;
}

/**
 * The summary, as lines of text: the client's waited keys and their unfinished dependencies at
 * the scheduler and at every worker of `dump`, `waited` being the keys the client still waits on.
 */
export function hangSummary(dump: DumpDoc, waited: readonly string[], maxKeys = HANG_REPORT_MAX_KEYS): string[] {
  const sched = new Map(dump.scheduler.tasks.map((t) => [t.key, t]));
  const connected = new Set(dump.scheduler.workers.map((w) => w.address));
  const workerTasks = new Map<string, Map<string, WorkerTaskRow>>();
  for (const [addr, part] of Object.entries(dump.workers)) workerTasks.set(addr, new Map((part.tasks ?? []).map((t) => [t.key, t])));

  // Breadth-first from the waited keys over the scheduler's unfinished dependencies.
  const seen = new Set<string>();
  const order: string[] = [];
  const queue = [...waited];
  const limit = 50 * maxKeys; // bounds the walk on a huge graph; the listing is bounded by maxKeys
  while (queue.length > 0 && order.length < limit) {
    const k = queue.shift()!;
    if (seen.has(k)) continue;
    seen.add(k);
    order.push(k);
    for (const d of sched.get(k)?.waitingOn ?? []) if (!seen.has(d)) queue.push(d);
  }
  // The front of the chain first: a key that waits on nothing unfinished is where work should be happening.
  const front = (k: string): boolean => (sched.get(k)?.waitingOn?.length ?? 0) === 0;
  const ranked = [...order.filter(front), ...order.filter((k) => !front(k))];

  const lines: string[] = [];
  const states = new Map<string, number>();
  for (const t of dump.scheduler.tasks) states.set(t.state, (states.get(t.state) ?? 0) + 1);
  lines.push(
    `Scheduler: ${dump.scheduler.taskCount ?? dump.scheduler.tasks.length} tasks (${[...states].map(([s, n]) => `${s} ${n}`).join(', ')}); ` +
      `clients: ${(dump.scheduler.clients ?? []).map((c) => `${c.id} wants ${c.wants}`).join(', ') || 'none'}`,
  );
  for (const w of dump.scheduler.workers) {
    const part = dump.workers[w.address];
    const mine = part === undefined ? 'no part in the dump' : part.error !== undefined ? `its dump: ${part.error}` : workerLine(part);
    lines.push(
      `  worker ${w.name} ${w.address}: last seen ${w.lastSeenMsAgo ?? '?'} ms ago, holds ${w.heldKeys ?? '?'} keys, processing [${list(w.processing ?? [])}]; ${mine}`,
    );
  }
  lines.push("(The workers' parts are read before the scheduler's: in a cluster still working, a flag may mark a passing state.)");
  lines.push(
    `The client waits on ${waited.length} key(s); ${order.length} reached through unfinished dependencies${order.length >= limit ? ' (walk cut short)' : ''}:`,
  );
  for (const k of ranked.slice(0, maxKeys)) lines.push(`  ${keyLine(k, sched.get(k), connected, workerTasks, waited.includes(k))}`);
  if (ranked.length > maxKeys) lines.push(`  ... and ${ranked.length - maxKeys} more key(s)`);
  return lines;
}

function workerLine(part: WorkerPart): string {
  const busy = (part.tasks ?? []).filter((t) => WORKER_BUSY.has(t.state));
  const shown = busy.slice(0, 6).map((t) => `${t.key} ${t.state}`);
  return (
    `${part.taskCount ?? 0} tasks, executing ${part.executing ?? 0}, ready ${part.ready ?? 0}${part.memory?.paused === true ? ', paused' : ''}; ` +
    `unfinished: ${busy.length === 0 ? 'none' : list(shown, 6)}`
  );
}

function keyLine(
  k: string,
  t: SchedulerTaskRow | undefined,
  connected: ReadonlySet<string>,
  workerTasks: ReadonlyMap<string, ReadonlyMap<string, WorkerTaskRow>>,
  waitedByClient: boolean,
): string {
  const flags: string[] = [];
  let at: string;
  if (t === undefined) {
    at = 'unknown to the scheduler';
    if (waitedByClient) flags.push('STUCK: the client waits on a key the scheduler forgot');
  } else {
    const parts = [t.state];
    if (t.processingOn !== undefined) {
      parts.push(`processing on ${t.processingOn}`);
      if (!connected.has(t.processingOn)) flags.push(`STUCK: processing on ${t.processingOn}, which is not connected`);
      else if (workerTasks.has(t.processingOn)) {
        const there = workerTasks.get(t.processingOn)!.get(k);
        if (there === undefined) flags.push(`STUCK: ${t.processingOn} does not know the task it is said to process`);
        else if (!COMPUTING.has(there.state)) flags.push(`STUCK: ${t.processingOn} has it ${there.state}, not computing it`);
      }
    }
    if (t.whoHas !== undefined) {
      parts.push(`who-has ${list(t.whoHas)}`);
      const gone = t.whoHas.filter((w) => !connected.has(w));
      if (gone.length > 0) flags.push(`holder(s) not connected: ${list(gone)}`);
    }
    if (t.waitingOn !== undefined) parts.push(`waiting on ${t.waitingOnCount ?? t.waitingOn.length} [${list(t.waitingOn)}]`);
    if (t.suspicious !== undefined) parts.push(`${t.suspicious.length} worker death(s) under it`);
    if (waitedByClient && t.state === 'memory') flags.push('STUCK: in memory at the scheduler but the client was not told');
    if (t.state === 'erred' && waitedByClient) flags.push('STUCK: erred at the scheduler but the client was not told');
    if (t.state === 'processing' && t.processingOn === undefined) flags.push('STUCK: processing on no worker');
    if ((t.state === 'released' || t.state === 'forgotten') && !waitedByClient) flags.push(`STUCK: ${t.state} while a task waits on it`);
    at = parts.join(', ');
  }
  const atWorkers: string[] = [];
  for (const [addr, tasks] of workerTasks) {
    const wt = tasks.get(k);
    if (wt !== undefined) atWorkers.push(`${addr} ${wt.state}${wt.whoHas !== undefined ? ` (from ${list(wt.whoHas, 2)})` : ''}`);
  }
  return `${k}: scheduler ${at}; workers: ${atWorkers.length === 0 ? 'none' : atWorkers.join('; ')}${flags.length > 0 ? ` <-- ${flags.join('; ')}` : ''}`;
}
