/**
 * Dispatch policy: which ready batch goes out next, and how many run at once. Pure: it knows
 * batch ids and the plan's shape, not task states or bytes (the machine asks the memory policy
 * whether a batch fits before taking it).
 *
 * Policy:
 * - A batch is queued when its inputs are all in memory. Batch ids are in order of their
 *   root's `order` priority, so the lowest id goes first (depth-first, frees memory early).
 * - At most `slots` batches run at once (1 while memory is paused).
 * - Root batches (no inputs: readers, creators) wait in a queue of their own and run at most
 *   `rootSlots` at a time, so reductions of loaded data go first; while paused, a root batch
 *   starts only when no other batch is ready.
 * - A pick (one item of another result, see core-graph's `pickOf`) goes out as soon as it is
 *   ready and takes no slot: the shell takes it at once in its own thread.
 */
import type { BatchPlan } from './batches.js';
import { MinHeap } from './min-heap.js';

export class DispatchPolicy {
  readonly #plan: BatchPlan;
  readonly #slots: number;
  readonly #rootSlots: number;
  readonly #ready: MinHeap;
  readonly #readyRoots: MinHeap;
  /** Pick batches ready to be taken (no slot needed). */
  readonly #readyPicks: number[] = [];
  #inFlight = 0;
  #rootsInFlight = 0;
  #picksInFlight = 0;

  constructor(plan: BatchPlan, slots: number, rootSlots?: number) {
    this.#plan = plan;
    this.#slots = Math.max(1, slots);
    this.#rootSlots = Math.max(1, rootSlots ?? this.#slots);
    this.#ready = new MinHeap(plan.count);
    this.#readyRoots = new MinHeap(plan.count);
  }

  /** Batches in flight that hold a slot (picks excluded). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Picks taken but not yet reported. */
  get picksInFlight(): number {
    return this.#picksInFlight;
  }

  #isRoot(b: number): boolean {
    return this.#plan.inPtr[b + 1] === this.#plan.inPtr[b];
  }

  /** Queues batch b, whose inputs are all in memory. */
  enqueue(b: number): void {
    if (this.#plan.pick[b]) this.#readyPicks.push(b);
    else if (this.#isRoot(b)) this.#readyRoots.push(b, b);
    else this.#ready.push(b, b);
  }

  /** Takes every ready pick (they need no slot), in the order they became ready. */
  takePicks(): number[] {
    const picks = this.#readyPicks.slice();
    this.#picksInFlight += picks.length;
    this.#readyPicks.length = 0;
    return picks;
  }

  /** Whether any pick is ready. */
  get hasPicks(): boolean {
    return this.#readyPicks.length > 0;
  }

  /**
   * The batch to start next, or -1 when none may start now: no slot free (one slot in all when
   * `paused`) or nothing ready. Call `take(b)` to start it.
   */
  next(paused: boolean): number {
    if (this.#inFlight >= (paused ? 1 : this.#slots)) return -1;
    const other = this.#ready.peekKey();
    const rootOk = this.#readyRoots.size > 0 && this.#rootsInFlight < this.#rootSlots && (!paused || other === undefined);
    const root = rootOk ? this.#readyRoots.peekKey() : undefined;
    if (root !== undefined && (other === undefined || root < other)) return root;
    return other ?? -1;
  }

  /** Starts batch b, the one `next` gave. */
  take(b: number): void {
    if (this.#isRoot(b)) {
      this.#readyRoots.pop();
      this.#rootsInFlight++;
    } else {
      this.#ready.pop();
    }
    this.#inFlight++;
  }

  /** Batch b's run ended (finished, failed or lost): it gives back its slot. */
  leave(b: number): void {
    if (this.#plan.pick[b]) this.#picksInFlight--;
    else this.#inFlight--;
    if (this.#isRoot(b)) this.#rootsInFlight--;
  }

  /** The policy's invariants, given how many batches the graph has running; returns the violations found. */
  validate(running: number): string[] {
    const bad: string[] = [];
    if (this.#rootsInFlight > this.#rootSlots) bad.push(`${this.#rootsInFlight} root batches in flight with ${this.#rootSlots} root slots`);
    if (running !== this.#inFlight + this.#picksInFlight) bad.push(`${running} batches running but ${this.#inFlight + this.#picksInFlight} counted in flight`);
    if (this.#inFlight > this.#slots) bad.push(`${this.#inFlight} batches in flight with ${this.#slots} slots`);
    return bad;
  }
}
