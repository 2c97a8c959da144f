/**
 * The worker's executor: `nthreads` worker_threads, each serving the runtime's batches
 * (thread-entry.ts), so a long task never blocks the worker's event loop (peers and heartbeats
 * go on). One batch per thread at a time; more wait in a queue. A user function's source is sent
 * to a thread once (the thread keeps it compiled). A thread that dies fails its batch with
 * WorkerLostError and is replaced; one that dies before it said it is ready (its entry does
 * not load) is not, and with no thread left every batch fails with that error.
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
  job: Job | undefined;
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
        s.job?.resolve(failedBatch(stopping, 0, s.thread.threadId));
        s.job = undefined;
        return s.thread.terminate();
      }),
    );
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.job !== undefined || !slot.ready) continue;
      const job = this.#queue.shift()!;
      slot.job = job;
      const p = job.payload;
      const sources = p.sources.filter(([op]) => !slot.compiled.has(op));
      try {
        slot.thread.postMessage({ type: 'run-batch', id: this.#nextId++, payload: { ...p, sources } });
      } catch (err) {
        // An input the thread channel cannot carry (a function, a symbol): the task fails, the thread stays free.
        slot.job = undefined;
        job.resolve(failedBatch(err, 0, slot.thread.threadId));
        continue;
      }
      for (const [op] of sources) slot.compiled.add(op);
    }
  }

  #spawn(): Slot {
    const thread = new Thread(this.entry);
    const slot: Slot = { thread, job: undefined, compiled: new Set(), ready: false };
    thread.on('message', (m: FromWorker | { type: 'thread-ready' }) => {
      if (m.type === 'thread-ready') {
        slot.ready = true;
        return this.#pump();
      }
      const job = slot.job;
      slot.job = undefined;
      job?.resolve(m.result);
      this.#pump();
    });
    const died = (err?: Error): void => {
      const i = this.#slots.indexOf(slot);
      if (this.#closed || i < 0) return; // closing, or already replaced ('error' is followed by 'exit')
      const job = slot.job;
      slot.job = undefined;
      if (job !== undefined) job.resolve(failedBatch(new WorkerLostError(job.key, 1, err), 0, thread.threadId));
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
    thread.on('exit', () => died());
    return slot;
  }
}
