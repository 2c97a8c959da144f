/**
 * The shell around the state machine, shared by 'sync' and 'threads' (as Dask's `get_async`
 * with an injected executor): plans batches, feeds stimuli to the machine one at a time, and
 * carries out its instructions with one handler per instruction type (as distributed's
 * `BaseWorker._handle_instructions`): dispatch through an Executor, unspill, release, spill,
 * drop, done, fail. It holds batch results, and turns the transition log into batched events
 * for subscribers. Only this file talks to callbacks.
 */
import {
  activeCallbacks,
  cancelledError,
  deserializeError,
  functionSource,
  idsOf,
  isFunctionOp,
  keyMask,
  order,
  randomToken,
  type ComputeOptions,
  type Key,
  type OpId,
  type TaskGraph,
} from '@tsdask/core-graph';
import { planBatches } from './state/batches.js';
import type { BatchPlan } from './state/batches.js';
import { SchedulerState, type Instruction, type Stimulus } from './state/machine.js';
import { STATES } from './state/transition-log.js';
import { now, sizeOf, type BatchPayload, type BatchResult } from '@tsdask/runtime';
import { ProgressBar } from './progress.js';
import { EventPump } from './event-pump.js';
import { resolveMemoryLimit } from './memory/limit.js';
import { SpillIo } from './memory/spill-io.js';
import { reportSpillFailure } from './memory/report.js';
import { SpillError } from './errors.js';
import { PayloadBuilder, takePick } from './batch-payload.js';

/** Runs batches somewhere: in this thread, on worker threads, ... */
export interface Executor {
  readonly name: string;
  /** Batches in flight at once. */
  readonly slots: number;
  /** Workers behind it (for events and the progress display). */
  readonly workers: number;
  /** Whether user functions must travel as source. */
  readonly shipsSource: boolean;
  /** Checks the ops of a graph before anything runs (portability); throws to refuse. */
  prepare(ops: ReadonlySet<OpId>): Promise<void>;
  /**
   * Runs a batch; rejects only when the worker running it was lost (task failures resolve).
   * When `signal` aborts, the batch is cancelled where it runs (the compute has failed).
   */
  run(payload: BatchPayload, signal: AbortSignal): Promise<BatchResult>;
  /** The batches running right now and their workers, where the executor can tell (threads). */
  running?(): { worker: number; batch: number; start: number }[];
}

const DEFAULT_BATCH = 512;

/**
 * The largest batch for a graph: `batchSize` (default 512), but never so large that there are
 * fewer than about four batches per slot, or a graph of a few heavy tasks would run on one
 * worker. Batching pays for trivial tasks; heavy ones hardly need it.
 */
export function batchLimit(ntasks: number, slots: number, batchSize = DEFAULT_BATCH): number {
  return Math.max(1, Math.min(batchSize, Math.floor(ntasks / (4 * Math.max(1, slots)))));
}

/** What the result store (held-results.ts) asks of a run, beside the compute options. */
export interface RunHooks {
  /** Values already in memory for `held(key)` tasks of the graph, by task id: fed to their dependents, never run. */
  held?: ReadonlyMap<number, unknown>;
  /** Called as each output's value is ready (before the run as a whole ends). */
  onOutput?(key: Key, value: unknown): void;
}

/** Most recent machine per compute, for `story()` after the fact. */
let lastMachine: { machine: SchedulerState; graph: TaskGraph } | undefined;

/** A task's history in the most recent compute of this process. */
export function story(key: Key): ReturnType<SchedulerState['story']> {
  return lastMachine?.machine.story(key) ?? [];
}

/**
 * Executes an optimized task graph and returns the outputs' values, in order. When
 * `opts.signal` aborts, the compute stops: batches running are cancelled where they run, no
 * batch starts after, the spill folder is removed, subscribers get their finish, and the
 * promise rejects with CancelledError (an already aborted signal rejects before anything runs).
 */
