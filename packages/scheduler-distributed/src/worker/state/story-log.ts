/**
 * The worker state machine's log of moves, each with the stimulus that caused it, so
 * `story(key)` tells a task's history (as distributed's `WorkerState.story`). Bounded: it keeps
 * at least the latest `capacity` moves, dropping the oldest half at once when it reaches twice that.
 */
import type { WorkerStoryLine } from './errors.js';

/** A bounded log of a worker's moves. */
export class StoryLog {
  readonly #lines: WorkerStoryLine[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Records one move. */
  push(line: WorkerStoryLine): void {
    this.#lines.push(line);
    if (this.#lines.length >= 2 * this.#capacity) this.#lines.splice(0, this.#capacity);
  }

  /** The moves of `key` still in the log, oldest first. */
  story(key: string): WorkerStoryLine[] {
    return this.#lines.filter((l) => l.key === key);
  }
}
