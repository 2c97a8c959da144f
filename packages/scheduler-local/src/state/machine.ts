/**
 * The local scheduler's state machine: pure bookkeeping, no threads, no timers, no I/O.
 * State changes happen only in `handle(stimulus)`, which returns instructions for the shell
 * to carry out (run a batch, drop a result, finish, fail), as distributed's
 * `handle_stimulus(events) -> instructions`.
 *
 * States of a task (see transition-log.ts):
 *   waiting  -> ready     a batch root whose inputs are all in memory
 *   ready    -> running   its batch was dispatched (internal members go waiting -> running)
 *   running  -> memory    a batch root whose batch finished; its result is held
 *   memory   -> released  an internal member, at once: its result was consumed inside the
 *                         batch (so every finished task passes through memory, once)
 *   memory   -> released  the last dependent batch finished (never for outputs)
 *   running  -> erred     its batch threw
 *   running  -> ready / waiting   its worker died and the batch will be retried
 *
 * Policy: ready batches are dispatched lowest `order` priority first, at most `slots` in
 * flight; a result is released as soon as its last dependent batch has finished (refcounts),
 * unless it is an output; a batch whose worker died is retried up to `retries` times. A pick
 * (one item of another result, see core-graph's `pickOf`) is dispatched as soon as it is ready
 * and takes no slot, since the shell takes it at once in its own thread; its bytes move from
 * its container to it (they are the same buffers), so a shuffle's split is never counted
 * beside its pieces.
 *
 * Memory (when `memoryLimit` is finite): the bytes of held results are counted. Above
 * SPILL_TARGET of the limit, results are spilled to disk, those needed least soon first
 * (outputs that nothing else reads before others, never inputs of running batches); a batch
 * whose inputs are on disk is dispatched with an `unspill` list for the shell to read back
 * first, and so is the end: `finished` lists the outputs to read back. Root batches (no inputs: readers,
 * creators) are queued apart and run at most `rootSlots` at a time, so reductions over loaded
 * data go first. Above PAUSE_FRACTION (as distributed's worker pause) no batch starts while
 * another runs or a spill write is going; when none is, one batch at a time. A write that
 * fails leaves its result in memory, never chosen again (as distributed's worker keeps data it
 * could not spill); when the folder itself fails, spilling stops for the compute.
 */
import { TaskError, WorkerLostError, type Key, type TaskGraph } from '@tsdask/core-graph';
import type { BatchPlan } from './batches.js';
import { MinHeap } from './min-heap.js';
import { PAUSE_FRACTION, SPILL_TARGET } from '../memory/limit.js';
import {
  ERRED,
  MEMORY,
  READY,
  RELEASED,
  RUNNING,
  STATES,
  TransitionLog,
  WAITING,
  type StimulusRecord,
} from './transition-log.js';

export type Stimulus =
  | { type: 'start' }
  | { type: 'spilled'; batch: number; bytes: number; gen: number }
  /** A spill write failed: the result stays in memory; `stop` ends spilling for the compute. */
  | { type: 'spill-failed'; batch: number; gen: number; stop: boolean }
  | { type: 'batch-finished'; batch: number; worker: number; start: number; stop: number; nbytes: number }
  | { type: 'batch-erred'; batch: number; member: number; error: Error; worker: number; start: number; stop: number }
  | { type: 'worker-lost'; batch: number; error: Error };

export type Instruction =
  | { type: 'execute'; batch: number; unspill?: number[] }
  | { type: 'release'; batch: number }
  | { type: 'spill'; batch: number; gen: number }
  | { type: 'drop'; batch: number }
  | { type: 'finished'; unspill?: number[] }
  | { type: 'failed'; error: Error };

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

/** Counters of the memory manager, for events and tests. */
export interface MemoryStats {
  limit: number;
  held: number;
  spilledBytes: number;
  spillCount: number;
  unspillCount: number;
  maxHeld: number;
  paused: boolean;
}

const NOWHERE = 0;
const IN_MEMORY = 1;
const SPILLING = 2;
const ON_DISK = 3;

/** One line of a task's story. */
export interface StoryEntry {
  key: Key;
  from: string;
  to: string;
  stimulus: StimulusRecord | undefined;
}

