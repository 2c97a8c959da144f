/**
 * What adaptive scaling asks of the scheduler (Dask's `Scheduler.adaptive_target` and
 * `workers_to_close`): how many workers the work in hand calls for, and which idle workers to
 * close first when fewer will do. Pure over the machine's state and the measured durations.
 *
 * - Durations: the mean run time per task prefix (the key's name before its token, as Dask's
 *   `key_split`), from the seconds workers report with task-finished; a prefix not seen yet counts
 *   0.5 s (Dask's `distributed.scheduler.unknown-task-duration`).
 * - Target: cpu = ceil(expected seconds of the tasks queued and processing / targetDuration), at
 *   most one worker per such task. The seconds are estimated as Dask's are: the mean over a sample
 *   of 100 queued and 100 processing tasks times their counts (which the state keeps at every
 *   move), so a call costs the same at a million tasks as at ten; memory = twice the workers when the results held pass 60% of
 *   their memory limits (as Dask's). target = max(cpu, memory). When that is below the workers
 *   connected, the idle workers (nothing processing) holding the fewest bytes are named to close,
 *   down to the target, keeping at least one worker while results are held.
 */
import type { Key } from '@tsdask/core-graph';
import type { SchedulerState } from './state/scheduler-state.js';
import { PROCESSING, QUEUED } from './state/task-states.js';

/** Seconds assumed for a task whose prefix has not finished yet (Dask's unknown-task-duration). */
export const UNKNOWN_TASK_DURATION_S = 0.5;

/** The prefix of a key: its name before the `-token`, without the chunk indices (`add-1f2e...,0,1` -> `add`). */
export function keyPrefix(key: Key): string {
  const name = key.split(',', 1)[0]!;
  const dash = name.lastIndexOf('-');
  return dash > 0 ? name.slice(0, dash) : name;
}

/** Mean measured run time per prefix. */
export class TaskDurations {
  readonly #sums = new Map<string, { total: number; count: number }>();

  /** Task `key` ran `seconds`. */
  record(key: Key, seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) return;
    const p = keyPrefix(key);
    const s = this.#sums.get(p);
    if (s === undefined) this.#sums.set(p, { total: seconds, count: 1 });
    else {
      s.total += seconds;
      s.count++;
    }
  }

  /** Expected seconds for `key`. */
  expected(key: Key): number {
    const s = this.#sums.get(keyPrefix(key));
    return s === undefined ? UNKNOWN_TASK_DURATION_S : s.total / s.count;
  }
}

/** A worker as adapt sees it: name, memory limit (0: none). */
export interface AdaptWorker {
  name: string;
  memoryLimit: number;
}

/** How many queued and how many processing tasks adapt reads the durations of (Dask's adaptive_target takes 100 queued). */
export const ADAPT_SAMPLE = 100;

/** The mean expected seconds of `keys` (0 for none). */
function meanExpected(keys: readonly Key[], durations: TaskDurations): number {
  let sum = 0;
  for (const k of keys) sum += durations.expected(k);
  return keys.length === 0 ? 0 : sum / keys.length;
}

/** Up to `n` keys processing on the workers, an even share from each. */
function processingSample(state: SchedulerState, n: number): Key[] {
  const out: Key[] = [];
  const share = Math.max(1, Math.ceil(n / Math.max(1, state.workers.size)));
  for (const w of state.workers.values()) {
    let taken = 0;
    for (const k of w.processing) {
      if (taken++ >= share) break;
      out.push(k);
    }
  }
  return out;
}

/** How many workers the work calls for, and which to close first when that is fewer than now. */
export function adaptiveTarget(
  state: SchedulerState,
  workers: readonly AdaptWorker[],
  durations: TaskDurations,
  targetDurationS: number,
): { target: number; close: string[] } {
  const queued = state.countIn(QUEUED);
  const processing = state.countIn(PROCESSING);
  const runnable = queued + processing;
  const seconds =
    meanExpected(
      state.queuedSample(ADAPT_SAMPLE).map((t) => t.key),
      durations,
    ) *
      queued +
    meanExpected(processingSample(state, ADAPT_SAMPLE), durations) * processing;
  const cpu = Math.min(runnable, Math.ceil(seconds / Math.max(1e-3, targetDurationS)));
  let limit = 0;
  let held = 0;
  for (const w of workers) {
    limit += w.memoryLimit;
    held += state.workers.get(w.name)?.nbytes ?? 0;
  }
  const memory = limit > 0 && held > 0.6 * limit ? 2 * workers.length : 0;
  const target = Math.max(cpu, memory);
  if (target >= workers.length) return { target, close: [] };
  const idle = workers
    .map((w) => state.workers.get(w.name))
    .filter((w) => w !== undefined && w.processing.size === 0)
    .sort((a, b) => a!.nbytes - b!.nbytes);
  const keep = Math.max(target, held > 0 ? 1 : 0);
  const close = idle.slice(0, Math.max(0, workers.length - keep)).map((w) => w!.name);
  return { target: workers.length - close.length, close };
}