export async function runGraph(g: TaskGraph, outputs: readonly Key[], executor: Executor, opts: ComputeOptions, hooks: RunHooks = {}): Promise<unknown[]> {
  const signal = opts.signal;
  if (signal?.aborted) throw cancelledError(signal, opts.timeout);
  const t0 = now();
  const computeId = randomToken().slice(0, 12);
  const outIds = idsOf(g, outputs);
  const isOutput = keyMask(g, outputs);
  // A held task is a batch of its own (as an output is), taken from memory at dispatch.
  const held = hooks.held !== undefined && hooks.held.size > 0 ? hooks.held : undefined;
  const ends = held === undefined ? isOutput : isOutput.slice();
  if (held !== undefined) for (const id of held.keys()) ends[id] = 1;
  const plan = planBatches(g, order(g, outputs), ends, batchLimit(g.size, executor.slots, opts.batchSize));
  const memoryLimit = resolveMemoryLimit(opts['memoryLimit']);
  const machine = new SchedulerState(g, plan, {
    outputs: outIds,
    slots: executor.slots,
    retries: opts.retries ?? 1,
    memoryLimit,
    // Root batches (readers, creators) run about one per worker: reductions go first.
    rootSlots: executor.workers,
    // The log holds a whole compute (a task makes a few transitions, more when retried); the
    // default ring (1M entries, 10 MB zeroed) costs ~1 ms and a GC per compute of a small graph.
    logCapacity: Math.min(1 << 20, Math.max(4096, 16 * g.size)),
  });
  lastMachine = { machine, graph: g };

  const payloads = new PayloadBuilder(g, plan);
  const ops = payloads.ops;
  const callbacks = activeCallbacks([...(opts.callbacks ?? []), ...(opts.progress === true ? [new ProgressBar()] : [])]);
  const events = new EventPump(g, machine, plan, callbacks, computeId, t0);
  events.start(executor.name, executor.workers);
  try {
    await executor.prepare(ops);
  } catch (err) {
    events.finish(false, err as Error);
    throw err;
  }
  const sources = new Map<OpId, string>();
  if (executor.shipsSource) for (const o of ops) if (isFunctionOp(o)) sources.set(o, functionSource(o) as string);
  payloads.setSources(sources);
  const spillDir = typeof opts['spillDir'] === 'string' ? opts['spillDir'] : undefined;
  return new Promise<unknown[]>((resolve, reject) => {
    const run = {
      g,
      plan,
      outIds,
      isOutput,
      machine,
      events,
      executor,
      payloads,
      disk: new SpillIo(spillDir),
      signal,
      timeout: opts.timeout,
      held,
      onOutput: hooks.onOutput,
    };
    new GraphRun(run, resolve, reject).start();
  });
}

/** What one run of a graph works with. */
interface RunContext {
  g: TaskGraph;
  plan: BatchPlan;
  /** Task ids of the outputs, in the order of the answer. */
  outIds: Int32Array;
  /** 1 for output task ids. */
  isOutput: Uint8Array;
  /** Values of held tasks by task id (see RunHooks). */
  held: ReadonlyMap<number, unknown> | undefined;
  /** Called as each output's value is ready. */
  onOutput: ((key: Key, value: unknown) => void) | undefined;
  machine: SchedulerState;
  events: EventPump;
  executor: Executor;
  /** Builds the batches' payloads. */
  payloads: PayloadBuilder;
  disk: SpillIo;
  signal: AbortSignal | undefined;
  timeout: number | undefined;
}

/**
 * One compute in flight: feeds stimuli to the machine in order and carries out each
 * instruction in a handler of its own. Settles once: with the outputs, or with the first error.
 */
class GraphRun {
  readonly #c: RunContext;
  readonly #resolve: (values: unknown[]) => void;
  readonly #reject: (err: unknown) => void;
  /** Batch results held here, by batch id. */
  readonly #data: unknown[];
  /** Cancels batches running where they run, once the compute failed. */
  readonly #cancel = new AbortController();
  readonly #queue: Stimulus[] = [];
  #stepping = false;
  #settled = false;
  /** A spill failure was reported to subscribers (once per compute). */
  #reported = false;
  #poll: ReturnType<typeof setInterval> | undefined;
  readonly #onAbort = (): void => this.#settle(false, cancelledError(this.#c.signal as AbortSignal, this.#c.timeout));
  readonly #fail = (err: unknown): void => this.#settle(false, err as Error);

  constructor(c: RunContext, resolve: (values: unknown[]) => void, reject: (err: unknown) => void) {
    this.#c = c;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#data = new Array(c.plan.count);
  }

