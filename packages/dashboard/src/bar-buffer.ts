/**
 * Task bars of one batch, flat (BAR_FIELDS numbers each), coalesced: tasks of one group that
 * ran together on one worker (same start and stop: one scheduler batch) share a bar with a
 * count. At most `max` bars are kept; later ones are only counted as dropped. O(1) per task,
 * with small arrays (no hashing) to find a worker's open bar of a group.
 */
import { BAR_FIELDS } from './messages.js';

export class BarBuffer {
  bars: number[] = [];
  dropped = 0;
  /** Per worker: group -> position (in `bars`) of its last bar, or -1. */
  #open: Int32Array[] = [];

  constructor(readonly max: number) {}

  /** Adds one task's bar (or counts it into a bar it shares). */
  add(worker: number, group: number, start: number, stop: number, failed: number): void {
    const b = this.bars;
    const last = b.length - BAR_FIELDS;
    if (last >= 0 && b[last] === worker && b[last + 1] === group && b[last + 2] === start && b[last + 3] === stop && b[last + 5] === failed) {
      b[last + 4]!++;
      return;
    }
    let open = this.#open[worker];
    if (open === undefined || group >= open.length) open = this.#grow(worker, group);
    const at = open[group] as number;
    if (at >= 0 && b[at + 2] === start && b[at + 3] === stop && b[at + 5] === failed) {
      b[at + 4]!++;
      return;
    }
    if (b.length >= this.max * BAR_FIELDS) {
      this.dropped++;
      return;
    }
    open[group] = b.length;
    b.push(worker, group, start, stop, 1, failed);
  }

  #grow(worker: number, group: number): Int32Array {
    while (this.#open.length <= worker) this.#open.push(new Int32Array(0));
    const old = this.#open[worker] as Int32Array;
    const grown = new Int32Array(Math.max(16, group + 1, old.length * 2)).fill(-1);
    grown.set(old);
    this.#open[worker] = grown;
    return grown;
  }

  /** Empties the buffer for the next batch. */
  reset(): void {
    this.bars = [];
    this.dropped = 0;
    for (const open of this.#open) open.fill(-1);
  }
}
