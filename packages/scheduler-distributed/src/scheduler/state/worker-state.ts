/**
 * What the scheduler knows of one worker: its slots (nthreads), the tasks processing on it,
 * the keys it holds with their sizes, and its occupancy (tasks processing per slot; with no
 * duration estimates yet, each task counts one unit). Plain data; the machine mutates it.
 */
import type { Key } from '@tsdask/core-graph';

export class WorkerState {
  readonly name: string;
  readonly nthreads: number;
  /** Keys processing on this worker. */
  readonly processing = new Set<Key>();
  /** Keys held here, with their size in bytes. */
  readonly has = new Map<Key, number>();
  /** Sum of `has`'s bytes. */
  nbytes = 0;
  /** Tasks asked of other workers for this one (steal-requests not answered yet). */
  incomingSteals = 0;
  /** Tasks its executor holds at once, as the worker reports it (threads times a queue depth that grows for tiny tasks); 0 until reported. */
  slots = 0;

  constructor(name: string, nthreads: number) {
    this.name = name;
    this.nthreads = nthreads;
  }

  /** Processing tasks per slot. */
  get occupancy(): number {
    return this.processing.size / this.nthreads;
  }

  /** The most tasks processing here before root tasks wait in the queue: ceil(saturation * nthreads), at least 1. */
  limit(saturation: number): number {
    return Math.max(1, Math.ceil(saturation * this.nthreads));
  }

  /**
   * The most tasks processing here before more root tasks wait in the queue: the saturation
   * limit plus `slack`, or plus twice the executor's slots where that is more (for tiny tasks,
   * enough to keep its threads fed across a round trip to the scheduler).
   */
  rootLimit(saturation: number, slack: number): number {
    return this.limit(saturation) + Math.max(slack, 2 * this.slots);
  }

  /** Records that this worker holds `key` (`nbytes` bytes). */
  hold(key: Key, nbytes: number): void {
    this.nbytes += nbytes - (this.has.get(key) ?? 0);
    this.has.set(key, nbytes);
  }

  /** Records that this worker dropped `key`. */
  drop(key: Key): void {
    this.nbytes -= this.has.get(key) ?? 0;
    this.has.delete(key);
  }
}
