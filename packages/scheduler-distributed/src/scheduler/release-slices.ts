/**
 * The shell's side of a release walk that ran out of its budget in one stimulus (state/release.ts:
 * the client releasing the output of a million-task graph forgets a million records): while the
 * machine says `releasing`, 'release-step' stimuli of RELEASE_STEP_BUDGET tasks are applied for at
 * most SLICE_MS per turn of the event loop (setImmediate between), as the intake does for a graph.
 */
import type { SchedulerCore } from './core.js';
import { SLICE_MS } from './graph-intake.js';

/** Tasks per 'release-step': a few ms each. */
const RELEASE_STEP_BUDGET = 4096;

export class ReleaseSlices {
  readonly #core: SchedulerCore;
  #timer: ReturnType<typeof setImmediate> | undefined;
  #inSlice = false;
  #closed = false;

  constructor(core: SchedulerCore) {
    this.#core = core;
  }

  /** Called after each dispatch: schedules the next slice when the machine has a walk left and none is scheduled. */
  kick(): void {
    if (this.#core.state.releasing && this.#timer === undefined && !this.#inSlice && !this.#closed) this.#timer = setImmediate(this.#slice);
  }

  /** Stops (the scheduler is closing). */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
  }

  readonly #slice = (): void => {
    this.#timer = undefined;
    const core = this.#core;
    const until = performance.now() + SLICE_MS;
    this.#inSlice = true;
    try {
      do core.dispatch(core.state.handle({ type: 'release-step', budget: RELEASE_STEP_BUDGET }));
      while (core.state.releasing && performance.now() < until);
    } finally {
      this.#inSlice = false;
    }
    this.kick();
  };
}
