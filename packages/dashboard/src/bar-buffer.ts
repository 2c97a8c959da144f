/**
 * Task bars of one batch, flat (BAR_FIELDS numbers each), coalesced: tasks of one group that
 * ran together on one worker (same start and stop: one scheduler batch) share a bar with a
 * count. At most `max` bars are kept; later ones are only counted as dropped. O(1) per task.
 */
import { BAR_FIELDS } from './messages.js';

export class BarBuffer {
  bars: number[] = [];
  dropped = 0;
  /** Per worker: group -> position (in `bars`) of its last bar. */
  #open = new Map<number, Map<number, number>>();

  constructor(readonly max: number) {}

  /** Adds one task's bar (or counts it into a bar it shares). */
  add(worker: number, group: number, start: number, stop: number, failed: number): void {
    const b = this.bars;
    const last = b.length - BAR_FIELDS;
    if (last >= 0 && b[last] === worker && b[last + 1] === group && b[last + 2] === start && b[last + 3] === stop && b[last + 5] === failed) {
      b[last + 4]!++;
      return;
    }
    let open = this.#open.get(worker);
    if (open === undefined) this.#open.set(worker, (open = new Map()));
    const at = open.get(group);
    if (at !== undefined && b[at + 2] === start && b[at + 3] === stop && b[at + 5] === failed) {
      b[at + 4]!++;
      return;
    }
    if (b.length >= this.max * BAR_FIELDS) {
      this.dropped++;
      return;
    }
    open.set(group, b.length);
    b.push(worker, group, start, stop, 1, failed);
  }

  /** Empties the buffer for the next batch. */
  reset(): void {
    this.bars = [];
    this.dropped = 0;
    this.#open = new Map();
  }
}
