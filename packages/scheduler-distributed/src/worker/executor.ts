/**
 * The worker's executor: `nthreads` worker_threads, each serving the runtime's batches
 * (thread-entry.ts), so a long task never blocks the worker's event loop (peers and heartbeats
 * go on). Each thread has up to `depth` batches posted at once (default 2): the next is already
 * in its queue when one finishes, so a thread does not idle while a result crosses back and
 * the next task crosses over, and results finishing together go back in one burst; more wait here. A user function's source is sent
 * to a thread once (the thread keeps it compiled). A thread that dies fails its batch with
 * WorkerLostError and is replaced; one that dies before it said it is ready (its entry does
 * not load) is not, and with no thread left every batch fails with that error. A task that calls
 * process.exit(code) ends only its thread; with `onTaskExit` given, that is reported to it first (the
 * worker bin then exits the process with the code, as the task asked).
 */
import { Worker as Thread } from 'node:worker_threads';
import { WorkerLostError } from '@tsdask/core-graph';
import { failedBatch, type BatchPayload, type BatchResult, type FromWorker } from '@tsdask/runtime';

interface Job {
  key: string;
  payload: BatchPayload;
  resolve: (r: BatchResult) => void;
}

interface Slot {
  thread: Thread;
  /** Batches posted to the thread, by message id. */
  jobs: Map<number, Job>;
  /** fn: ops whose source this thread has been sent. */
  compiled: Set<string>;
  /** It loaded its entry and serves batches (it posted `thread-ready`). */
  ready: boolean;
}

const ENTRY = new URL('./thread-entry.js', import.meta.url);

/** Runs one-member batches on a fixed set of threads. */
export class ThreadExecutor {
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 0;
  #closed = false;
  /** Why the last thread is gone, once none is left. */
  #broken: Error | undefined;

  /** Starts `nthreads` threads running `entry` (default: thread-entry.js beside this file). */
  constructor(
    readonly nthreads: number,
    private readonly entry: URL = ENTRY,
    /** Batches posted to one thread at once (at least 1). */
    readonly depth = 2,
    /** Called when a task's thread ends by process.exit(code), with the keys posted to it, before they fail with WorkerLostError. */
    private readonly onTaskExit?: (code: number, keys: string[]) => void,
  ) {
    for (let i = 0; i < nthreads; i++) this.#slots.push(this.#spawn());
  }

  /** Runs task `key`'s batch on a free thread (or once one is free); a failure comes back as data, never a throw. */
  run(key: string, payload: BatchPayload): Promise<BatchResult> {
    return new Promise((resolve) => {
      if (this.#closed) return resolve(failedBatch(new Error('the worker is closing'), 0, -1));
      if (this.#broken !== undefined) return resolve(failedBatch(this.#broken, 0, -1));
      this.#queue.push({ key, payload, resolve });
      this.#pump();
    });
  }

  /** Stops every thread; batches still queued or running fail. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stopping = new Error('the worker is closing');
    for (const j of this.#queue.splice(0)) j.resolve(failedBatch(stopping, 0, -1));
    await Promise.all(
      this.#slots.map((s) => {
        for (const j of s.jobs.values()) j.resolve(failedBatch(stopping, 0, s.thread.threadId));
        s.jobs.clear();
        return s.thread.terminate();
      }),
    );
  }

  #pump(): void {
    // Round after round, one batch per thread with room, so work spreads over the threads first;
    // then each thread gets what it was dealt as one message (one wake-up of the thread, not one per task).
    const dealt = new Map<Slot, [number, Job][]>();
    for (let round = 0; round < this.depth && this.#queue.length > 0; round++) {
      for (const slot of this.#slots) {
        if (this.#queue.length === 0) break;
        const mine = dealt.get(slot);
        if (slot.jobs.size + (mine?.length ?? 0) > round || !slot.ready) continue;
        const item: [number, Job] = [this.#nextId++, this.#queue.shift()!];
        if (mine === undefined) dealt.set(slot, [item]);
        else mine.push(item);
      }
    }
    for (const [slot, items] of dealt) this.#post(slot, items);
  }

  /** Posts batches to a thread, as one message when there are several. */
  #post(slot: Slot, items: [number, Job][]): void {
    const messages = items.map(([id, job]) => {
      const p = job.payload;
      const sources = p.sources.filter(([op]) => !slot.compiled.has(op));
      for (const [op] of sources) slot.compiled.add(op);
      return { type: 'run-batch' as const, id, payload: { ...p, sources } };
    });
    try {
      slot.thread.postMessage(messages.length === 1 ? messages[0] : messages);
      for (const [id, job] of items) slot.jobs.set(id, job);
      return;
    } catch (err) {
      if (items.length === 1) {
        // An input the thread channel cannot carry (a function, a symbol): the task fails, the thread stays free.
        for (const [op] of messages[0]!.payload.sources) slot.compiled.delete(op);
        items[0]![1].resolve(failedBatch(err, 0, slot.thread.threadId));
        return;
      }
    }
    // One of several could not be carried: post them one by one, so only that one fails.
    for (const m of messages) for (const [op] of m.payload.sources) slot.compiled.delete(op);
    for (const item of items) this.#post(slot, [item]);
  }

  #spawn(): Slot {
    const thread = new Thread(this.entry);
    const slot: Slot = { thread, jobs: new Map(), compiled: new Set(), ready: false };
    thread.on('message', (m: FromWorker | FromWorker[] | { type: 'thread-ready' }) => {
      if (!Array.isArray(m) && m.type === 'thread-ready') {
        slot.ready = true;
        return this.#pump();
      }
      for (const r of Array.isArray(m) ? m : [m as FromWorker]) {
        const job = slot.jobs.get(r.id);
        slot.jobs.delete(r.id);
        job?.resolve(r.result);
      }
      this.#pump();
    });
    const died = (err?: Error, exitCode?: number): void => {
      const i = this.#slots.indexOf(slot);
      if (this.#closed || i < 0) return; // closing, or already replaced ('error' is followed by 'exit')
      // An 'exit' without an 'error' before it: a task called process.exit(code).
      if (err === undefined && exitCode !== undefined && slot.ready && this.onTaskExit !== undefined)
        this.onTaskExit(
          exitCode,
          [...slot.jobs.values()].map((j) => j.key),
        );
      for (const job of slot.jobs.values()) job.resolve(failedBatch(new WorkerLostError(job.key, 1, err), 0, thread.threadId));
      slot.jobs.clear();
      if (slot.ready) {
        this.#slots[i] = this.#spawn();
        return this.#pump();
      }
      this.#slots.splice(i, 1); // it could not start: a new one would not either
      if (this.#slots.length > 0) return;
      this.#broken = new Error(`the worker's task threads cannot start: ${err?.message ?? 'they exited at once'}`, { cause: err });
      for (const j of this.#queue.splice(0)) j.resolve(failedBatch(this.#broken, 0, -1));
    };
    thread.on('error', died);
    thread.on('exit', (code) => died(undefined, code));
    return slot;
  }
}
