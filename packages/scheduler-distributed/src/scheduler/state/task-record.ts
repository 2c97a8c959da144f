/**
 * What the scheduler knows of one task (the idea of distributed's TaskState), and the queue of
 * ready tasks held back by the scheduler (a binary min-heap on (generation, priority): earlier
 * graphs first, then core-graph `order()`'s priority). Plain data; the machine mutates it.
 */
import type { Key, Node } from '@tsdask/core-graph';
import { SmallSet } from './small-set.js';
import { RELEASED } from './task-states.js';
import type { WorkerState } from './worker-state.js';

export interface TaskRecord {
  readonly key: Key;
  readonly node: Node;
  /** Which graph submission created it (earlier first). */
  readonly generation: number;
  /** core-graph `order()` priority within its graph (lower first). */
  readonly priority: number;
  /** State code (task-states.ts). */
  state: number;
  readonly deps: readonly TaskRecord[];
  /** The tasks that read it (a SmallSet: most tasks have one). */
  readonly dependents: SmallSet<TaskRecord>;
  /** The client wants its result (an output not yet released). */
  wanted: boolean;
  /** The client was told it is in memory (task-done is sent once). */
  delivered: boolean;
  /** While waiting: how many deps are not in memory. */
  waitingOn: number;
  /** While processing: the worker running it. */
  processingOn: WorkerState | undefined;
  /** While processing and a steal is asked of its worker: the worker that will run it if it is given up. */
  stealTo: WorkerState | undefined;
  /** While in memory: the workers holding it. */
  readonly whoHas: SmallSet<WorkerState>;
  /** Size of its result, once known. */
  nbytes: number;
  /** Workers that died while it was processing on them. */
  suspicious: readonly string[];
  /** How each worker in `suspicious` was lost (same order). */
  suspiciousHow: readonly string[];
  /** While erred: why. */
  error: Error | undefined;
  /** A client scattered its value: there is no node to compute it again. */
  scattered: boolean;
}

const NONE: readonly string[] = Object.freeze([]);

/** A new record, released, with no links yet (`deps`: the array its deps will be written into; default a new empty one). */
export function newTaskRecord(key: Key, node: Node, generation: number, priority: number, deps: readonly TaskRecord[] = []): TaskRecord {
  return {
    key,
    node,
    generation,
    priority,
    state: RELEASED,
    deps,
    dependents: new SmallSet(),
    wanted: false,
    delivered: false,
    waitingOn: 0,
    stealTo: undefined,
    processingOn: undefined,
    whoHas: new SmallSet(),
    nbytes: 0,
    suspicious: NONE, // replaced, not pushed to: most tasks never see a worker die
    suspiciousHow: NONE,
    error: undefined,
    scattered: false,
  };
}

/** Whether a sorts before b in the queue. */
function before(a: TaskRecord, b: TaskRecord): boolean {
  return a.generation !== b.generation ? a.generation < b.generation : a.priority < b.priority;
}

/** A min-heap of queued tasks; entries may go stale (the caller checks the state on pop). */
export class TaskQueue {
  readonly #heap: TaskRecord[] = [];

  get size(): number {
    return this.#heap.length;
  }

  /** Adds a task. */
  push(t: TaskRecord): void {
    const h = this.#heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  /**
   * Up to `n` of its tasks for which `keep` holds, from the front of the heap's array (no order
   * promised), looking at no more than 100·n entries (stale ones included), so the cost is bounded.
   */
  sample(n: number, keep: (t: TaskRecord) => boolean): TaskRecord[] {
    const out: TaskRecord[] = [];
    const h = this.#heap;
    const end = Math.min(h.length, 100 * n);
    for (let i = 0; i < end && out.length < n; i++) if (keep(h[i]!)) out.push(h[i]!);
    return out;
  }

  /** The first task, without removing it. */
  peek(): TaskRecord | undefined {
    return this.#heap[0];
  }

  /** Removes and returns the first task. */
  pop(): TaskRecord | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