export class SchedulerState {
  readonly state: Uint8Array;
  readonly log: TransitionLog;
  readonly #g: TaskGraph;
  readonly #plan: BatchPlan;
  readonly #slots: number;
  readonly #retries: number;
  readonly #isOutput: Uint8Array;
  /** Per batch: inputs not yet in memory. */
  readonly #pending: Int32Array;
  /** Per batch: dependent batches not yet finished (the refcount of its root's result). */
  readonly #refs: Int32Array;
  readonly #attempts: Uint8Array;
  readonly #ready: MinHeap;
  readonly #readyRoots: MinHeap;
  /** Pick batches ready to be taken (no slot needed), and those taken but not yet reported. */
  readonly #readyPicks: number[] = [];
  #picksInFlight = 0;
  readonly #rootSlots: number;
  #rootsInFlight = 0;
  readonly #limit: number;
  readonly #nbytes: Float64Array;
  readonly #where: Uint8Array;
  readonly #pins: Int32Array;
  /** Generation of each result's latest spill (see the 'spill' instruction). */
  readonly #spillGen: Int32Array;
  readonly #spillable: MinHeap;
  /** Per batch: 1 when its result could not be written (it is never chosen again). */
  readonly #noSpill: Uint8Array;
  /** Spilling stopped for this compute (the spill folder could not be used). */
  #spillOff = false;
  #held = 0;
  #spilling = 0;
  #spilled = 0;
  #spillCount = 0;
  #unspillCount = 0;
  #maxHeld = 0;
  #inFlight = 0;
  #remaining: number;
  #stimulusId = 0;
  #closed = false;

  constructor(g: TaskGraph, plan: BatchPlan, opts: MachineOptions) {
    this.#g = g;
    this.#plan = plan;
    this.#slots = Math.max(1, opts.slots);
    this.#retries = opts.retries;
    this.state = new Uint8Array(g.size);
    this.log = new TransitionLog(opts.logCapacity);
    this.#isOutput = new Uint8Array(g.size);
    for (const o of opts.outputs) this.#isOutput[o] = 1;
    const count = plan.count;
    this.#pending = new Int32Array(count);
    this.#refs = new Int32Array(count);
    for (let b = 0; b < count; b++) {
      this.#pending[b] = plan.inPtr[b + 1]! - plan.inPtr[b]!;
      this.#refs[b] = plan.outPtr[b + 1]! - plan.outPtr[b]!;
    }
    this.#attempts = new Uint8Array(count);
    this.#ready = new MinHeap(count);
    this.#readyRoots = new MinHeap(count);
    this.#rootSlots = Math.max(1, opts.rootSlots ?? this.#slots);
    this.#limit = opts.memoryLimit ?? Infinity;
    this.#nbytes = new Float64Array(count);
    this.#where = new Uint8Array(count);
    this.#pins = new Int32Array(count);
    this.#spillGen = new Int32Array(count);
    this.#noSpill = new Uint8Array(count);
    this.#spillable = new MinHeap(Number.isFinite(this.#limit) ? count * 2 : 1);
    this.#remaining = count;
  }

  /** Memory counters. */
  get memory(): MemoryStats {
    return {
      limit: this.#limit,
      held: this.#held,
      spilledBytes: this.#spilled,
      spillCount: this.#spillCount,
      unspillCount: this.#unspillCount,
      maxHeld: this.#maxHeld,
      paused: this.#paused(),
    };
  }

