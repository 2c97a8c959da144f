/**
 * Subscribers to the event stream (events.ts). As Dask's callbacks: a subscriber is a plain
 * object of optional hooks, registered globally with `addCallbacks` or per compute through
 * `compute(x, { callbacks: [...] })`. `event(e)` receives every event, typed by `e.type`;
 * `start`, `taskBatch` and `finish` are shortcuts for one kind each, and `tasks` receives task
 * state changes as objects (built only when a subscriber has that hook). Schedulers send each
 * event once through `emitEvent`, which serves all the hooks.
 */
import type { ComputeFinish, ComputeStart, SchedulerEvent, SchedulerEventType } from './events.js';
import { taskEventsOf, type TaskEvent, type TaskEventBatch } from './task-events.js';

export type { TaskEvent, TaskEventBatch, TaskState } from './task-events.js';
export type { ComputeFinish, ComputeStart } from './events.js';

/** Hooks a subscriber may implement. */
export interface Callbacks {
  /** Every event of the stream (or those of `eventTypes`); switch on `e.type`. */
  event?(e: SchedulerEvent): void;
  /** The kinds `event` receives (default: all); a scheduler builds the others only for subscribers that want them. */
  readonly eventTypes?: readonly SchedulerEventType[];
  /** Shortcut for 'compute-start'. */
  start?(info: ComputeStart): void;
  /**
   * Shortcut for 'task-batch': task state changes in columns, one call per scheduler step, the
   * cheap form for subscribers that see every task. The batch is valid during the call only.
   */
  taskBatch?(batch: TaskEventBatch, computeId: string): void;
  /** The same changes as objects (built only when a subscriber has this hook). */
  tasks?(events: readonly TaskEvent[], computeId: string): void;
  /** Shortcut for 'compute-finish'. */
  finish?(info: ComputeFinish): void;
}

const globalCallbacks = new Set<Callbacks>();

/** Subscribes to every compute; returns the function that unsubscribes. */
export function addCallbacks(cb: Callbacks): () => void {
  globalCallbacks.add(cb);
  return () => {
    globalCallbacks.delete(cb);
  };
}

/** The global subscribers plus those given for one compute. */
export function activeCallbacks(extra?: readonly Callbacks[]): Callbacks[] {
  const out = [...globalCallbacks];
  if (extra) for (const c of extra) if (!out.includes(c)) out.push(c);
  return out;
}

/** Whether some subscriber receives events of kind `type` (so a scheduler builds them only then). */
export function listens(callbacks: readonly Callbacks[], type: SchedulerEventType): boolean {
  for (const c of callbacks) {
    if (c.event !== undefined && (c.eventTypes === undefined || c.eventTypes.includes(type))) return true;
    if (type === 'compute-start' && c.start !== undefined) return true;
    if (type === 'task-batch' && (c.taskBatch !== undefined || c.tasks !== undefined)) return true;
    if (type === 'compute-finish' && c.finish !== undefined) return true;
  }
  return false;
}

/** Errors of subscribers already printed: each is reported once. */
const reported = new WeakSet<object>();

/** Reports a subscriber that threw (once per error); a subscriber never breaks a compute. */
function subscriberThrew(err: unknown): void {
  if (typeof err === 'object' && err !== null) {
    if (reported.has(err)) return;
    reported.add(err);
  }
  console.error('tsdask: a progress/event subscriber threw (ignored):', err);
}

/**
 * Sends one event to the subscribers: to every `event` hook and to the shortcut hook of its
 * kind (`tasks` gets the batch's rows as objects, built once). A subscriber that throws is
 * reported on stderr and skipped.
 */
export function emitEvent(callbacks: readonly Callbacks[], e: SchedulerEvent): void {
  let objects: TaskEvent[] | undefined;
  for (const c of callbacks) {
    if (c.event !== undefined && (c.eventTypes === undefined || c.eventTypes.includes(e.type))) {
      try {
        c.event(e);
      } catch (err) {
        subscriberThrew(err);
      }
    }
    try {
      switch (e.type) {
        case 'compute-start':
          c.start?.(e);
          break;
        case 'task-batch':
          c.taskBatch?.(e.batch, e.computeId);
          if (c.tasks !== undefined) c.tasks((objects ??= taskEventsOf(e.batch)), e.computeId);
          break;
        case 'compute-finish':
          c.finish?.(e);
          break;
        default:
          break;
      }
    } catch (err) {
      subscriberThrew(err);
    }
  }
}
