/**
 * Workers as the page knows them: their display names (the local scheduler reports thread ids,
 * numbers, -1 for the calling thread; a cluster reports addresses, strings) and the table of
 * ids and per-compute status rows the aggregator keeps.
 */
import type { WorkerInfo, WorkerStatus } from './messages.js';

/** The display name of a worker as the event stream reports it. */
export function workerName(worker: number | string): string {
  if (typeof worker === 'string') return worker;
  return worker < 0 ? 'main' : `thread ${worker}`;
}

/**
 * The workers the page knows, by id (their order of first appearance): each name once, with
 * its per-compute status row. Events name a worker as a number or a string; `of` maps either to
 * the id, with a one-entry cache because a batch names the same worker many times in a row.
 */
export class WorkerTable {
  readonly #ids = new Map<string, number>();
  /** As the events name workers (number or string) -> id. */
  readonly #raw = new Map<number | string, number>();
  #lastRaw: number | string | undefined;
  #last = 0;
  readonly #all: WorkerInfo[] = [];
  #added: WorkerInfo[] = [];
  #status: WorkerStatus[] = [];

  /** Every worker seen, by id. */
  get all(): readonly WorkerInfo[] {
    return this.#all;
  }

  /** The workers seen since the last `takeAdded()`. */
  get added(): WorkerInfo[] {
    return this.#added;
  }

  /** Each worker's counters for the compute shown, by id. */
  get status(): WorkerStatus[] {
    return this.#status;
  }

  takeAdded(): void {
    this.#added = [];
  }

  /** A new compute: every worker's counters start from zero. */
  resetStatus(): void {
    this.#status = this.#status.map((s) => emptyStatus(s.id));
  }

  /** The id of a worker as an event names it; a worker not seen before is added. */
  of(worker: number | string): number {
    if (worker === this.#lastRaw) return this.#last;
    let w = this.#raw.get(worker);
    if (w === undefined) w = this.#add(worker);
    this.#lastRaw = worker;
    this.#last = w;
    return w;
  }

  #add(worker: number | string): number {
    const name = workerName(worker);
    let w = this.#ids.get(name);
    if (w === undefined) {
      w = this.#all.length;
      const info = { id: w, name };
      this.#ids.set(name, w);
      this.#all.push(info);
      this.#added.push(info);
      this.#status.push(emptyStatus(w));
    }
    this.#raw.set(worker, w);
    return w;
  }
}

function emptyStatus(id: number): WorkerStatus {
  return { id, done: 0, erred: 0, held: 0, peak: 0, spilled: 0, results: 0 };
}
