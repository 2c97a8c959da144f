/**
 * Task events in columns: a TaskEventBatch holds one row per task state change in typed arrays
 * (task index, state code, worker index, times, bytes), with the compute's key and group tables
 * by reference. A scheduler fills one with TaskBatchBuilder and hands it to `taskBatch`
 * subscribers: no object per transition, so 100k tasks per second cost subscribers a few typed-
 * array reads. `taskEventsOf` turns a batch into TaskEvent objects for simple subscribers.
 */
import { keyGroupLength, type Key } from './spec/index.js';

/** Task states shared by every scheduler. */
export type TaskState = 'waiting' | 'ready' | 'running' | 'memory' | 'released' | 'erred';

/** The states by code, in lifecycle order: `TASK_STATES[batch.state[i]]`. */
export const TASK_STATES: readonly TaskState[] = ['waiting', 'ready', 'running', 'memory', 'released', 'erred'];
/** State codes, as in TASK_STATES. */
export const TaskStateCode = { waiting: 0, ready: 1, running: 2, memory: 3, released: 4, erred: 5 } as const;

/** One state change of one task, as an object (see TaskEventBatch for the columnar form). */
export interface TaskEvent {
  key: Key;
  /** The task group (key name without its token), as in Dask's `key_split`. */
  group: string;
  state: TaskState;
  /** Worker that ran it (thread id, or a worker address), or -1 for the calling thread / none. */
  worker: number | string;
  /** When the work began and ended, in ms since the compute started (0 before it ran). */
  start: number;
  stop: number;
  /** Bytes of the result, where known (typed arrays, buffers), else 0. */
  nbytes: number;
}

/**
 * State changes in columns, row i of each array describing one change. Only rows below
 * `length` are meaningful. The scheduler reuses the arrays: a batch is valid during the call
 * that receives it, so copy what you keep.
 */
export interface TaskEventBatch {
  readonly length: number;
  /** Task index into `keys` (and into `groupOf`). */
  readonly task: Int32Array;
  /** State code into TASK_STATES. */
  readonly state: Uint8Array;
  /** Worker index into `workers`, or -1 for none / the calling thread. */
  readonly worker: Int32Array;
  /** When the work began and ended, in ms since the compute started. */
  readonly start: Float64Array;
  readonly stop: Float64Array;
  /** Bytes of the result where known, else 0. */
  readonly nbytes: Float64Array;
  /** The compute's keys, by task index (the same array for the whole compute). */
  readonly keys: readonly Key[];
  /** Group id of each task, into `groups`. */
  readonly groupOf: Int32Array;
  /** Group names by id. */
  readonly groups: readonly string[];
  /** Worker names by index (thread ids or addresses); may grow during a compute. */
  readonly workers: readonly (number | string)[];
}

/** Fills a TaskEventBatch row by row, growing its arrays as needed and reusing them after `clear()`. */
export class TaskBatchBuilder implements TaskEventBatch {
  length = 0;
  task: Int32Array = new Int32Array(1024);
  state: Uint8Array = new Uint8Array(1024);
  worker: Int32Array = new Int32Array(1024);
  start: Float64Array = new Float64Array(1024);
  stop: Float64Array = new Float64Array(1024);
  nbytes: Float64Array = new Float64Array(1024);
  readonly workers: (number | string)[] = [];
  readonly #workerIndex = new Map<number | string, number>();

  constructor(
    readonly keys: readonly Key[],
    readonly groupOf: Int32Array,
    readonly groups: readonly string[],
  ) {}

  /** The index of a worker name, added to `workers` when new. */
  workerIndex(name: number | string): number {
    let w = this.#workerIndex.get(name);
    if (w === undefined) {
      w = this.workers.length;
      this.workers.push(name);
      this.#workerIndex.set(name, w);
    }
    return w;
  }

  /** Makes room for `n` more rows, so a filler may write the arrays directly up to `length + n`. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need > this.task.length) this.#grow(Math.max(need, this.task.length * 2));
  }

  /** Appends one row. */
  push(task: number, state: number, worker: number, start: number, stop: number, nbytes: number): void {
    const i = this.length;
    if (i === this.task.length) this.#grow(i * 2);
    this.task[i] = task;
    this.state[i] = state;
    this.worker[i] = worker;
    this.start[i] = start;
    this.stop[i] = stop;
    this.nbytes[i] = nbytes;
    this.length = i + 1;
  }

