/**
 * The local scheduler's state machine: pure bookkeeping, no threads, no timers, no I/O. State
 * changes happen only in `handle(stimulus)`, which returns instructions for the shell to carry
 * out (messages.ts), as distributed's `handle_stimulus(events) -> instructions`.
 *
 * It is three parts and the code that steps them in order:
 * - graph-state.ts: each task's state, moved only through the table of legal transitions
 *   (transitions.ts lists the states and the table), and the counts that move them;
 * - dispatch-policy.ts: which ready batch goes out next, under slots and root slots;
 * - memory-policy.ts: when a result is released, spilled (which one) and read back, and the
 *   pause.
 * A batch whose worker died is retried up to `retries` times, then the compute fails.
 */
import { TaskError, WorkerLostError, type Key, type TaskGraph } from '@tsdask/core-graph';
import type { BatchPlan } from './batches.js';
import { DispatchPolicy } from './dispatch-policy.js';
import { GraphState, type StoryEntry } from './graph-state.js';
import { MemoryPolicy, type MemoryStats } from './memory-policy.js';
import type { Instruction, Stimulus } from './messages.js';
import { MEMORY, RELEASED, RUNNING, type StimulusRecord, type TransitionLog } from './transition-log.js';

export type { Instruction, Stimulus } from './messages.js';
export type { StoryEntry } from './graph-state.js';
export type { MemoryStats } from './memory-policy.js';

export interface MachineOptions {
  /** Task ids whose results are returned (never released). */
  outputs: Int32Array;
  /** Most batches in flight at once. */
  slots: number;
  /** Retries of a batch whose worker died. */
  retries: number;
  /** Capacity of the transition log ring. */
  logCapacity?: number;
  /** Bytes of results that may be held before spilling (default: no limit). */
  memoryLimit?: number;
  /** Most root batches (no inputs) in flight at once (default: `slots`). */
  rootSlots?: number;
}

export class SchedulerState {
  readonly #graph: GraphState;
  readonly #dispatch: DispatchPolicy;
  readonly #memory: MemoryPolicy;
  readonly #retries: number;
  #stimulusId = 0;
  #closed = false;

  constructor(g: TaskGraph, plan: BatchPlan, opts: MachineOptions) {
    this.#graph = new GraphState(g, plan, opts.outputs, opts.logCapacity);
    this.#dispatch = new DispatchPolicy(plan, opts.slots, opts.rootSlots);
    this.#memory = new MemoryPolicy(plan, this.#graph, opts.memoryLimit ?? Infinity);
    this.#retries = opts.retries;
  }

  /** State code of each task (see transitions.ts). */
  get state(): Uint8Array {
    return this.#graph.state;
  }

  /** The transition log. */
  get log(): TransitionLog {
    return this.#graph.log;
  }

  /** Memory counters. */
  get memory(): MemoryStats {
    return this.#memory.stats;
  }

  /** Number of batches in flight (picks included). */
  get inFlight(): number {
    return this.#dispatch.inFlight + this.#dispatch.picksInFlight;
  }

  /** True once the compute finished or failed: later stimuli are ignored. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A task's history, from the transitions still in the log. */
  story(key: Key): StoryEntry[] {
    return this.#graph.story(key);
  }

