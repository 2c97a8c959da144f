/**
 * Memory policy: where each batch result is (nowhere, in memory, being written, on disk), how
 * many bytes are held, and what to do about it. Pure: it decides, the shell writes and reads.
 * It reads the graph's counts (dependents left, outputs) but changes no task state.
 *
 * Policy:
 * - Release: a result goes as soon as no dependent batch is left to read it, unless it is an
 *   output (`releasable`).
 * - Spill (only when `limit` is finite): above SPILL_TARGET of the limit, held results are
 *   written to disk, those needed least soon first (the one whose first dependent batch comes
 *   latest; outputs that nothing reads before others), never an input of a running batch
 *   (pinned), never one whose write failed before; when the folder itself failed, spilling
 *   stops for the compute (as distributed's worker keeps data it could not spill). Each write
 *   has a generation: only the end of a result's latest write drops it from memory.
 * - Read back: a batch whose inputs are on disk has them read back when it is dispatched (a
 *   write still going is called off instead), and the outputs on disk are read back at the end.
 * - Pause: above PAUSE_FRACTION of the limit (as distributed's worker pause) the machine starts
 *   no batch while another runs or a write is going; a batch whose inputs read back would take
 *   memory over the pause starts only alone (`admits`).
 * - A pick's bytes are its container's (the same buffers): they move from the container's
 *   count to the pick's, so a shuffle's split is never counted beside its pieces.
 */
import type { BatchPlan } from './batches.js';
import { MinHeap } from './min-heap.js';

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

/** What the memory policy reads of the graph state. */
export interface HeldResults {
  /** Per batch: dependent batches not yet finished. */
  readonly refs: Int32Array;
  /** Per task: 1 for outputs. */
  readonly isOutput: Uint8Array;
}

/** Spill results to disk until held bytes fall below this fraction of the limit. */
export const SPILL_TARGET = 0.6;
/** Stop starting batches above this fraction of the limit (one at a time, as a last resort). */
export const PAUSE_FRACTION = 0.8;

const NOWHERE = 0;
const IN_MEMORY = 1;
const SPILLING = 2;
const ON_DISK = 3;

export class MemoryPolicy {
  readonly #plan: BatchPlan;
  readonly #graph: HeldResults;
  readonly #limit: number;
  readonly #nbytes: Float64Array;
  readonly #where: Uint8Array;
  /** Per batch: running batches that read its result (a pinned result is never spilled). */
  readonly #pins: Int32Array;
  /** Generation of each result's latest spill. */
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

  constructor(plan: BatchPlan, graph: HeldResults, limit = Infinity) {
    const count = plan.count;
    this.#plan = plan;
    this.#graph = graph;
    this.#limit = limit;
    this.#nbytes = new Float64Array(count);
    this.#where = new Uint8Array(count);
    this.#pins = new Int32Array(count);
    this.#spillGen = new Int32Array(count);
    this.#noSpill = new Uint8Array(count);
    this.#spillable = new MinHeap(Number.isFinite(limit) ? count * 2 : 1);
  }

  /** Memory counters. */
  get stats(): MemoryStats {
    return {
      limit: this.#limit,
      held: this.#held,
      spilledBytes: this.#spilled,
      spillCount: this.#spillCount,
      unspillCount: this.#unspillCount,
      maxHeld: this.#maxHeld,
      paused: this.paused(),
    };
  }

  /** Held bytes are over the pause: new batches wait. */
  paused(): boolean {
    return this.#held > PAUSE_FRACTION * this.#limit;
  }

  /** Whether a spill write is going. */
  get writing(): boolean {
    return this.#spilling !== 0;
  }

  /** Whether batch b may start now: its inputs read back must not take memory over the pause, unless nothing else runs (`busy` false). */
  admits(b: number, busy: boolean): boolean {
    if (!busy || this.#limit === Infinity) return true;
    return this.#held + this.#onDiskInputs(b) <= PAUSE_FRACTION * this.#limit;
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

  /** Batch b starts: its inputs are pinned; returns those to read back from disk (a write going is called off). */
  pinInputs(b: number): number[] | undefined {
    const p = this.#plan;
    let unspill: number[] | undefined;
    for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) {
      const ib = p.batchOf[p.inIdx[e]!]!;
      this.#pins[ib]!++;
      if (this.#where[ib] === ON_DISK) {
        (unspill ??= []).push(ib);
        this.#readBack(ib);
      } else if (this.#where[ib] === SPILLING) {
        this.#where[ib] = IN_MEMORY;
        this.#spilling -= this.#nbytes[ib]!;
      }
    }
    return unspill;
  }

  /** Batch b's run ended: its inputs are no longer pinned. */
  unpinInputs(b: number): void {
    const p = this.#plan;
    for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) this.#pins[p.batchOf[p.inIdx[e]!]!]!--;
  }

