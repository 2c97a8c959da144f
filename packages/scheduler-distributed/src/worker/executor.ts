/**
 * The worker's executor: `nthreads` worker_threads, each serving the runtime's batches
 * (thread-entry.ts), so a long task never blocks the worker's event loop (peers and heartbeats
 * go on). Each thread has up to `depth` batches posted at once: the next is already in its queue
 * when one finishes, so a thread does not idle while a result crosses back and the next task
 * crosses over, and results finishing together go back in one burst; more wait here. The depth
 * adapts to how long tasks take (a running average): at least 2, and for tiny tasks as many as
 * fill about `QUEUED_MS` of work (at most 64), so a message to a thread carries many tiny tasks
 * (a message and a thread wake-up cost tens of microseconds) while long tasks are never queued
 * behind each other (where another worker could steal them). A user function's source is sent
 * to a thread once (the thread keeps it compiled). A thread that dies fails its batch with
 * WorkerLostError and is replaced; one that dies before it said it is ready (its entry does
 * not load) is not, and with no thread left every batch fails with that error. A task that calls
 * process.exit(code) ends only its thread; with `onTaskExit` given, that is reported to it first (the
 * worker bin then exits the process with the code, as the task asked).
 *
 * With `heap` given (the worker sets it from its memory limit, start.ts), each thread's V8 old
 * generation is capped (worker_threads' resourceLimits.maxOldGenerationSizeMb): a task whose heap
 * passes the cap ends only its thread, and fails with TaskMemoryError (TSDASK_TASK_HEAP) naming
 * it and the cap; the other batches posted to that thread (a thread runs its batches one after
 * another, in the order posted, so the oldest is the one that was running) go back to the head
 * of the queue and run on the thread that replaces it.
 */
import { Worker as Thread } from 'node:worker_threads';
import { WorkerLostError } from '@tsdask/core-graph';
import { failedBatch, type BatchPayload, type BatchResult, type FromWorker } from '@tsdask/runtime';
import { TaskMemoryError } from './errors.js';

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

/** Work a thread may have queued, in ms of average task time: sets the depth for short tasks. */
const QUEUED_MS = 2;
/** Bounds of the depth. */
const MIN_DEPTH = 2;
const MAX_DEPTH = 64;

/** The heap cap of each executor thread: `bytes` of old generation, set from the worker's `memoryLimit` (both named in TaskMemoryError). */
export interface ThreadHeapLimit {
  bytes: number;
  memoryLimit: number;
}

/** Runs one-member batches on a fixed set of threads. */
export class ThreadExecutor {
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 0;
  #closed = false;
  #pumpSoon = false;
  /** Why the last thread is gone, once none is left. */
  #broken: Error | undefined;

  /** Running average of task durations in ms (undefined until a task finished). */
  #avgMs: number | undefined;
  /** The depth when it does not adapt. */
  readonly #fixedDepth: number | undefined;

  /** Starts `nthreads` threads running `entry` (default: thread-entry.js beside this file); `depth` fixes the batches per thread (default: adaptive). */
  constructor(
    readonly nthreads: number,
    private readonly entry: URL = ENTRY,
    depth?: number,
    /** Called when a task's thread ends by process.exit(code), with the keys posted to it, before they fail with WorkerLostError. */
    private readonly onTaskExit?: (code: number, keys: string[]) => void,
    /** Caps each thread's heap; a task passing it fails with TaskMemoryError (default: V8's own limit). */
    private readonly heap?: ThreadHeapLimit,
  ) {
    this.#fixedDepth = depth;
    for (let i = 0; i < nthreads; i++) this.#slots.push(this.#spawn());
  }

  /** Batches posted to one thread at once now. */
  get depth(): number {
    if (this.#fixedDepth !== undefined) return this.#fixedDepth;
    if (this.#avgMs === undefined) return MIN_DEPTH;
    return Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, Math.ceil(QUEUED_MS / Math.max(this.#avgMs, 1e-3))));
  }

  /** Tasks the executor holds at once now (threads times depth): what its owner should hand it at most. */
  get slots(): number {
    return this.nthreads * this.depth;
  }

  /** Runs task `key`'s batch on a free thread (or once one is free); a failure comes back as data, never a throw. */
  run(key: string, payload: BatchPayload): Promise<BatchResult> {
    return new Promise((resolve) => {
      if (this.#closed) return resolve(failedBatch(new Error('the worker is closing'), 0, -1));
      if (this.#broken !== undefined) return resolve(failedBatch(this.#broken, 0, -1));
      this.#queue.push({ key, payload, resolve });
      if (this.#pumpSoon) return;
      // Once the caller's turn is over, so the tasks it hands over together go to a thread as one message.
      this.#pumpSoon = true;
      queueMicrotask(() => {
        this.#pumpSoon = false;
        this.#pump();
      });
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
      // Tasks without inputs whose nodes are JSON text cross as one string: a structured clone of many small objects costs several times more.
      if (messages.every((m) => m.payload.json !== undefined && m.payload.inputs.length === 0 && m.payload.parent === undefined))
        slot.thread.postMessage(JSON.stringify(messages));
      else slot.thread.postMessage(messages.length === 1 ? messages[0] : messages);
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
    const heap = this.heap;
    const thread = new Thread(
      this.entry,
      heap === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: Math.max(1, Math.ceil(heap.bytes / 2 ** 20)) } },
    );
    const slot: Slot = { thread, jobs: new Map(), compiled: new Set(), ready: false };
    thread.on('message', (m: FromWorker | FromWorker[] | { type: 'thread-ready' }) => {
      if (!Array.isArray(m) && m.type === 'thread-ready') {
        slot.ready = true;
        return this.#pump();
      }
      for (const r of Array.isArray(m) ? m : [m as FromWorker]) {
        const job = slot.jobs.get(r.id);
        slot.jobs.delete(r.id);
        const ms = r.result.stop - r.result.start;
        if (ms >= 0) this.#avgMs = this.#avgMs === undefined ? ms : 0.8 * this.#avgMs + 0.2 * ms;
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
      if (heap !== undefined && (err as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        // The oldest batch posted was running and passed the cap; the others wait for the next thread.
        const [first, ...rest] = slot.jobs.values();
        if (first !== undefined) first.resolve(failedBatch(new TaskMemoryError(first.key, heap.bytes, heap.memoryLimit, err), 0, thread.threadId));
        this.#queue.unshift(...rest);
      } else for (const job of slot.jobs.values()) job.resolve(failedBatch(new WorkerLostError(job.key, 1, err), 0, thread.threadId));
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
