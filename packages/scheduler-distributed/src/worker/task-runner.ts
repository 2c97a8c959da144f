/**
 * How a worker runs the tasks its state machine hands it (the `execute` instruction): inputs
 * spilled to disk are read back first; a P2P shuffle's task goes to the worker's shuffle part
 * (shuffle/worker-shuffles.ts), any other to the thread executor with its inputs' values
 * (payload.ts). The result goes to the store and back to the machine as execute-success or
 * execute-failure, and a thread's run time is kept for the task-finished that reports it. Its
 * state is its own (`durations`); what it shares with the worker comes in a small context.
 */
import { forEachRef, serializeError, type Key, type Node, type OpId, type Task } from '@tsdask/core-graph';
import type { BatchPayload, BatchResult } from '@tsdask/runtime';
import type { WireNode, WorkerToScheduler } from '../protocol/messages.js';
import { decodeNode, encodeNode } from '../protocol/values.js';
import { p2pKindOfWire } from '../shuffle/run-spec.js';
import type { Held, WorkerShuffles } from '../shuffle/worker-shuffles.js';
import type { DataStore, StoredValue } from './data-store.js';
import type { ThreadExecutor } from './executor.js';
import { taskPayload } from './payload.js';
import type { WorkerStateMachine } from './state/machine.js';
import type { WorkerStimulus } from './state/messages.js';

/** What the runner uses of its worker. */
export interface TaskRunnerContext {
  readonly name: string;
  readonly store: DataStore;
  readonly machine: WorkerStateMachine;
  readonly executor: ThreadExecutor;
  readonly shuffles: WorkerShuffles;
  /** Sources of the portable functions the scheduler defined (define-ops). */
  readonly sources: ReadonlyMap<OpId, string>;
  /** Whether the worker is stopping (results are then dropped). */
  closing(): boolean;
  /** A new stimulus id. */
  sid(what: string): string;
  /** Feeds a stimulus to the machine and carries out its instructions. */
  handle(stimulus: WorkerStimulus): void;
  /** Sends a message to the scheduler. */
  send(msg: WorkerToScheduler, lazy?: boolean): void;
}

/** Runs the worker's tasks. */
export class TaskRunner {
  /** Seconds each finished task ran, until its task-finished carries it. */
  readonly durations = new Map<string, number>();
  readonly #c: TaskRunnerContext;

  constructor(c: TaskRunnerContext) {
    this.#c = c;
  }

  /** Runs task `key` (node `wire`); `loaded`: inputs already read back from disk. The outcome reaches the machine as a stimulus. */
  execute(key: string, wire: WireNode, loaded?: Map<string, StoredValue>): void {
    if (this.#c.store.spilledBytes > 0) {
      const deps = [...(this.#c.machine.tasks.get(key)?.dependencies ?? [])].map((d) => d.key).filter((k) => loaded?.has(k) !== true);
      if (this.#c.store.anyOnDisk(deps)) {
        // Inputs on disk are read back first (again for one spilled meanwhile); one that cannot be (SpillError TSDASK_SPILL_LOST) fails the task.
        void this.#c.store.readBack(deps).then(({ values, errors }) => {
          if (this.#c.closing()) return;
          const lost = errors.values().next();
          if (lost.done) return this.execute(key, wire, loaded === undefined ? values : new Map([...loaded, ...values]));
          this.#c.handle({ type: 'execute-failure', stimulusId: this.#c.sid('execute-failure'), key, error: serializeError(lost.value) });
        });
        return;
      }
    }
    if (p2pKindOfWire(wire) !== undefined) {
      const held: Held = (k) => this.#c.store.get(k) ?? loaded?.get(k);
      void this.#c.shuffles.execute(key, decodeNode(wire) as Task, held).then((r) => this.#executed(key, r));
      return;
    }
    let payload: BatchPayload;
    try {
      const deps = this.#c.machine.tasks.get(key)?.dependencies ?? [];
      payload = taskPayload(
        key,
        wire,
        [...deps].map((d) => d.key),
        (k) => this.#c.store.get(k) ?? loaded?.get(k),
        this.#c.sources,
        this.#c.name,
      );
    } catch (err) {
      const error = serializeError(err);
      queueMicrotask(() => this.#c.handle({ type: 'execute-failure', stimulusId: this.#c.sid('execute-failure'), key, error }));
      return;
    }
    const began = performance.now();
    void this.#c.executor.run(key, payload).then((r) => this.#executed(key, r, began));
  }

  /** A task's run ended (on a thread, or in the shuffle part): the result goes to the store and the machine; a thread's run time (from `began`) is reported with it. */
  #executed(key: string, r: BatchResult, began?: number): void {
    if (this.#c.closing()) return;
    if (r.ok && began !== undefined) this.durations.set(key, (performance.now() - began) / 1000);
    const slots = this.#c.executor.slots;
    if (slots !== this.#c.machine.nthreads) {
      this.#c.handle({ type: 'set-slots', stimulusId: this.#c.sid('set-slots'), slots });
      this.#c.send({ type: 'slots', slots }, true);
    }
    if (!r.ok) return this.#c.handle({ type: 'execute-failure', stimulusId: this.#c.sid('execute-failure'), key, error: r.error });
    if (this.#c.machine.stateOf(key) === 'executing') this.#c.store.put(key, r.value, r.nbytes);
    this.#c.handle({ type: 'execute-success', stimulusId: this.#c.sid('execute-success'), key, nbytes: r.nbytes });
  }

  /** Runs `node` (a P2P shuffle's split or combine) on the threads, its refs' values from `held`. */
  runThread(key: Key, node: Node, held: Held): Promise<BatchResult> {
    const keys = new Set<Key>();
    forEachRef(node, (k) => keys.add(k));
    const payload = taskPayload(key, encodeNode(node), [...keys], held as (k: string) => StoredValue | undefined, this.#c.sources, this.#c.name);
    return this.#c.executor.run(key, payload);
  }
}