  #readBack(b: number): void {
    this.#where[b] = IN_MEMORY;
    this.#spilled -= this.#nbytes[b]!;
    this.#addHeld(this.#nbytes[b]!);
    this.#unspillCount++;
  }

  #addHeld(bytes: number): void {
    this.#held += bytes;
    if (this.#held > this.#maxHeld) this.#maxHeld = this.#held;
  }

  /** Batch b's result, of `nbytes`, is now held. */
  stored(b: number, nbytes: number): void {
    this.#nbytes[b] = nbytes;
    this.#where[b] = IN_MEMORY;
    this.#addHeld(nbytes);
  }

  /** Pick batch b took `nbytes` of its container's result: they move from the container to it. */
  takeFromContainer(b: number, nbytes: number): void {
    const p = this.#plan;
    const ib = p.batchOf[p.inIdx[p.inPtr[b]!]!]!;
    if (this.#where[ib] !== IN_MEMORY) return;
    const moved = Math.min(nbytes, this.#nbytes[ib]!);
    this.#nbytes[ib]! -= moved;
    this.#held -= moved;
  }

  /** Whether batch b's result may go: no dependent batch is left and it is no output. */
  releasable(b: number): boolean {
    return this.#graph.refs[b] === 0 && this.#graph.isOutput[this.#plan.root[b]!] !== 1;
  }

  /** Batch b's result leaves (released): it is no longer held, written or on disk. */
  forget(b: number): void {
    if (this.#where[b] === IN_MEMORY || this.#where[b] === SPILLING) this.#held -= this.#nbytes[b]!;
    if (this.#where[b] === SPILLING) this.#spilling -= this.#nbytes[b]!;
    if (this.#where[b] === ON_DISK) this.#spilled -= this.#nbytes[b]!;
    this.#where[b] = NOWHERE;
  }

  /** Offers held result b for spilling (when there is a limit), keyed so that the one needed latest comes first. */
  offer(b: number): void {
    if (!Number.isFinite(this.#limit)) return;
    const p = this.#plan;
    let next = p.count;
    for (let e = p.outPtr[b]!; e < p.outPtr[b + 1]!; e++) if (p.outIdx[e]! < next) next = p.outIdx[e]!;
    this.#spillable.push(b, -next);
  }

  /** Offers input result b again once no running batch reads it. */
  offerIfUnpinned(b: number): void {
    if (this.#where[b] === IN_MEMORY && this.#pins[b] === 0) this.offer(b);
  }

  /** The next result to write to disk, or -1 when held bytes are under the target (or nothing may go); its write has generation `generation(b)`. */
  nextSpill(): number {
    if (this.#spillOff) return -1;
    const target = SPILL_TARGET * this.#limit;
    while (this.#held - this.#spilling > target && this.#spillable.size > 0) {
      const b = this.#spillable.pop();
      if (this.#where[b] !== IN_MEMORY || this.#pins[b]! > 0 || this.#noSpill[b] === 1 || this.releasable(b)) continue;
      this.#where[b] = SPILLING;
      this.#spillGen[b]!++;
      this.#spilling += this.#nbytes[b]!;
      return b;
    }
    return -1;
  }

  /** Generation of result b's latest write. */
  generation(b: number): number {
    return this.#spillGen[b]!;
  }

  /** Write `gen` of result b ended; returns whether the copy in memory may now be dropped (it was the latest write, not called off). */
  spilled(b: number, gen: number): boolean {
    if (this.#where[b] !== SPILLING || gen !== this.#spillGen[b]) return false;
    this.#where[b] = ON_DISK;
    this.#spilling -= this.#nbytes[b]!;
    this.#held -= this.#nbytes[b]!;
    this.#spilled += this.#nbytes[b]!;
    this.#spillCount++;
    return true;
  }

  /** Write `gen` of result b failed: the result is held as before and never chosen again (nor any, if `stop`). */
  spillFailed(b: number, gen: number, stop: boolean): void {
    if (stop) this.#spillOff = true;
    if (this.#where[b] !== SPILLING || gen !== this.#spillGen[b]) return;
    this.#where[b] = IN_MEMORY;
    this.#spilling -= this.#nbytes[b]!;
    this.#noSpill[b] = 1;
  }

  /** The end: outputs on disk are read back (returned), writes of outputs still going are called off. */
  readBackOutputs(): number[] | undefined {
    const p = this.#plan;
    let unspill: number[] | undefined;
    for (let b = 0; b < p.count; b++) {
      if (!this.#graph.isOutput[p.root[b]!]) continue;
      if (this.#where[b] === SPILLING) {
        this.#where[b] = IN_MEMORY;
        this.#spilling -= this.#nbytes[b]!;
      } else if (this.#where[b] === ON_DISK) {
        (unspill ??= []).push(b);
        this.#readBack(b);
      }
    }
    return unspill;
  }

  /** Whether batch b's result is stored anywhere (memory, being written, disk). */
  isStored(b: number): boolean {
    return this.#where[b] !== NOWHERE;
  }

  /** Whether batch b's result is on disk. */
  isOnDisk(b: number): boolean {
    return this.#where[b] === ON_DISK;
  }

  /** Held bytes match the results in memory; returns the violations found. */
  validate(): string[] {
    let held = 0;
    for (let b = 0; b < this.#plan.count; b++) if (this.#where[b] === IN_MEMORY || this.#where[b] === SPILLING) held += this.#nbytes[b]!;
    return Math.abs(held - this.#held) > 1e-6 ? [`held bytes ${this.#held} but results in memory hold ${held}`] : [];
  }
}
