/**
 * The transition log: a bounded ring of the machine's moves (key, from, to, the stimulus that
 * caused it), as distributed's `transition_log`. `story(key)` reads back a task's history from
 * what is still in the ring; DistributedTransitionError carries it. The ring is held as parallel
 * arrays (state codes in bytes), so a move allocates nothing: a graph of a million tasks makes a
 * million moves while it goes in, and an object per move was garbage for the collector.
 */
import type { Key } from '@tsdask/core-graph';
import { TASK_STATE_NAMES } from './task-states.js';

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
  readonly #keys: Key[] = [];
  readonly #stimuli: string[] = [];
  readonly #from: Uint8Array;
  readonly #to: Uint8Array;
  readonly #ids: Float64Array;
  readonly #capacity: number;
  #written = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
    this.#from = new Uint8Array(this.#capacity);
    this.#to = new Uint8Array(this.#capacity);
    this.#ids = new Float64Array(this.#capacity);
  }

  /** Records a move between state codes (the oldest is overwritten once the ring is full). */
  record(key: Key, from: number, to: number, stimulus: string, stimulusId: number): void {
    const at = this.#written % this.#capacity;
    if (at === this.#keys.length) {
      this.#keys.push(key);
      this.#stimuli.push(stimulus);
    } else {
      this.#keys[at] = key;
      this.#stimuli[at] = stimulus;
    }
    this.#from[at] = from;
    this.#to[at] = to;
    this.#ids[at] = stimulusId;
    this.#written++;
  }

  /** The moves of `key` still in the ring, oldest first. */
  story(key: Key): SchedulerStoryEntry[] {
    const n = this.#keys.length;
    const start = this.#written % n || 0;
    const out: SchedulerStoryEntry[] = [];
    for (let i = 0; i < n; i++) {
      const at = (start + i) % n;
      if (this.#keys[at] !== key) continue;
      out.push({
        key,
        from: TASK_STATE_NAMES[this.#from[at]!]!,
        to: TASK_STATE_NAMES[this.#to[at]!]!,
        stimulus: this.#stimuli[at]!,
        stimulusId: this.#ids[at]!,
      });
    }
    return out;
  }
}
