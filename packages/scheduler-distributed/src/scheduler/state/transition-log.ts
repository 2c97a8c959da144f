/**
 * The transition log: a bounded ring of the machine's moves (key, from, to, the stimulus that
 * caused it), as distributed's `transition_log`. `story(key)` reads back a task's history from
 * what is still in the ring; DistributedTransitionError carries it.
 */
import type { Key } from '@tsdask/core-graph';

/** One logged move. */
export interface SchedulerStoryEntry {
  key: Key;
  from: string;
  to: string;
  /** The stimulus's type and its sequence number. */
  stimulus: string;
  stimulusId: number;
}

export class TransitionLog {
  readonly #ring: SchedulerStoryEntry[] = [];
  readonly #capacity: number;
  #written = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Records a move (the oldest is overwritten once the ring is full). */
  record(entry: SchedulerStoryEntry): void {
    if (this.#ring.length < this.#capacity) this.#ring.push(entry);
    else this.#ring[this.#written % this.#capacity] = entry;
    this.#written++;
  }

  /** The moves of `key` still in the ring, oldest first. */
  story(key: Key): SchedulerStoryEntry[] {
    const n = this.#ring.length;
    const start = this.#written % n || 0;
    const out: SchedulerStoryEntry[] = [];
    for (let i = 0; i < n; i++) {
      const e = this.#ring[(start + i) % n]!;
      if (e.key === key) out.push(e);
    }
    return out;
  }
}