  /** Empties the batch (keeps its arrays). */
  clear(): void {
    this.length = 0;
  }

  #grow(n: number): void {
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(n);
      b.set(a);
      return b;
    };
    this.task = grow(this.task, Int32Array);
    this.state = grow(this.state, Uint8Array);
    this.worker = grow(this.worker, Int32Array);
    this.start = grow(this.start, Float64Array);
    this.stop = grow(this.stop, Float64Array);
    this.nbytes = grow(this.nbytes, Float64Array);
  }

  /** A batch of the given events (keys and groups as the events name them), e.g. for tests or adapters. */
  static fromEvents(events: readonly TaskEvent[]): TaskBatchBuilder {
    const keyIndex = new Map<Key, number>();
    const groupIndex = new Map<string, number>();
    const keys: Key[] = [];
    const groups: string[] = [];
    const groupOfTask: number[] = [];
    for (const e of events) {
      if (!keyIndex.has(e.key)) {
        let g = groupIndex.get(e.group);
        if (g === undefined) groupIndex.set(e.group, (g = groups.push(e.group) - 1));
        keyIndex.set(e.key, keys.push(e.key) - 1);
        groupOfTask.push(g);
      }
    }
    const b = new TaskBatchBuilder(keys, Int32Array.from(groupOfTask), groups);
    for (const e of events) {
      const w = e.worker === -1 ? -1 : b.workerIndex(e.worker);
      b.push(keyIndex.get(e.key) as number, TaskStateCode[e.state], w, e.start, e.stop, e.nbytes);
    }
    return b;
  }
}

/** The rows of a batch as TaskEvent objects. */
export function taskEventsOf(b: TaskEventBatch): TaskEvent[] {
  const out = new Array<TaskEvent>(b.length);
  for (let i = 0; i < b.length; i++) {
    const t = b.task[i] as number;
    const w = b.worker[i] as number;
    out[i] = {
      key: b.keys[t] as Key,
      group: b.groups[b.groupOf[t] as number] as string,
      state: TASK_STATES[b.state[i] as number] as TaskState,
      worker: w < 0 ? -1 : (b.workers[w] as number | string),
      start: b.start[i] as number,
      stop: b.stop[i] as number,
      nbytes: b.nbytes[i] as number,
    };
  }
  return out;
}

/**
 * Gives tasks group ids without building a string per task: a key's group prefix is compared
 * with the few groups already seen (recent first), and sliced only when new. Incremental, so a
 * graph that arrives in parts is grouped part by part: `names` are the group names by id (first
 * seen first), `assign(keys, ids, at)` writes the group id of `keys[i]` into `ids[at + i]`.
 */
export class GroupAssigner {
  readonly names: string[] = [];
  readonly #byName = new Map<string, number>();
  #last = -1;

  /** Writes the group id of each of `keys` into `ids` from `at` on. */
  assign(keys: readonly Key[], ids: Int32Array, at = 0): void {
    const names = this.names;
    let last = this.#last;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as Key;
      const len = keyGroupLength(key);
      let id = -1;
      if (last >= 0 && (names[last] as string).length === len && key.startsWith(names[last] as string)) id = last;
      else {
        for (let j = names.length - 1; j >= 0 && j >= names.length - 8; j--) {
          const nm = names[j] as string;
          if (nm.length === len && key.startsWith(nm)) {
            id = j;
            break;
          }
        }
        if (id < 0) {
          const nm = key.slice(0, len);
          id = this.#byName.get(nm) ?? -1;
          if (id < 0) {
            id = names.length;
            names.push(nm);
            this.#byName.set(nm, id);
          }
        }
      }
      ids[at + i] = id;
      last = id;
    }
    this.#last = last;
  }
}

/** The group id of every key (see GroupAssigner): `names` by id, `ids[i]` the group of `keys[i]`. */
export function assignGroups(keys: readonly Key[]): { names: string[]; ids: Int32Array } {
  const g = new GroupAssigner();
  const ids = new Int32Array(keys.length);
  g.assign(keys, ids);
  return { names: g.names, ids };
}
