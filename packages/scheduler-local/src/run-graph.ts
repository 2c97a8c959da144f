/**
 * The shell around the state machine, shared by 'sync' and 'threads' (as Dask's `get_async`
 * with an injected executor): plans batches, feeds stimuli to the machine, carries out its
 * instructions through an Executor, holds batch results, and turns the transition log into
 * batched events for subscribers. Only this file talks to callbacks.
 */
import {
  activeCallbacks,
  cancelledError,
  deserializeError,
  forEachOp,
  functionSource,
  idsOf,
  isFunctionOp,
  keyMask,
  order,
  randomToken,
  type ComputeOptions,
  type Key,
  type Node,
  type OpId,
  type TaskGraph,
} from '@tsdask/core-graph';
import { planBatches } from './state/batches.js';
import { SchedulerState, type Stimulus } from './state/machine.js';
import { STATES } from './state/transition-log.js';
import type { BatchPayload, BatchResult } from './execute-batch.js';
import { now } from './execute-batch.js';
import { ProgressBar } from './progress.js';
import { EventPump } from './event-pump.js';
import { resolveMemoryLimit } from './memory/limit.js';
import { SpillStore } from './memory/spill-store.js';
import { reportSpillFailure } from './memory/report.js';
import { SpillError } from './errors.js';
import { buildPayload, takePick } from './batch-payload.js';

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
export async function runGraph(g: TaskGraph, outputs: readonly Key[], executor: Executor, opts: ComputeOptions): Promise<unknown[]> {
  const signal = opts.signal;
  if (signal?.aborted) throw cancelledError(signal, opts.timeout);
  const t0 = now();
  const computeId = randomToken().slice(0, 12);
  const outIds = idsOf(g, outputs);
  const isOutput = keyMask(g, outputs);
  const plan = planBatches(g, order(g, outputs), isOutput, batchLimit(g.size, executor.slots, opts.batchSize));
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

  const ops = new Set<OpId>();
  for (let i = 0; i < g.size; i++) forEachOp(g.nodes[i] as Node, (o) => ops.add(o));
  const callbacks = activeCallbacks([...(opts.callbacks ?? []), ...(opts.progress === true ? [new ProgressBar()] : [])]);
  const events = new EventPump(g, machine, plan, callbacks, computeId, t0);
  events.start(executor.name, executor.workers);
  try {
    await executor.prepare(ops);
  } catch (err) {
    events.finish(false, err as Error);
    throw err;
  }

  const data: unknown[] = new Array(plan.count);
  let store: SpillStore | undefined;
  const io = new Set<Promise<unknown>>();
  const spillDir = typeof opts['spillDir'] === 'string' ? opts['spillDir'] : undefined;
  const sources = new Map<OpId, string>();
  if (executor.shipsSource) for (const o of ops) if (isFunctionOp(o)) sources.set(o, functionSource(o) as string);

  return new Promise<unknown[]>((resolve, reject) => {
    let settled = false;
    const cancel = new AbortController();
    // What runs where, for subscribers: polled every 100 ms (a long batch makes no steps).
    const running = executor.running;
    const poll = running !== undefined && events.wantsRunning ? setInterval(() => events.running(running()), 100) : undefined;
    poll?.unref?.();
    const settle = (ok: boolean, value: unknown[] | Error): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (poll !== undefined) clearInterval(poll);
      // A failed compute cancels its batches still running (their results would be dropped),
      // and any that a step still being handled would dispatch.
      if (!ok) cancel.abort();
      // The spill folder goes whatever happened, once its reads and writes in flight are done
      // (removing it under a write could leave it behind); the answer waits for that.
      const closing = Promise.allSettled(io).then(() => store?.close());
      void closing.then(
        () => {
          events.finish(ok, ok ? undefined : (value as Error));
          if (ok) resolve(value as unknown[]);
          else reject(value);
        },
        () => {
          events.finish(ok, ok ? undefined : (value as Error));
          if (ok) resolve(value as unknown[]);
          else reject(value);
        },
      );
    };
    const fail = (err: unknown): void => settle(false, err as Error);
    // The caller cancels: stop as a failure does (running batches are cancelled where they run).
    function onAbort(): void {
      settle(false, cancelledError(signal as AbortSignal, opts.timeout));
    }
    // Stimuli are handled one at a time, in order: a pick taken while the instructions of a
    // step are carried out reports when that step is done.
    const queue: Stimulus[] = [];
    let stepping = false;
    const step = (s: Stimulus): void => {
      queue.push(s);
      if (stepping) return;
      stepping = true;
      try {
        while (queue.length > 0) handle(queue.shift() as Stimulus);
      } finally {
        stepping = false;
      }
    };
    const handle = (s: Stimulus): void => {
      if (settled) return; // late I/O or results after the end change nothing
      try {
        const instructions = machine.handle(s);
        events.drain();
        for (const ins of instructions) {
          // A subscriber (called by drain) or an instruction may have ended the compute.
          if (settled) break;
          switch (ins.type) {
            case 'execute':
              if (ins.unspill === undefined) dispatchWhenLoaded(ins.batch);
              else unspillThenDispatch(ins.batch, ins.unspill);
              break;
            case 'release':
              data[ins.batch] = undefined;
              if (store?.has(ins.batch)) void track(store.delete(ins.batch)).catch(fail);
              break;
            case 'spill':
              spill(ins.batch, ins.gen);
              break;
            case 'drop':
              data[ins.batch] = undefined;
              break;
            case 'finished': {
              // Outputs spilled on the way are read back first.
              const answer = (): void => settle(true, Array.from(outIds, (id) => data[plan.batchOf[id]!]));
              if (ins.unspill === undefined) answer();
              else Promise.all(ins.unspill.map(load)).then(answer, fail);
              break;
            }
            case 'failed':
              settle(false, ins.error);
              break;
          }
        }
      } catch (err) {
        // Whatever breaks in the shell fails the compute: it must never leave it waiting.
        settle(false, err as Error);
      }
    };
    const track = <T>(p: Promise<T>): Promise<T> => {
      io.add(p);
      void p.then(
        () => io.delete(p),
        () => io.delete(p),
      );
      return p;
    };
    // Writes of a result run one after another: a result read back and spilled again while its
    // first write is still going must not have two writes on one file.
    const writing = new Map<number, Promise<unknown>>();
    const spill = (b: number, gen: number): void => {
      if (store === undefined) {
        try {
          store = new SpillStore(spillDir);
        } catch (err) {
          spillFailed(b, gen, err);
          return;
        }
      }
      const s = store;
      const value = data[b];
      const write = (writing.get(b) ?? Promise.resolve()).then(() => s.write(b, value));
      const ended: Promise<unknown> = write.then(
        () => undefined,
        () => undefined,
      );
      writing.set(b, ended);
      void ended.then(() => {
        if (writing.get(b) === ended) writing.delete(b);
      });
      track(write).then(
        (bytes) => {
          if (settled) return;
          events.spill('spill', b, bytes);
          step({ type: 'spilled', batch: b, bytes, gen });
        },
        (err: unknown) => spillFailed(b, gen, err),
      );
    };
    // A spill that fails keeps the result in memory and is reported once per compute; a
    // folder that fails (read-only, full, gone) stops spilling, a value that cannot be
    // written only keeps itself.
    let reported = false;
    const spillFailed = (b: number, gen: number, err: unknown): void => {
      if (settled) return;
      if (!(err instanceof SpillError)) {
        fail(err);
        return;
      }
      if (!reported) {
        reported = true;
        reportSpillFailure(err, events, g.keys[plan.root[b]!] as Key);
      }
      step({ type: 'spill-failed', batch: b, gen, stop: err.code === 'TSDASK_SPILL_FAILED' });
    };
    // Reads of spilled results in flight: every batch that needs one waits for the same read
    // (two batches dispatched in one step may need the same result back from disk).
    const loading = new Map<number, Promise<void>>();
    const load = (ib: number): Promise<void> => {
      let p = loading.get(ib);
      if (p === undefined) {
        const s = store as SpillStore;
        p = track(
          s.read(ib).then((v) => {
            data[ib] = v;
            if (!settled) events.spill('unspill', ib, 0);
          }),
        ).finally(() => loading.delete(ib));
        loading.set(ib, p);
      }
      return p;
    };
    const unspillThenDispatch = (b: number, inputs: number[]): void => {
      Promise.all(inputs.map(load)).then(() => {
        if (!settled) dispatchWhenLoaded(b);
      }, fail);
    };
    /** Dispatches once no input of the batch is still being read back from disk. */
    const dispatchWhenLoaded = (b: number): void => {
      if (loading.size > 0) {
        const waits: Promise<void>[] = [];
        for (let e = plan.inPtr[b]!; e < plan.inPtr[b + 1]!; e++) {
          const w = loading.get(plan.batchOf[plan.inIdx[e]!]!);
          if (w !== undefined) waits.push(w);
        }
        if (waits.length > 0) {
          Promise.all(waits).then(() => {
            if (!settled) dispatch(b);
          }, fail);
          return;
        }
      }
      dispatch(b);
    };
    const dispatch = (b: number): void => {
      if (settled) return;
      if (plan.pick[b]) {
        step(takePick(g, plan, b, data));
        return;
      }
      let payload: BatchPayload;
      try {
        payload = buildPayload(g, plan, b, data, sources, executor.shipsSource);
      } catch (err) {
        step({ type: 'batch-erred', batch: b, member: 0, error: err as Error, worker: -1, start: now(), stop: now() });
        return;
      }
      const stopAt = (): number => now();
      const lastMember = plan.memPtr[b + 1]! - plan.memPtr[b]! - 1;
      executor.run(payload, cancel.signal).then(
        (r) => {
          let stim: Stimulus;
          try {
            if (r.ok) {
              data[b] = r.value;
              stim = { type: 'batch-finished', batch: b, worker: r.worker, start: r.start, stop: r.stop, nbytes: r.nbytes };
            } else {
              stim = { type: 'batch-erred', batch: b, member: r.member, error: deserializeError(r.error), worker: r.worker, start: r.start, stop: r.stop };
            }
          } catch (err) {
            // A malformed result must fail the compute, never leave it waiting.
            stim = { type: 'batch-erred', batch: b, member: lastMember, error: err as Error, worker: -1, start: stopAt(), stop: stopAt() };
          }
          step(stim);
        },
        // Executors reject only when the worker running the batch was lost.
        (err: Error) => step({ type: 'worker-lost', batch: b, error: err }),
      );
    };
    if (signal !== undefined) {
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
    }
    step({ type: 'start' });
  });
}

export { STATES };