  /** The one entry point: applies a stimulus and returns what the shell must do. */
  handle(s: Stimulus): Instruction[] {
    const out: Instruction[] = [];
    if (this.#closed) return out;
    const id = ++this.#stimulusId;
    const rec: StimulusRecord = { id, type: s.type };
    if (s.type !== 'start') rec.batch = s.batch;
    if (s.type === 'batch-finished') Object.assign(rec, { worker: s.worker, start: s.start, stop: s.stop, nbytes: s.nbytes });
    if (s.type === 'batch-erred' || s.type === 'worker-lost') rec.error = s.error;
    this.#graph.log.addStimulus(rec);
    switch (s.type) {
      case 'start':
        for (let b = 0; b < this.#graph.plan.count; b++) if (this.#graph.pending[b] === 0) this.#makeReady(b, id);
        break;
      case 'batch-finished':
        this.#finished(s.batch, s.nbytes, id, out);
        break;
      case 'batch-erred':
        this.#erred(s.batch, s.member, s.error, id, out);
        return out;
      case 'worker-lost':
        this.#lost(s.batch, s.error, id, out);
        if (this.#closed) return out;
        break;
      case 'spilled':
        if (this.#memory.spilled(s.batch, s.gen)) out.push({ type: 'drop', batch: s.batch });
        break;
      case 'spill-failed':
        this.#memory.spillFailed(s.batch, s.gen, s.stop);
        break;
    }
    if (this.#graph.remaining === 0) {
      this.#closed = true;
      const unspill = this.#memory.readBackOutputs();
      if (unspill !== undefined) out.push({ type: 'unspill', batches: unspill });
      out.push({ type: 'done' });
      return out;
    }
    // Dispatch first: the inputs it pins are then never chosen for spilling. Over the pause,
    // a batch starts only as a last resort, once spilling could not help (see #fill).
    this.#fill(id, out, false);
    for (let b = this.#memory.nextSpill(); b >= 0; b = this.#memory.nextSpill()) out.push({ type: 'spill', batch: b, gen: this.#memory.generation(b) });
    if (this.#dispatch.inFlight === 0 && !this.#memory.writing) this.#fill(id, out, true);
    return out;
  }

  #makeReady(b: number, stim: number): void {
    this.#graph.ready(b, stim);
    this.#dispatch.enqueue(b);
  }

  #fill(stim: number, out: Instruction[], lastResort: boolean): void {
    if (this.#dispatch.hasPicks) for (const b of this.#dispatch.takePicks()) this.#start(b, stim, out);
    // Over the pause, nothing new starts while a batch runs or a spill write is going (each
    // ends in a stimulus that comes back here, with less held): producers never outrun the
    // disk. When neither is left and spilling could not get under the pause (a result read
    // back for the next batch is itself above it, say), one batch runs at a time as a last
    // resort, so the compute still goes on.
    const paused = this.#memory.paused();
    if (paused && !lastResort) return;
    for (let b = this.#dispatch.next(paused); b >= 0; b = this.#dispatch.next(paused)) {
      if (!this.#memory.admits(b, this.#dispatch.inFlight > 0)) break;
      this.#dispatch.take(b);
      this.#start(b, stim, out);
    }
  }

  /** Marks batch b running, pins its inputs (reading back those on disk) and asks to dispatch it. */
  #start(b: number, stim: number, out: Instruction[]): void {
    this.#graph.running(b, stim);
    const unspill = this.#memory.pinInputs(b);
    if (unspill !== undefined) out.push({ type: 'unspill', batches: unspill });
    out.push({ type: 'dispatch', batch: b });
  }

  /** Ends a dispatched batch's claim on its slot and its inputs. */
  #leave(b: number): void {
    this.#dispatch.leave(b);
    this.#memory.unpinInputs(b);
  }

  #release(b: number, stim: number, out: Instruction[]): void {
    this.#graph.released(this.#graph.plan.root[b]!, stim);
    this.#memory.forget(b);
    out.push({ type: 'release', batch: b });
  }

  #finished(b: number, nbytes: number, stim: number, out: Instruction[]): void {
    const graph = this.#graph;
    const p = graph.plan;
    if (graph.batchState(b) !== RUNNING) return;
    if (p.pick[b]) this.#memory.takeFromContainer(b, nbytes);
    this.#leave(b);
    this.#memory.stored(b, nbytes);
    graph.finished(b, stim);
    if (this.#memory.releasable(b)) this.#release(b, stim, out);
    else this.#memory.offer(b);
    for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) {
      const ib = p.batchOf[p.inIdx[e]!]!;
      graph.dependentDone(ib);
      if (this.#memory.releasable(ib)) this.#release(ib, stim, out);
      else this.#memory.offerIfUnpinned(ib);
    }
    for (let e = p.outPtr[b]!; e < p.outPtr[b + 1]!; e++) {
      const d = p.outIdx[e]!;
      if (graph.inputArrived(d)) this.#makeReady(d, stim);
    }
  }

  #erred(b: number, member: number, error: Error, stim: number, out: Instruction[]): void {
    const graph = this.#graph;
    const p = graph.plan;
    if (graph.batchState(b) !== RUNNING) return;
    this.#leave(b);
    graph.erred(b, stim);
    this.#closed = true;
    const task = p.memIdx[p.memPtr[b]! + member]!;
    const err = error instanceof TaskError ? error : new TaskError(graph.g.keys[task] as Key, opOf(graph.g, task), error);
    out.push({ type: 'fail', error: err });
  }

  #lost(b: number, error: Error, stim: number, out: Instruction[]): void {
    const graph = this.#graph;
    if (graph.batchState(b) !== RUNNING) return;
    this.#leave(b);
    const attempts = graph.workerLost(b);
    if (attempts > this.#retries) {
      graph.erred(b, stim);
      this.#closed = true;
      out.push({ type: 'fail', error: new WorkerLostError(graph.g.keys[graph.plan.root[b]!] as Key, attempts, error) });
      return;
    }
    graph.requeued(b, stim);
    this.#makeReady(b, stim);
  }

  /** Checks the invariants that must hold between stimuli; returns the violations found. */
  validate(): string[] {
    const graph = this.#graph;
    const p = graph.plan;
    const keys = graph.g.keys;
    const bad = graph.validate();
    let running = 0;
    for (let b = 0; b < p.count; b++) {
      const root = p.root[b]!;
      const st = graph.state[root]!;
      if (st === RUNNING) running++;
      if (st === MEMORY && this.#memory.releasable(b)) bad.push(`${keys[root]} is held in memory with no dependents left`);
      // (After a failure, outputs stay where they are: nothing is answered.)
      if (graph.remaining === 0 && this.#memory.isOnDisk(b) && graph.isOutput[root]) bad.push(`output ${keys[root]} is on disk at the end`);
      if (this.#memory.isStored(b) && graph.batchState(b) === RELEASED) bad.push(`${keys[root]} is released but still stored`);
    }
    bad.push(...this.#memory.validate(), ...this.#dispatch.validate(running));
    return bad;
  }
}

function opOf(g: TaskGraph, task: number): string {
  const node = g.nodes[task] as { op?: unknown } | null;
  return node !== null && typeof node === 'object' && typeof node.op === 'string' ? node.op : 'literal';
}
