/**
 * A submitted graph taken into the machine in steps of bounded work, so the shell can ingest a
 * graph of a million tasks between other stimuli without blocking its event loop (Dask's
 * `update_graph` of 2.5M tasks blocked its loop for minutes, distributed#7998). One step does at
 * most `budget` units of work; the phases, in order:
 *
 *   records  one record per key, released, with no deps yet (an existing one is reused, and
 *            pinned: a stand-in dependent (the PIN record) keeps it from being forgotten before the graph's
 *            tasks link to it)
 *   links    each created record's deps (an array of exactly their number, set whole; one shared
 *            empty array for all tasks without inputs) and its place among their dependents
 *   need     the outputs become wanted, one by one, and what they need progresses toward memory
 *            (the machine's own depth-first walk, paused between steps: a waiting task's
 *            released inputs stay on the walk's stack until their turn)
 *   settle   pins come off; what of the graph nothing needs (what the walk did not reach, or a
 *            reused task) is released and forgotten
 *
 * Between steps the invariants of validate.ts hold: a task is never wanted before it was
 * walked, and a waiting task counts its released inputs among those not in memory. Pure.
 */
import { MissingKeyError, type Key, type TaskGraph } from '@tsdask/core-graph';
import type { MachineOps } from './lost-data.js';
import { newTaskRecord, type TaskRecord } from './task-record.js';
import { ERRED, MEMORY, RELEASED } from './task-states.js';

/** What ingestion needs of the machine besides MachineOps. */
export interface IngestOps extends MachineOps {
  /** Runs the machine's need walk on `stack` for at most `budget` tasks; returns how many it took. */
  needFrom(stack: TaskRecord[], budget: number): number;
  /** Tells the client that wanted `t` it is in memory (once). */
  deliver(t: TaskRecord): void;
}

/** The deps of a task that has none (never written to: one array for all of them). */
const NO_DEPS: readonly TaskRecord[] = Object.freeze([]);

/** The stand-in dependent that pins a reused record while a graph links to it (never recorded, always released). */
const PIN: TaskRecord = newTaskRecord('\u0000ingest-pin', null, -1, 0);

const RECORDS = 0;
const LINKS = 1;
const NEED = 2;
const SETTLE = 3;
const DONE = 4;

/** One graph being taken in (see the header). */
export class GraphIngest {
  readonly #g: TaskGraph;
  readonly #outputs: readonly Key[];
  readonly #priorities: Int32Array | undefined;
  readonly #generation: number;
  readonly #recs: TaskRecord[];
  /** 1 where the record of id i was created by this graph, 2 where an existing one was reused (and pinned). */
  readonly #made: Uint8Array;
  readonly #stack: TaskRecord[] = [];
  #phase = RECORDS;
  #at = 0;

  /** Throws MissingKeyError (before anything changes) for an output that is neither in `g` nor known. */
  constructor(tasks: ReadonlyMap<Key, TaskRecord>, g: TaskGraph, outputs: readonly Key[], priorities: Int32Array | undefined, generation: number) {
    for (const key of outputs) if (!g.index.has(key) && !tasks.has(key)) throw new MissingKeyError(key);
    this.#g = g;
    this.#outputs = outputs;
    this.#priorities = priorities;
    this.#generation = generation;
    this.#recs = new Array<TaskRecord>(g.size);
    this.#made = new Uint8Array(g.size);
  }

  /** Whether every phase is done. */
  get done(): boolean {
    return this.#phase === DONE;
  }

  /** Does at most `budget` units of work (about one per task and edge); returns whether the graph is all in. */
  step(m: IngestOps, budget: number): boolean {
    let left = budget;
    while (left > 0 && this.#phase !== DONE) {
      const spent = this.#run(m, left);
      left -= Math.max(1, spent);
    }
    return this.#phase === DONE;
  }

  #next(): void {
    this.#phase++;
    this.#at = 0;
  }

  #run(m: IngestOps, budget: number): number {
    const g = this.#g;
    const n = g.size;
    switch (this.#phase) {
      case RECORDS: {
        const end = Math.min(n, this.#at + budget);
        for (let i = this.#at; i < end; i++) {
          const key = g.keys[i]!;
          let t = m.tasks.get(key);
          if (t === undefined) {
            t = newTaskRecord(key, g.nodes[i]!, this.#generation, this.#priorities?.[i] ?? i, NO_DEPS);
            m.tasks.set(key, t);
            this.#made[i] = 1;
          } else {
            t.dependents.add(PIN);
            this.#made[i] = 2;
          }
          this.#recs[i] = t;
        }
        const spent = end - this.#at;
        this.#at = end;
        if (end === n) this.#next();
        return spent;
      }
      case LINKS: {
        let spent = 0;
        let i = this.#at;
        for (; i < n && spent < budget; i++) {
          spent++;
          if (this.#made[i] !== 1) continue;
          const t = this.#recs[i]!;
          const e0 = g.depPtr[i]!;
          const e1 = g.depPtr[i + 1]!;
          if (e1 === e0) continue;
          // Written whole, then set: a record's deps and its place among their dependents change together.
          const deps = new Array<TaskRecord>(e1 - e0);
          for (let e = e0; e < e1; e++) {
            const d = this.#recs[g.depIdx[e]!]!;
            deps[e - e0] = d;
            d.dependents.add(t);
          }
          (t as { deps: readonly TaskRecord[] }).deps = deps;
          spent += e1 - e0;
        }
        this.#at = i;
        if (i === n) this.#next();
        return spent;
      }
      case NEED: {
        let spent = m.needFrom(this.#stack, budget);
        while (spent < budget && this.#stack.length === 0 && this.#at < this.#outputs.length) {
          const t = m.tasks.get(this.#outputs[this.#at++]!)!;
          spent++;
          t.wanted = true;
          if (t.state === RELEASED) {
            this.#stack.push(t);
            spent += m.needFrom(this.#stack, Math.max(1, budget - spent)); // at least t itself: wanted is never left released
          } else if (t.state === MEMORY) m.deliver(t);
          else if (t.state === ERRED) m.emit({ type: 'task-erred', key: t.key, error: t.error! });
        }
        if (this.#stack.length === 0 && this.#at === this.#outputs.length) this.#next();
        return spent;
      }
      case SETTLE: {
        const end = Math.min(n, this.#at + budget);
        const batch: TaskRecord[] = [];
        for (let i = this.#at; i < end; i++) {
          const t = this.#recs[i]!;
          if (this.#made[i] === 2) {
            t.dependents.delete(PIN);
            batch.push(t);
          } else if (this.#made[i] === 1 && t.state === RELEASED) batch.push(t); // never walked: nothing needs it
          // A task the walk took was needed then; what stopped being needed since, the machine released itself.
        }
        m.settle(batch);
        const spent = end - this.#at;
        this.#at = end;
        if (end === n) this.#next();
        return spent;
      }
    }
    return 0;
  }
}
