/**
 * The transition log: a bounded ring of (task, from, to, stimulus) records in typed arrays,
 * as distributed's `transition_log`. Cheap enough to record every transition of millions of
 * tasks; `story(key)` reads back what is still in the ring. Shells also read it forward
 * (a cursor) to turn transitions into events for subscribers.
 */
import { TASK_STATES } from '@tsdask/core-graph';

/** States as small integers (the order is the lifecycle): core-graph's codes, so events carry them as they are. */
export const STATES = TASK_STATES;
export const WAITING = 0;
export const READY = 1;
export const RUNNING = 2;
export const MEMORY = 3;
export const RELEASED = 4;
export const ERRED = 5;

/** A stimulus as recorded: its kind and what it carried. */
export interface StimulusRecord {
  id: number;
  type: string;
  batch?: number;
  worker?: number;
  start?: number;
  stop?: number;
  nbytes?: number;
  error?: Error;
}

export class TransitionLog {
  readonly capacity: number;
  readonly task: Int32Array;
  readonly from: Uint8Array;
  readonly to: Uint8Array;
  readonly stim: Int32Array;
  /** Total number of transitions ever written (the ring holds the last `capacity`). */
  written = 0;
  readonly stimuli = new Map<number, StimulusRecord>();
  readonly #stimulusCapacity: number;

  constructor(capacity = 1 << 20, stimulusCapacity = 1 << 16) {
    this.capacity = capacity;
    this.task = new Int32Array(capacity);
    this.from = new Uint8Array(capacity);
    this.to = new Uint8Array(capacity);
    this.stim = new Int32Array(capacity);
    this.#stimulusCapacity = stimulusCapacity;
  }

  addStimulus(s: StimulusRecord): void {
    this.stimuli.set(s.id, s);
    this.stimuli.delete(s.id - this.#stimulusCapacity);
  }

  record(task: number, from: number, to: number, stimulus: number): void {
    const at = this.written % this.capacity;
    this.task[at] = task;
    this.from[at] = from;
    this.to[at] = to;
    this.stim[at] = stimulus;
    this.written++;
  }

  /** Calls `visit` for each transition from position `since` on (those still in the ring). */
  forEachSince(since: number, visit: (task: number, from: number, to: number, stim: number) => void): number {
    const begin = Math.max(since, this.written - this.capacity);
    for (let w = begin; w < this.written; w++) {
      const at = w % this.capacity;
      visit(this.task[at]!, this.from[at]!, this.to[at]!, this.stim[at]!);
    }
    return this.written;
  }
}
