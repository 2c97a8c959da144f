/**
 * Releasing what nothing needs any more, and erring what depends on a failure. A task is needed
 * while the client wants it or a dependent waits, is queued or processes; an unneeded result is
 * freed on its workers and released, and a released task with no dependents is forgotten, which
 * may leave its inputs unneeded in turn: one release can cascade over a whole graph (the client
 * releasing the one output of a million-task tree forgets a million records). So each stimulus
 * walks at most a budget of tasks (RELEASE_BUDGET); the rest of the walk waits on a stack for
 * 'release-step' stimuli (SchedulerState.releasing says while), which the shell applies between
 * other work, as it does the intake's 'graph-step's. A deferred task is looked at again when its
 * turn comes: one needed again meanwhile (a new graph reads it) stays. Pure.
 */
import type { MachineOps } from './lost-data.js';
import type { TaskRecord } from './task-record.js';
import { ERRED, FORGOTTEN, MEMORY, PROCESSING, QUEUED, RELEASED, WAITING } from './task-states.js';

/** Tasks one stimulus's releases walk at most before the rest of the walk is deferred to 'release-step's. */
export const RELEASE_BUDGET = 4096;

/** Whether the client wants `t` or a dependent waits for it, is queued or processes. */
export function needed(t: TaskRecord): boolean {
  if (t.wanted) return true;
  for (const d of t.dependents) if (d.state === WAITING || d.state === QUEUED || d.state === PROCESSING) return true;
  return false;
}

/** The release walk of one machine, with its budget and its deferred stack (see the header). */
export class Releases {
  readonly #m: Pick<MachineOps, 'tasks' | 'emit' | 'move' | 'unassign'>;
  /** What the walk has still to look at, from stimuli whose budget ran out. */
  #deferred: TaskRecord[] = [];
  #left = RELEASE_BUDGET;

  constructor(m: Pick<MachineOps, 'tasks' | 'emit' | 'move' | 'unassign'>) {
    this.#m = m;
  }

  /** Whether some of the walk waits for 'release-step' stimuli. */
  get pending(): boolean {
    return this.#deferred.length > 0;
  }

  /** A new stimulus: the walk may take RELEASE_BUDGET tasks again. */
  begin(): void {
    this.#left = RELEASE_BUDGET;
  }

  /** Walks the deferred stack for at most `budget` tasks. */
  step(budget: number): void {
    this.#left = budget;
    const work = this.#deferred;
    this.#deferred = [];
    this.#walk(work);
  }

  /** Releases what is no longer needed among `start` (and, in turn, their deps); forgets released tasks without dependents. */
  settle(start: readonly TaskRecord[]): void {
    this.#walk(start.slice());
  }

  #walk(work: TaskRecord[]): void {
    const m = this.#m;
    for (let t = work.pop(); t !== undefined; t = work.pop()) {
      if (this.#left-- <= 0) {
        work.push(t);
        this.#defer(work);
        return;
      }
      if (t.state === FORGOTTEN || needed(t)) continue;
      switch (t.state) {
        case MEMORY:
          for (const h of t.whoHas) {
            h.drop(t.key);
            m.emit({ type: 'free-keys', worker: h.name, keys: [t.key] });
          }
          t.whoHas.clear();
          m.move(t, RELEASED);
          break;
        case PROCESSING: {
          const on = m.unassign(t)!;
          m.emit({ type: 'free-keys', worker: on.name, keys: [t.key] });
          m.move(t, RELEASED);
          for (const d of t.deps) work.push(d);
          break;
        }
        case WAITING:
        case QUEUED:
          m.move(t, RELEASED);
          for (const d of t.deps) work.push(d);
          break;
        case ERRED:
          if (t.dependents.size === 0) m.move(t, RELEASED);
          break;
      }
      if (t.state === RELEASED && t.dependents.size === 0) {
        m.move(t, FORGOTTEN);
        m.tasks.delete(t.key);
        for (const d of t.deps) {
          d.dependents.delete(t);
          work.push(d);
        }
      }
    }
  }

  #defer(work: TaskRecord[]): void {
    if (this.#deferred.length === 0) this.#deferred = work;
    else for (const t of work) this.#deferred.push(t);
  }
}

/**
 * `first` (released, waiting or processing) errs with `error`; so does every dependent waiting
 * on it, in turn. The client hears of each wanted one; inputs no longer needed are released.
 */
export function fail(m: Pick<MachineOps, 'emit' | 'move' | 'settle'>, first: TaskRecord, error: Error): void {
  m.move(first, ERRED);
  first.error = error;
  const work = [first];
  const inputs: TaskRecord[] = [];
  for (let t = work.pop(); t !== undefined; t = work.pop()) {
    if (t.wanted) m.emit({ type: 'task-erred', key: t.key, error });
    for (const d of t.deps) inputs.push(d);
    for (const d of t.dependents) {
      if (d.state !== WAITING) continue;
      m.move(d, ERRED);
      d.error = error;
      work.push(d);
    }
  }
  m.settle(inputs);
}