  start(): void {
    const { executor, events, signal } = this.#c;
    // What runs where, for subscribers: polled every 100 ms (a long batch makes no steps).
    const running = executor.running;
    if (running !== undefined && events.wantsRunning) {
      this.#poll = setInterval(() => events.running(running()), 100);
      this.#poll.unref?.();
    }
    if (signal !== undefined) {
      // The caller cancels: stop as a failure does (running batches are cancelled where they run).
      if (signal.aborted) {
        this.#onAbort();
        return;
      }
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    this.#step({ type: 'start' });
  }

  #settle(ok: boolean, value: unknown[] | Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#c.signal?.removeEventListener('abort', this.#onAbort);
    if (this.#poll !== undefined) clearInterval(this.#poll);
    // A failed compute cancels its batches still running (their results would be dropped),
    // and any that a step still being handled would dispatch.
    if (!ok) this.#cancel.abort();
    // The spill folder goes whatever happened, once its reads and writes in flight are done
    // (removing it under a write could leave it behind); the answer waits for that.
    const answer = (): void => {
      this.#c.events.finish(ok, ok ? undefined : (value as Error));
      if (ok) this.#resolve(value as unknown[]);
      else this.#reject(value);
    };
    void this.#c.disk.close().then(answer, answer);
  }

  /**
   * Stimuli are handled one at a time, in order: a pick taken while the instructions of a step
   * are carried out reports when that step is done.
   */
  #step(s: Stimulus): void {
    this.#queue.push(s);
    if (this.#stepping) return;
    this.#stepping = true;
    try {
      while (this.#queue.length > 0) this.#handle(this.#queue.shift() as Stimulus);
    } finally {
      this.#stepping = false;
    }
  }

  #handle(s: Stimulus): void {
    if (this.#settled) return; // late I/O or results after the end change nothing
    try {
      const instructions = this.#c.machine.handle(s);
      this.#c.events.drain();
      for (const ins of instructions) {
        // A subscriber (called by drain) or an instruction may have ended the compute.
        if (this.#settled) break;
        this.#carryOut(ins);
      }
    } catch (err) {
      // Whatever breaks in the shell fails the compute: it must never leave it waiting.
      this.#settle(false, err as Error);
    }
  }

  /** One handler per instruction type. */
  #carryOut(ins: Instruction): void {
    switch (ins.type) {
      case 'unspill':
        return this.#unspill(ins.batches);
      case 'dispatch':
        return this.#dispatch(ins.batch);
      case 'release':
        return this.#release(ins.batch);
      case 'spill':
        return this.#spill(ins.batch, ins.gen);
      case 'drop':
        return this.#drop(ins.batch);
      case 'done':
        return this.#done();
      case 'fail':
        return this.#settle(false, ins.error);
    }
  }

  /** Starts reading results back from disk; the dispatch or the end that follows waits for them. */
  #unspill(batches: number[]): void {
    const { disk, events } = this.#c;
    const reads = batches.map((b) =>
      disk.load(b, (v) => {
        this.#data[b] = v;
        if (!this.#settled) events.spill('unspill', b, 0);
      }),
    );
    void Promise.all(reads).catch(this.#fail);
  }

  /** Runs batch b once none of its inputs is still being read back from disk. */
  #dispatch(b: number): void {
    const { plan, disk } = this.#c;
    if (!disk.reading) return this.#run(b);
    const inputs: number[] = [];
    for (let e = plan.inPtr[b]!; e < plan.inPtr[b + 1]!; e++) inputs.push(plan.batchOf[plan.inIdx[e]!]!);
    const waits = disk.loadsOf(inputs);
    if (waits.length === 0) return this.#run(b);
    Promise.all(waits).then(() => {
      if (!this.#settled) this.#run(b);
    }, this.#fail);
  }

  /** Drops a result no longer needed, in memory and on disk. */
  #release(b: number): void {
    this.#data[b] = undefined;
    void this.#c.disk.delete(b)?.catch(this.#fail);
  }

  /** Drops the copy in memory of a result now on disk. */
  #drop(b: number): void {
    this.#data[b] = undefined;
  }

  /** Answers with the outputs, once those being read back from disk are loaded. */
  #done(): void {
    const { plan, outIds, disk } = this.#c;
    const answer = (): void =>
      this.#settle(
        true,
        Array.from(outIds, (id) => this.#data[plan.batchOf[id]!]),
      );
    const waits = disk.loadsOf(Array.from(outIds, (id) => plan.batchOf[id]!));
    if (waits.length === 0) answer();
    else Promise.all(waits).then(answer, this.#fail);
  }

  /** Writes result b to disk (generation `gen`); the machine hears when it is there, or that it failed. */
  #spill(b: number, gen: number): void {
    let write: Promise<number>;
    try {
      write = this.#c.disk.write(b, this.#data[b]);
    } catch (err) {
      this.#spillFailed(b, gen, err);
      return;
    }
    write.then(
      (bytes) => {
        if (this.#settled) return;
        this.#c.events.spill('spill', b, bytes);
        this.#step({ type: 'spilled', batch: b, bytes, gen });
      },
      (err: unknown) => this.#spillFailed(b, gen, err),
    );
  }

  /**
   * A spill that fails keeps the result in memory and is reported once per compute; a folder
   * that fails (read-only, full, gone) stops spilling, a value that cannot be written only
   * keeps itself.
   */
  #spillFailed(b: number, gen: number, err: unknown): void {
    if (this.#settled) return;
    if (!(err instanceof SpillError)) return this.#fail(err);
    if (!this.#reported) {
      this.#reported = true;
      reportSpillFailure(err, this.#c.events, this.#c.g.keys[this.#c.plan.root[b]!] as Key);
    }
    this.#step({ type: 'spill-failed', batch: b, gen, stop: err.code === 'TSDASK_SPILL_FAILED' });
  }

  /** Hands batch b to the executor (a pick is taken here, at once), and feeds back how it ended. */
  #run(b: number): void {
    if (this.#settled) return;
    const { g, plan, executor, payloads, held } = this.#c;
    const root = plan.root[b]!;
    if (held?.has(root)) {
      const t = now();
      this.#data[b] = held.get(root);
      this.#ready(b);
      return this.#step({ type: 'batch-finished', batch: b, worker: -1, start: t, stop: t, nbytes: sizeOf(this.#data[b]) });
    }
    if (plan.pick[b]) {
      const s = takePick(g, plan, b, this.#data);
      if (s.type === 'batch-finished') this.#ready(b);
      return this.#step(s);
    }
    let payload: BatchPayload;
    try {
      payload = payloads.build(b, this.#data, executor.shipsSource);
    } catch (err) {
      this.#step({ type: 'batch-erred', batch: b, member: 0, error: err as Error, worker: -1, start: now(), stop: now() });
      return;
    }
    // Once the batch has ended, however it ended, its worker is done with the payload's bytes.
    executor.run(payload, this.#cancel.signal).then(
      (r) => {
        payloads.release(payload);
        this.#step(this.#ended(b, r));
      },
      // Executors reject only when the worker running the batch was lost.
      (err: Error) => {
        payloads.release(payload);
        this.#step({ type: 'worker-lost', batch: b, error: err });
      },
    );
  }

  /** Tells the result store that an output's value is ready (before the run as a whole ends). */
  #ready(b: number): void {
    const { onOutput, isOutput, plan, g } = this.#c;
    const root = plan.root[b]!;
    if (onOutput !== undefined && isOutput[root]) onOutput(g.keys[root] as Key, this.#data[b]);
  }

  /** The stimulus for a batch's result: finished (its value kept here) or erred. */
  #ended(b: number, r: BatchResult): Stimulus {
    try {
      if (r.ok) {
        this.#data[b] = r.value;
        this.#ready(b);
        return { type: 'batch-finished', batch: b, worker: r.worker, start: r.start, stop: r.stop, nbytes: r.nbytes };
      }
      return { type: 'batch-erred', batch: b, member: r.member, error: deserializeError(r.error), worker: r.worker, start: r.start, stop: r.stop };
    } catch (err) {
      // A malformed result must fail the compute, never leave it waiting.
      const plan = this.#c.plan;
      return { type: 'batch-erred', batch: b, member: plan.memPtr[b + 1]! - plan.memPtr[b]! - 1, error: err as Error, worker: -1, start: now(), stop: now() };
    }
  }
}

export { STATES };