  #paused(): boolean {
    return this.#held > PAUSE_FRACTION * this.#limit;
  }

  /** Number of batches in flight (picks included). */
  get inFlight(): number {
    return this.#inFlight + this.#picksInFlight;
  }

  /** True once the compute finished or failed: later stimuli are ignored. */
  get closed(): boolean {
    return this.#closed;
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
    this.log.addStimulus(rec);
    switch (s.type) {
      case 'start':
        this.#start(id, out);
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
        this.#onSpilled(s.batch, s.gen, out);
        break;
      case 'spill-failed':
        this.#onSpillFailed(s.batch, s.gen, s.stop);
        break;
    }
    if (this.#remaining === 0) {
      this.#closed = true;
      out.push(this.#finish());
      return out;
    }
    // Dispatch first: the inputs it pins are then never chosen for spilling. Over the pause,
    // a batch starts only as a last resort, once spilling could not help (see #fill).
    this.#fill(id, out, false);
    this.#spillIfNeeded(out);
    if (this.#inFlight === 0 && this.#spilling === 0) this.#fill(id, out, true);
    return out;
  }

  /** The end: outputs on disk are read back (a write still going is called off: held still). */
  #finish(): Instruction {
    const p = this.#plan;
    let unspill: number[] | undefined;
    for (let b = 0; b < p.count; b++) {
      if (!this.#isOutput[p.root[b]!]) continue;
      if (this.#where[b] === SPILLING) {
        this.#where[b] = IN_MEMORY;
        this.#spilling -= this.#nbytes[b]!;
      } else if (this.#where[b] === ON_DISK) {
        (unspill ??= []).push(b);
        this.#where[b] = IN_MEMORY;
        this.#spilled -= this.#nbytes[b]!;
        this.#addHeld(this.#nbytes[b]!);
        this.#unspillCount++;
      }
    }
    return unspill === undefined ? { type: 'finished' } : { type: 'finished', unspill };
  }

  /** A task's history, from the transitions still in the log. */
  story(key: Key): StoryEntry[] {
    const id = this.#g.index.get(key);
    if (id === undefined) return [];
    const out: StoryEntry[] = [];
    this.log.forEachSince(0, (task, from, to, stim) => {
      if (task === id) out.push({ key, from: STATES[from] as string, to: STATES[to] as string, stimulus: this.log.stimuli.get(stim) });
    });
    return out;
  }

  #to(task: number, to: number, stim: number): void {
    this.log.record(task, this.state[task]!, to, stim);
    this.state[task] = to;
  }

  #start(stim: number, _out: Instruction[]): void {
    for (let b = 0; b < this.#plan.count; b++) if (this.#pending[b] === 0) this.#makeReady(b, stim);
  }

  #isRoot(b: number): boolean {
    return this.#plan.inPtr[b + 1] === this.#plan.inPtr[b];
  }

  #makeReady(b: number, stim: number): void {
    this.#to(this.#plan.root[b]!, READY, stim);
    if (this.#plan.pick[b]) this.#readyPicks.push(b);
    else if (this.#isRoot(b)) this.#readyRoots.push(b, b);
    else this.#ready.push(b, b);
  }

  #fill(stim: number, out: Instruction[], lastResort: boolean): void {
    for (const b of this.#readyPicks) {
      this.#picksInFlight++;
      this.#dispatch(b, stim, out);
    }
    this.#readyPicks.length = 0;
    // Over the pause, nothing new starts while a batch runs or a spill write is going (each
    // ends in a stimulus that comes back here, with less held): producers never outrun the
    // disk. When neither is left and spilling could not get under the pause (a result read
    // back for the next batch is itself above it, say), one batch runs at a time as a last
    // resort, so the compute still goes on.
    const paused = this.#paused();
    if (paused && !lastResort) return;
    const slots = paused ? 1 : this.#slots;
    while (this.#inFlight < slots) {
      const other = this.#ready.peekKey();
      // A root batch (a reader, a creator) waits for a root slot, and when paused, for nothing
      // else to be ready: reductions of loaded data go first.
      const rootOk = this.#readyRoots.size > 0 && this.#rootsInFlight < this.#rootSlots && (!paused || other === undefined);
      const root = rootOk ? this.#readyRoots.peekKey() : undefined;
      if (other === undefined && root === undefined) break;
      const fromRoots = root !== undefined && (other === undefined || root < other);
      // Nor does a batch whose inputs read back from disk would take memory over the pause,
      // unless it would run alone.
      if (this.#inFlight > 0 && this.#held + this.#onDiskInputs(fromRoots ? (root as number) : (other as number)) > PAUSE_FRACTION * this.#limit) break;
      const b = fromRoots ? this.#readyRoots.pop() : this.#ready.pop();
      if (this.#isRoot(b)) this.#rootsInFlight++;
      this.#inFlight++;
      this.#dispatch(b, stim, out);
    }
  }

  /** Bytes of batch b's inputs that are on disk. */
  #onDiskInputs(b: number): number {
    const p = this.#plan;
    let bytes = 0;
    for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) {
      const ib = p.batchOf[p.inIdx[e]!]!;
      if (this.#where[ib] === ON_DISK) bytes += this.#nbytes[ib]!;
    }
    return bytes;
  }

  /** Marks batch b running, pins its inputs (reading back those on disk) and asks to execute it. */
  #dispatch(b: number, stim: number, out: Instruction[]): void {
    const p = this.#plan;
    for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]!; m++) this.#to(p.memIdx[m]!, RUNNING, stim);
    let unspill: number[] | undefined;
    for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) {
      const ib = p.batchOf[p.inIdx[e]!]!;
      this.#pins[ib]!++;
      if (this.#where[ib] === ON_DISK) {
        (unspill ??= []).push(ib);
        this.#where[ib] = IN_MEMORY;
        this.#spilled -= this.#nbytes[ib]!;
        this.#addHeld(this.#nbytes[ib]!);
        this.#unspillCount++;
      } else if (this.#where[ib] === SPILLING) {
        this.#where[ib] = IN_MEMORY;
        this.#spilling -= this.#nbytes[ib]!;
      }
    }
    out.push(unspill === undefined ? { type: 'execute', batch: b } : { type: 'execute', batch: b, unspill });
  }

  #addHeld(bytes: number): void {
    this.#held += bytes;
    if (this.#held > this.#maxHeld) this.#maxHeld = this.#held;
  }

  /** Ends a dispatched batch's claim on its slot and its inputs. */
  #leave(b: number): void {
    const p = this.#plan;
    if (p.pick[b]) this.#picksInFlight--;
    else this.#inFlight--;
    if (this.#isRoot(b)) this.#rootsInFlight--;
    for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) this.#pins[p.batchOf[p.inIdx[e]!]!]!--;
  }

  /** The batch result leaves memory (released or on disk). */
  #forget(b: number): void {
    if (this.#where[b] === IN_MEMORY || this.#where[b] === SPILLING) this.#held -= this.#nbytes[b]!;
    if (this.#where[b] === SPILLING) this.#spilling -= this.#nbytes[b]!;
    if (this.#where[b] === ON_DISK) this.#spilled -= this.#nbytes[b]!;
    this.#where[b] = NOWHERE;
  }

  #spillIfNeeded(out: Instruction[]): void {
    if (this.#spillOff) return;
    const target = SPILL_TARGET * this.#limit;
    const p = this.#plan;
    while (this.#held - this.#spilling > target && this.#spillable.size > 0) {
      const b = this.#spillable.pop();
      const root = p.root[b]!;
      if (this.#where[b] !== IN_MEMORY || this.#pins[b]! > 0 || this.#noSpill[b] === 1 || (this.#refs[b] === 0 && !this.#isOutput[root])) continue;
      this.#where[b] = SPILLING;
      // Each spill of a result has its own generation: a write that finishes after the result
      // was read back and chosen again must not count as the newer write being done.
      this.#spillGen[b]!++;
      this.#spilling += this.#nbytes[b]!;
      out.push({ type: 'spill', batch: b, gen: this.#spillGen[b]! });
    }
  }

  #onSpilled(b: number, gen: number, out: Instruction[]): void {
    if (this.#where[b] !== SPILLING || gen !== this.#spillGen[b]) return;
    this.#where[b] = ON_DISK;
    this.#spilling -= this.#nbytes[b]!;
    this.#held -= this.#nbytes[b]!;
    this.#spilled += this.#nbytes[b]!;
    this.#spillCount++;
    out.push({ type: 'drop', batch: b });
  }

  /** A write failed: the result is held as before and never chosen again (nor any, if `stop`). */
  #onSpillFailed(b: number, gen: number, stop: boolean): void {
    if (stop) this.#spillOff = true;
    if (this.#where[b] !== SPILLING || gen !== this.#spillGen[b]) return;
    this.#where[b] = IN_MEMORY;
    this.#spilling -= this.#nbytes[b]!;
    this.#noSpill[b] = 1;
  }

  /** Offers a held result for spilling, keyed so that the one needed latest comes first. */
  #offerSpill(b: number): void {
    if (!Number.isFinite(this.#limit)) return;
    const p = this.#plan;
    let next = p.count;
    for (let e = p.outPtr[b]!; e < p.outPtr[b + 1]!; e++) if (p.outIdx[e]! < next) next = p.outIdx[e]!;
    this.#spillable.push(b, -next);
  }

  #finished(b: number, nbytes: number, stim: number, out: Instruction[]): void {
    const p = this.#plan;
    if (this.state[p.root[b]!] !== RUNNING) return;
    if (p.pick[b]) this.#takeFromContainer(b, nbytes);
    this.#leave(b);
    this.#remaining--;
    const root = p.root[b]!;
    this.#nbytes[b] = nbytes;
    this.#where[b] = IN_MEMORY;
    this.#addHeld(nbytes);
    for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]! - 1; m++) {
      this.#to(p.memIdx[m]!, MEMORY, stim);
      this.#to(p.memIdx[m]!, RELEASED, stim);
    }
    this.#to(root, MEMORY, stim);
    if (this.#refs[b] === 0 && !this.#isOutput[root]) {
      this.#to(root, RELEASED, stim);
      this.#forget(b);
      out.push({ type: 'release', batch: b });
    } else {
      this.#offerSpill(b);
    }
    for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) {
      const input = p.inIdx[e]!;
      const ib = p.batchOf[input]!;
      if (--this.#refs[ib]! === 0 && !this.#isOutput[input]) {
        this.#to(input, RELEASED, stim);
        this.#forget(ib);
        out.push({ type: 'release', batch: ib });
      } else if (this.#where[ib] === IN_MEMORY && this.#pins[ib] === 0) {
        this.#offerSpill(ib);
      }
    }
    for (let e = p.outPtr[b]!; e < p.outPtr[b + 1]!; e++) {
      const d = p.outIdx[e]!;
      if (--this.#pending[d]! === 0) this.#makeReady(d, stim);
    }
  }

  /**
   * A pick's bytes are its container's (the same buffers): they move from the container's
   * count to the pick's, so they are never counted twice, and the container holds only what
   * no pick has taken.
   */
  #takeFromContainer(b: number, nbytes: number): void {
    const p = this.#plan;
    const ib = p.batchOf[p.inIdx[p.inPtr[b]!]!]!;
    if (this.#where[ib] !== IN_MEMORY) return;
    const moved = Math.min(nbytes, this.#nbytes[ib]!);
    this.#nbytes[ib]! -= moved;
    this.#held -= moved;
  }

  #erred(b: number, member: number, error: Error, stim: number, out: Instruction[]): void {
    const p = this.#plan;
    if (this.state[p.root[b]!] !== RUNNING) return;
    this.#leave(b);
    for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]!; m++) this.#to(p.memIdx[m]!, ERRED, stim);
    this.#closed = true;
    const task = p.memIdx[p.memPtr[b]! + member]!;
    const err = error instanceof TaskError ? error : new TaskError(this.#g.keys[task] as Key, opOf(this.#g, task), error);
    out.push({ type: 'failed', error: err });
  }

  #lost(b: number, error: Error, stim: number, out: Instruction[]): void {
    const p = this.#plan;
    const root = p.root[b]!;
    if (this.state[root] !== RUNNING) return;
    this.#leave(b);
    this.#attempts[b]!++;
    if (this.#attempts[b]! > this.#retries) {
      for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]!; m++) this.#to(p.memIdx[m]!, ERRED, stim);
      this.#closed = true;
      out.push({ type: 'failed', error: new WorkerLostError(this.#g.keys[root] as Key, this.#attempts[b]!, error) });
      return;
    }
    for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]! - 1; m++) this.#to(p.memIdx[m]!, WAITING, stim);
    this.#makeReady(b, stim);
  }

  /** Checks the invariants that must hold between stimuli; returns the violations found. */
  validate(): string[] {
    const bad: string[] = [];
    const p = this.#plan;
    let running = 0;
    for (let b = 0; b < p.count; b++) {
      const root = p.root[b]!;
      const st = this.state[root]!;
      if (st === RUNNING) running++;
      if (st === MEMORY && this.#refs[b]! === 0 && !this.#isOutput[root]) {
        bad.push(`${this.#g.keys[root]} is held in memory with no dependents left`);
      }
      if (st === READY && this.#pending[b] !== 0) bad.push(`${this.#g.keys[root]} is ready with inputs missing`);
      if (st === RELEASED && this.#isOutput[root]) bad.push(`output ${this.#g.keys[root]} was released`);
      if (st === RUNNING || st === READY) {
        for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) {
          const s = this.state[p.inIdx[e]!];
          if (s !== MEMORY) bad.push(`${this.#g.keys[root]} is ${STATES[st]} but input ${this.#g.keys[p.inIdx[e]!]} is ${STATES[s!]}`);
        }
      }
    }
    let held = 0;
    for (let b = 0; b < p.count; b++) if (this.#where[b] === IN_MEMORY || this.#where[b] === SPILLING) held += this.#nbytes[b]!;
    if (Math.abs(held - this.#held) > 1e-6) bad.push(`held bytes ${this.#held} but results in memory hold ${held}`);
    for (let b = 0; b < p.count; b++) {
      if (this.#closed && this.#where[b] === ON_DISK && this.#isOutput[p.root[b]!]) bad.push(`output ${this.#g.keys[p.root[b]!]} is on disk at the end`);
      if (this.#where[b] !== NOWHERE && this.state[p.root[b]!] === RELEASED) bad.push(`${this.#g.keys[p.root[b]!]} is released but still stored`);
    }
    if (this.#rootsInFlight > this.#rootSlots) bad.push(`${this.#rootsInFlight} root batches in flight with ${this.#rootSlots} root slots`);
    if (running !== this.#inFlight + this.#picksInFlight) bad.push(`${running} batches running but ${this.#inFlight + this.#picksInFlight} counted in flight`);
    if (this.#inFlight > this.#slots) bad.push(`${this.#inFlight} batches in flight with ${this.#slots} slots`);
    return bad;
  }
}

function opOf(g: TaskGraph, task: number): string {
  const node = g.nodes[task] as { op?: unknown } | null;
  return node !== null && typeof node === 'object' && typeof node.op === 'string' ? node.op : 'literal';
}
